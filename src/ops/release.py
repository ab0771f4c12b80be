"""``churn-release``: build a release record once, record what happens to it, and read the
log (``churn.ops.releases`` says what a record and an event are).

- ``create``: main's images by digest (the tag is the commit SHA; ECR tags are immutable),
  the bundle ``model.auto.tfvars`` names with its manifest's SHA-256, written once under
  ``releases/``; each image is tagged ``release-<id>`` so the repositories' lifecycle keeps
  the images of the last releases. Run again for the same commit, images and bundle, it
  finds the record it wrote instead of writing another.
- ``record``: one event (deployed, smoke-passed, smoke-failed, live, rolled-back) of a
  release in an environment.
- ``verdict``: what a deploy's smoke job records, from its smoke step's outcome: deployed,
  then smoke-passed and live, or smoke-failed (a skipped smoke test records nothing).
- ``check``: refuse a release that did not pass the smoke test of the environment before
  (production's gate on staging), from the record, in one line.
- ``previous``: the release that was live in an environment before the current one (what a
  rollback goes back to).
- ``list``: the last releases, where each ran and its verdicts.

``--outputs FILE`` appends ``key=value`` lines (the workflows pass ``$GITHUB_OUTPUT``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from churn import artifacts, cli, storage
from churn.names import name_prefix
from churn.ops import bump_model
from churn.ops.releases import (
    EVENT_KINDS,
    IMAGES,
    Bundle,
    Event,
    EventKind,
    Image,
    Release,
    ReleaseError,
    ReleaseLog,
    ReleaseStoreError,
    checked_environment,
    new_id,
    now_text,
    sha256_hex,
    table,
)

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

PROG: Final = "churn-release"
# The tag each image of a release gets; terraform/modules/ecr's lifecycle keys on it.
RELEASE_TAG_PREFIX: Final = "release-"


def images_of(ecr: ECRClient, prefix: str, git_sha: str) -> dict[str, Image]:
    """Each image of the commit, by digest; refused when one was not pushed."""
    found = {}
    for name in IMAGES:
        repository = f"{prefix}{name}"
        try:
            uri = ecr.describe_repositories(repositoryNames=[repository])["repositories"][0]
            details = ecr.describe_images(
                repositoryName=repository, imageIds=[{"imageTag": git_sha}]
            )["imageDetails"]
        except ecr.exceptions.ImageNotFoundException:
            raise ReleaseError(
                f"{repository}:{git_sha} is not in ECR: push the images first"
            ) from None
        found[name] = Image(uri["repositoryUri"], details[0]["imageDigest"])
    return found


def tag_for_release(ecr: ECRClient, prefix: str, release: Release) -> None:
    """Tag every image of the release ``release-<id>`` (the manifest again, a new tag)."""
    for name, image in release.images.items():
        repository = f"{prefix}{name}"
        manifest = ecr.batch_get_image(
            repositoryName=repository, imageIds=[{"imageDigest": image.digest}]
        )["images"][0]["imageManifest"]
        try:
            ecr.put_image(
                repositoryName=repository,
                imageManifest=manifest,
                imageTag=f"{RELEASE_TAG_PREFIX}{release.id}",
            )
        except (
            ecr.exceptions.ImageAlreadyExistsException,
            ecr.exceptions.ImageTagAlreadyExistsException,
        ):
            continue  # a re-run tagged it already


def bundle_of(bucket: str, version: str) -> Bundle:
    uri = f"s3://{bucket}/models/{version}/"
    try:
        manifest = storage.read_bytes(storage.child(uri, artifacts.MANIFEST))
    except storage.StorageError as error:
        raise ReleaseError(f"the bundle main names is not complete: {error}") from None
    return Bundle(uri, version, sha256_hex(manifest))


def create(arguments: argparse.Namespace, log: ReleaseLog) -> Release:
    say = cli.progress(PROG)
    ecr = boto3.client("ecr", region_name=arguments.region)
    images = images_of(ecr, arguments.name_prefix, arguments.git_sha)
    bundle = bundle_of(log.bucket, bump_model.current_version(arguments.repo))
    release = log.find(arguments.git_sha, images, bundle)
    if release is not None:
        say(f"release {release.id} of this commit, images and bundle exists: reused")
    else:
        release = Release(
            id=new_id(arguments.git_sha, datetime.now(UTC)),
            git_sha=arguments.git_sha,
            created_at=now_text(),
            images=images,
            bundle=bundle,
            verified=arguments.verified,
        )
        if not log.write(release):
            raise ReleaseError(f"release {release.id} exists already; run again")
        say(f"release {release.id} recorded in s3://{log.bucket}/releases/{release.id}/")
    tag_for_release(ecr, arguments.name_prefix, release)
    return release


def live_history(log: ReleaseLog, environment: str) -> list[str]:
    """The releases that went live in ``environment``, in order (a release may recur)."""
    return [e.release for e in log.events() if e.environment == environment and e.kind == "live"]


def previous(log: ReleaseLog, environment: str) -> tuple[str, str]:
    """(the release live now, the one live before it) in ``environment``."""
    history = live_history(log, environment)
    if not history:
        raise ReleaseError(f"no release has been live in {environment}: nothing to go back to")
    current = history[-1]
    earlier = [r for r in history if r != current]
    if not earlier:
        raise ReleaseError(f"{current} is the only release live in {environment} so far")
    return current, earlier[-1]


SMOKE_OUTCOMES: Final[dict[str, tuple[EventKind, ...]]] = {
    "success": ("deployed", "smoke-passed", "live"),
    "failure": ("deployed", "smoke-failed"),
}


def verdict(log: ReleaseLog, arguments: argparse.Namespace) -> str:
    """The events a smoke step's outcome (GitHub's steps.<id>.outcome) stands for."""
    kinds = SMOKE_OUTCOMES.get(arguments.smoke)
    if kinds is None:
        raise ReleaseError(
            f"the smoke test's outcome is {arguments.smoke!r}: nothing recorded for "
            f"{arguments.release} (it did not run)"
        )
    environment = checked_environment(arguments.environment)
    for kind in kinds:
        log.add(Event(arguments.release, environment, kind, now_text(), arguments.run))
    return f"{PROG}: {arguments.release} in {environment}: {', '.join(kinds)}"


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


def report(outputs_file: Path | None, values: dict[str, str]) -> None:
    if outputs_file is not None:
        with outputs_file.open("a") as sink:
            sink.write("".join(f"{key}={value}\n" for key, value in values.items()))


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
    record = commands.add_parser("record", help="add an event to a release's log")
    record.add_argument("--release", required=True, help="the release id")
    record.add_argument("--environment", required=True, help="e.g. staging, production")
    record.add_argument("--event", required=True, choices=sorted(EVENT_KINDS))
    record.add_argument("--run", default="", help="the workflow run (a URL)")
    record.add_argument("--detail", default="", help="one line more")
    smoke = commands.add_parser("verdict", help="record a deploy's smoke-test outcome")
    smoke.add_argument("--release", required=True, help="the release id")
    smoke.add_argument("--environment", required=True, help="e.g. staging, production")
    smoke.add_argument("--smoke", required=True, help="the smoke step's outcome (success, …)")
    smoke.add_argument("--run", default="", help="the workflow run (a URL)")
    check = commands.add_parser("check", help="refuse a release an environment did not pass")
    check.add_argument("--release", required=True, help="the release id")
    check.add_argument("--passed-in", required=True, help="the environment it must have passed")
    before = commands.add_parser("previous", help="the release live before the current one")
    before.add_argument("--environment", required=True, help="e.g. production")
    listed = commands.add_parser("list", help="the last releases and their verdicts")
    listed.add_argument("--last", type=int, default=10, help="how many (%(default)s)")
    return parser.parse_args(argv)


def run(arguments: argparse.Namespace) -> str:
    if not arguments.model_bucket:
        raise ReleaseError("no model bucket: pass --model-bucket or set MODEL_BUCKET")
    log = ReleaseLog(arguments.model_bucket, storage.s3_client())
    try:
        return _command(arguments, log)
    except (ClientError, BotoCoreError) as error:
        raise ReleaseStoreError(f"AWS refused: {error}") from None


def _command(arguments: argparse.Namespace, log: ReleaseLog) -> str:
    if arguments.command == "create":
        release = create(arguments, log)
        report(arguments.outputs, {"release-id": release.id})
        return release.id
    if arguments.command == "record":
        event = Event(
            release=arguments.release,
            environment=checked_environment(arguments.environment),
            kind=arguments.event,
            at=now_text(),
            run=arguments.run,
            detail=arguments.detail,
        )
        log.add(event)
        return f"{PROG}: {event.release} {event.kind} in {event.environment}"
    if arguments.command == "verdict":
        return verdict(log, arguments)
    if arguments.command == "check":
        environment = checked_environment(arguments.passed_in)
        return f"{PROG}: {check_passed(log, arguments.release, environment)}"
    if arguments.command == "previous":
        current, earlier = previous(log, checked_environment(arguments.environment))
        report(arguments.outputs, {"current": current, "previous": earlier})
        return earlier
    return table(log, arguments.last)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    return cli.run(PROG, lambda: run(arguments))


if __name__ == "__main__":
    sys.exit(main())
