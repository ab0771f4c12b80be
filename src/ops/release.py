"""``churn-release``: build a release record once, record what happens to it, and read the
log (``churn.ops.releases`` says what a record and an event are).

- ``create``: main's images by digest (the tag is the commit SHA; ECR tags are immutable),
  the bundle ``model.auto.tfvars`` names with its manifest's SHA-256, written once under
  ``releases/``; each image is tagged ``release-<id>`` so the repositories' lifecycle keeps
  the images of the last releases. Run again for the same commit, images and bundle, it
  finds the record it wrote instead of writing another.
- ``checked``: whether the Terraform checks passed already on what this checkout gives them
  (the fingerprint of ``churn.ops.checked_inputs``, in one of the last releases): a deploy
  runs them only when not; ``create --checks-passed-before`` then names that release.
- ``record``: one event (deployed, smoke-passed, smoke-failed, live, rolled-back) of a
  release in an environment.
- ``watch``: in the approved apply job, smoke-test the release just applied; on failure,
  apply the release live before it again and smoke-test that (``churn.ops.watch``).
- ``check``: refuse a release that did not pass the smoke test of the environment before
  (production's gate on staging), from the record, in one line.
- ``previous``: the release that was live in an environment before the current one (what a
  rollback goes back to).
- ``resolve``: a rollback's target, ``previous`` or an id, checked: a release that exists,
  is not what is live, and passed a smoke test somewhere.
- ``list``: the last releases, where each ran and its verdicts.

``--outputs FILE`` appends ``key=value`` lines (the workflows pass ``$GITHUB_OUTPUT``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final

from botocore.exceptions import BotoCoreError, ClientError

from churn import cli, storage
from churn.names import ENVIRONMENTS, name_prefix
from churn.ops import checked_inputs, release_build
from churn.ops.releases import (
    EVENT_KINDS,
    Event,
    Release,
    ReleaseError,
    ReleaseLog,
    ReleaseStoreError,
    checked_environment,
    now_text,
)
from churn.ops.watch import Watch, WatchError, live_history

PROG: Final = "churn-release"


def previous(history: list[str], environment: str) -> tuple[str, str]:
    """(the release live now, the one live before it), from ``environment``'s history."""
    if not history:
        raise ReleaseError(f"no release has been live in {environment}: nothing to go back to")
    current = history[-1]
    earlier = [r for r in history if r != current]
    if not earlier:
        raise ReleaseError(f"{current} is the only release live in {environment} so far")
    return current, earlier[-1]


def resolve(log: ReleaseLog, wanted: str, environment: str) -> Release:
    """The release a rollback in ``environment`` goes to."""
    history = live_history(log, environment)  # the log read once
    target = previous(history, environment)[1] if wanted == "previous" else wanted
    release = log.read(target)
    if history and history[-1] == release.id:
        raise ReleaseError(f"release {release.id} is what {environment} serves already")
    if not any(e.kind == "smoke-passed" for e in log.events([release.id])):
        raise ReleaseError(f"release {release.id} never passed a smoke test: not a way back")
    return release


def watch(log: ReleaseLog, arguments: argparse.Namespace) -> str:
    """Smoke-test the applied release; roll back on failure. Imported here: the smoke test
    needs the project's full environment, which the other commands do without."""
    from churn.ops import pointers, smoke, stack  # noqa: PLC0415

    def smoke_test(release: Release) -> None:
        smoke.smoke_test(
            arguments.api_endpoint,
            release.bundle.uri,
            region=arguments.region,
            invoke_role_arn=arguments.invoke_role_arn,
            wait_seconds=arguments.wait_seconds,
        )

    environment = checked_environment(arguments.environment)

    def move_to(release: Release) -> None:
        out_dir = Path(".cache") / "rollback"
        for root in [r for r in pointers.ROOTS_WITH_POINTERS if r in stack.ROOTS_OF[environment]]:
            stack.apply_pointers(arguments.repo, environment, root, release, out_dir)

    watcher = Watch(log, environment, smoke_test, move_to, arguments.run)
    release = log.read(arguments.release)
    try:
        said = watcher(release, rollback=arguments.rollback)
    except WatchError as error:
        summarize(arguments.summary, f"**Failed:** {error}")
        raise
    summarize(arguments.summary, f"Release `{release.id}` is live in {environment}.")
    return f"{PROG}: {said}"


def summarize(summary: Path | None, line: str) -> None:
    if summary is not None:
        with summary.open("a") as sink:
            sink.write(line + "\n")


def check_passed(log: ReleaseLog, release_id: str, environment: str) -> str:
    log.read(release_id)
    passed = [
        e
        for e in log.events([release_id])
        if e.environment == environment and e.kind == "smoke-passed"
    ]
    if not passed:
        raise ReleaseError(f"release {release_id} did not pass {environment}'s smoke test: refused")
    return f"release {release_id} passed {environment}'s smoke test at {passed[-1].at}"


def table(log: ReleaseLog, last: int) -> str:
    """The last releases, newest first, with the last event in each environment."""
    ids = log.ids()[-last:]
    if not ids:
        return "no releases yet"
    verdicts: dict[tuple[str, str], str] = {}
    environments: list[str] = []
    for event in log.events(ids):
        if event.environment not in environments:
            environments.append(event.environment)
        verdicts[(event.release, event.environment)] = event.kind
    header = ["release", "commit", "model", *environments]
    rows = [header]
    for release_id in reversed(ids):
        release = log.read(release_id)
        cells = [verdicts.get((release_id, e), "-") for e in environments]
        rows.append([release_id, release.git_sha[:7], release.bundle.version, *cells])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    )


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=PROG,
        epilog=cli.EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Build, record and list releases (AWS credentials from the environment).",
    )
    parser.add_argument(
        "--model-bucket",
        default=os.environ.get("MODEL_BUCKET"),
        help="the model bucket that holds releases/ ($MODEL_BUCKET)",
    )
    parser.add_argument(
        "--region", default=os.environ.get("AWS_REGION") or "eu-central-1", help="AWS region"
    )
    parser.add_argument("--outputs", type=Path, help="append key=value lines here")
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("create", help="record main's images and bundle as a release")
    make.add_argument("--git-sha", required=True, help="the commit: its images' tag")
    make.add_argument("--repo", type=Path, default=Path.cwd(), help="the checkout of that commit")
    make.add_argument(
        "--name-prefix", default=name_prefix(), help="the repositories' prefix ($NAME_PREFIX)"
    )
    make.add_argument(
        "--verified", action="append", default=[], help="what was verified (repeatable)"
    )
    make.add_argument(
        "--checks-passed-before",
        action="store_true",
        help="the Terraform checks did not run: refuse unless a release passed them on the "
        "same inputs, and name it",
    )
    checked = commands.add_parser(
        "checked", help="whether a release passed the Terraform checks on this checkout's inputs"
    )
    checked.add_argument("--repo", type=Path, default=Path.cwd(), help="the checkout")
    record = commands.add_parser("record", help="add an event to a release's log")
    record.add_argument("--release", required=True, help="the release id")
    record.add_argument("--environment", required=True, help="e.g. staging, production")
    record.add_argument("--event", required=True, choices=sorted(EVENT_KINDS))
    record.add_argument("--run", default="", help="the workflow run (a URL)")
    record.add_argument("--detail", default="", help="one line more")
    watched = commands.add_parser("watch", help="smoke-test what was applied; roll back on failure")
    watched.add_argument("--release", required=True, help="the release just applied")
    watched.add_argument("--environment", required=True, choices=ENVIRONMENTS)
    watched.add_argument("--api-endpoint", required=True, help="the HTTP API's base URL")
    watched.add_argument("--invoke-role-arn", help="sign the API calls as this role")
    watched.add_argument("--repo", type=Path, default=Path.cwd(), help="the checkout (Terraform)")
    watched.add_argument("--run", default="", help="the workflow run (a URL)")
    watched.add_argument(
        "--rollback", action="store_true", help="the release is a rollback's target"
    )
    watched.add_argument("--wait-seconds", type=float, default=600.0, help="a cold start's wait")
    watched.add_argument("--summary", type=Path, help="append the outcome here (Markdown)")
    check = commands.add_parser("check", help="refuse a release an environment did not pass")
    check.add_argument("--release", required=True, help="the release id")
    check.add_argument("--passed-in", required=True, help="the environment it must have passed")
    before = commands.add_parser("previous", help="the release live before the current one")
    before.add_argument("--environment", required=True, help="e.g. production")
    target = commands.add_parser("resolve", help="a rollback's target, checked")
    target.add_argument("--release", required=True, help="previous, or a release id")
    target.add_argument("--environment", required=True, help="e.g. production")
    listed = commands.add_parser("list", help="the last releases and their verdicts")
    listed.add_argument("--last", type=int, default=10, help="how many (%(default)s)")
    return parser.parse_args(argv)


def run(arguments: argparse.Namespace) -> str:
    if not arguments.model_bucket:
        raise ReleaseError("no model bucket: pass --model-bucket or set MODEL_BUCKET")
    log = ReleaseLog(arguments.model_bucket, storage.s3_client())
    try:
        return COMMANDS[arguments.command](arguments, log)
    except (ClientError, BotoCoreError) as error:
        raise ReleaseStoreError(f"AWS refused: {error}") from None


def _create(arguments: argparse.Namespace, log: ReleaseLog) -> str:
    release = release_build.create(
        log,
        git_sha=arguments.git_sha,
        repo=arguments.repo,
        prefix=arguments.name_prefix,
        region=arguments.region,
        verified=arguments.verified,
        checks_passed_before=arguments.checks_passed_before,
    )
    cli.append_outputs(arguments.outputs, {"release-id": release.id})
    return release.id


def _checked(arguments: argparse.Namespace, log: ReleaseLog) -> str:
    inputs = checked_inputs.fingerprint(arguments.repo)
    earlier = checked_inputs.passed_before(log, inputs)
    passed_in = earlier.id if earlier else ""
    cli.append_outputs(arguments.outputs, {"inputs": inputs, "passed-in": passed_in})
    said = f"{PROG}: the Terraform checks of these inputs ({inputs[:12]})"
    if earlier is None:
        return f"{said} have not passed in the last {checked_inputs.LOOK_BACK} releases: run them"
    return f"{said} passed in release {passed_in}"


def _record(arguments: argparse.Namespace, log: ReleaseLog) -> str:
    environment = checked_environment(arguments.environment)
    event = Event(arguments.release, environment, arguments.event, now_text(), arguments.run,
                  arguments.detail)  # fmt: skip
    log.add(event)
    return f"{PROG}: {event.release} {event.kind} in {event.environment}"


def _check(arguments: argparse.Namespace, log: ReleaseLog) -> str:
    environment = checked_environment(arguments.passed_in)
    return f"{PROG}: {check_passed(log, arguments.release, environment)}"


def _resolve(arguments: argparse.Namespace, log: ReleaseLog) -> str:
    release = resolve(log, arguments.release, checked_environment(arguments.environment))
    cli.append_outputs(arguments.outputs, {"release-id": release.id, "git-sha": release.git_sha})
    return release.id


def _previous(arguments: argparse.Namespace, log: ReleaseLog) -> str:
    environment = checked_environment(arguments.environment)
    current, earlier = previous(live_history(log, environment), environment)
    cli.append_outputs(arguments.outputs, {"current": current, "previous": earlier})
    return earlier


COMMANDS: Final[dict[str, Callable[[argparse.Namespace, ReleaseLog], str]]] = {
    "create": _create,
    "checked": _checked,
    "record": _record,
    "watch": lambda arguments, log: watch(log, arguments),
    "check": _check,
    "resolve": _resolve,
    "previous": _previous,
    "list": lambda arguments, log: table(log, arguments.last),
}


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    return cli.run(PROG, lambda: run(arguments))


if __name__ == "__main__":
    sys.exit(main())
