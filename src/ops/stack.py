"""``churn-stack``: plan and apply one Terraform root the way the workflows and ``make`` do.

- The environment is the name prefix (``NAME_PREFIX``, default ``teleco-customer-churn-``):
  it names every resource and each root's state key (``<prefix>/<root>/terraform.tfstate``,
  a partial backend configuration), so a second prefix never plans against the first one's
  state. ``--environment staging`` plans the platform only, under production's prefix plus
  ``stg-`` (``churn.names``), serving production's bundles and images
  (``artifacts_prefix``), sized by the root's ``staging.tfvars``.
- ``plan`` saves the plan, prints it, and writes its digest (addresses and actions, no
  values) for the pull-request comment. What the stack is planned with comes from a release
  record (``--release ID``: a deploy or a rollback) or from what the state says is deployed
  (``--keep-deployed``: a pull request, an administrator's plan); ``churn.ops.pointers``.
  With ``--hand-over RUN`` it hands the saved plan to the deploy's apply job through
  ``plans/RUN/`` of the private, encrypted state bucket rather than a workflow artifact
  (a saved plan embeds the prior state, secrets included, and artifacts of a public
  repository are public); its SHA-256 travels as a job output.
- ``apply-all`` applies exactly those saved plans, in order, each after checking its
  SHA-256, and reports every root's non-sensitive outputs; ``apply`` applies the plan a
  local ``plan`` saved (``make apply``).

``--outputs FILE`` appends ``key=value`` lines (the workflows pass ``$GITHUB_OUTPUT``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from churn import cli, storage
from churn.names import ENVIRONMENTS, environment_prefix, name_prefix, state_key
from churn.ops import plan_comment, pointers
from churn.ops.handover import (
    ROOTS,
    StackError,
    hand_over,
    parse_plans,
    plan_store,
    sha256_of,
    take_over,
)
from churn.ops.releases import Release, ReleaseLog
from churn.ops.terraform import AUTOMATION, Terraform, TerraformError

# Resources only an administrator applies: the CI identities and their boundary, and the
# model bucket (its policy keeps published bundles immutable). The deploy role is denied
# any change to them (terraform/modules/ci-identity), so a deploy plan that changes one
# stops before its apply instead of failing halfway through it.
ADMINISTRATOR_OWNED: Final = ("module.ci_identity.", "module.workload_boundary.", "module.models.")
PROG: Final = "churn-stack"


# Staging has a platform of its own and serves production's pipeline (bundles, images,
# releases): its deploy role may change nothing else.
ROOTS_OF: Final = {"production": ROOTS, "staging": ("platform",)}


def stack_env(environment: str) -> dict[str, str]:
    """The caller's environment (credentials, TF_CLI_CONFIG_FILE) plus the prefixes."""
    variables = {"TF_VAR_name_prefix": environment_prefix(environment)}
    if environment != "production":
        variables["TF_VAR_artifacts_prefix"] = name_prefix()
    return os.environ | AUTOMATION | variables


@dataclass
class Stack:
    terraform: Terraform
    prefix: str
    # -var-file arguments of the environment's size (plans only: a saved plan carries them)
    settings: tuple[str, ...] = ()

    @property
    def root(self) -> str:
        return self.terraform.name

    @property
    def has_backend(self) -> bool:
        return (self.terraform.directory / "backend.tf").exists()

    def init(self) -> None:
        key = [f"-backend-config=key={state_key(self.prefix, self.root)}"] * self.has_backend
        self.terraform.run("init", "-input=false", "-no-color", "-reconfigure", *key)

    def plan(
        self, variables: list[str], lock: bool, out_dir: Path
    ) -> tuple[bool, Path, plan_comment.StackPlan]:
        """Save the plan and its digest (<root>.changes.json beside it); whether it changes
        anything, the plan file, and its changes."""
        out_dir.mkdir(parents=True, exist_ok=True)
        plan_file = (out_dir / f"{self.root}.tfplan").resolve()
        finished = self.terraform.run(
            "plan", "-input=false", "-no-color", f"-lock={str(lock).lower()}",
            "-detailed-exitcode", f"-out={plan_file}", *self.settings, *variables, check=False,
        )  # fmt: skip
        print(finished.stdout, end="")
        if finished.returncode not in (0, 2):
            raise TerraformError(
                f"terraform plan of {self.root} failed", details=finished.stderr[-3000:]
            )
        # Exit code 0, no changes: nothing to show (`show -json` starts the provider again).
        changed, changes = finished.returncode == 2, plan_comment.StackPlan(self.root)
        if changed:
            shown = json.loads(self.terraform.run("show", "-json", str(plan_file)).stdout)
            changes = plan_comment.read_plan(self.root, shown)
        digest = out_dir / f"{self.root}.changes.json"
        digest.write_text(json.dumps(plan_comment.to_digest(changes)))
        return changed, plan_file, changes

    def apply(self, plan_file: Path) -> None:
        print(
            self.terraform.run("apply", "-input=false", "-no-color", str(plan_file)).stdout, end=""
        )

    def outputs(self) -> dict[str, object]:
        listed = json.loads(self.terraform.run("output", "-json").stdout)
        return {n: e["value"] for n, e in listed.items() if not e.get("sensitive")}


def report(outputs_file: Path | None, values: dict[str, str]) -> None:
    print("".join(f"{key}={value}\n" for key, value in values.items()), end="")
    cli.append_outputs(outputs_file, values)


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=PROG,
        epilog=cli.EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Plan or apply the Terraform roots of this repository (the environment "
        "is NAME_PREFIX; AWS credentials and TF_CLI_CONFIG_FILE come from the environment).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    plan = commands.add_parser("plan", help="save a plan and its digest")
    apply = commands.add_parser("apply", help="apply the plan `plan` saved in --out-dir")
    apply_all = commands.add_parser("apply-all", help="apply plans handed over by plan jobs")
    for command in (plan, apply):
        command.add_argument("root", choices=ROOTS)
    for command in (plan, apply, apply_all):
        command.add_argument(
            "--environment",
            choices=ENVIRONMENTS,
            default=os.environ.get("DEPLOY_ENVIRONMENT") or "production",
            help="where ($DEPLOY_ENVIRONMENT; default production)",
        )
        command.add_argument("--repo", type=Path, default=Path.cwd(), help="repository root")
        command.add_argument("--out-dir", type=Path, default=Path(".cache") / "plans")
        command.add_argument("--outputs", type=Path, help="append key=value lines here")
    pointed = plan.add_mutually_exclusive_group()
    pointed.add_argument("--release", help="plan with this release record's images and model")
    pointed.add_argument(
        "--keep-deployed",
        action="store_true",
        help="plan with the images (and release) the state says are deployed",
    )
    plan.add_argument(
        "--model-bucket",
        default=os.environ.get("MODEL_BUCKET"),
        help="where --release's record is ($MODEL_BUCKET; default <prefix>models-<account>)",
    )
    plan.add_argument(
        "--only-pointers",
        action="store_true",
        help="a rollback: plan only what the pointers reach, refuse anything else",
    )
    plan.add_argument("--no-lock", action="store_true", help="read state without the lock")
    plan.add_argument(
        "--hand-over", metavar="RUN", help="keep the plan in plans/RUN/ of the state bucket"
    )
    apply_all.add_argument("--plans", required=True, help="JSON object: root -> SHA-256, in order")
    apply_all.add_argument("--take-over", metavar="RUN", required=True, help="the plans' run")
    return parser.parse_args(argv)


def stack_of(repo: Path, root: str, environment: str) -> Stack:
    folder = repo.resolve() / "terraform" / root
    if not folder.is_dir():
        raise StackError(f"{folder}: no such stack; --repo names the repository's root")
    if root not in ROOTS_OF[environment]:
        raise StackError(f"{environment} has no {root} of its own: it serves production's")
    prefix = environment_prefix(environment)
    sized = folder / f"{environment}.tfvars"
    settings = (f"-var-file={sized.name}",) if sized.exists() else ()
    stack = Stack(Terraform(folder, stack_env(environment)), prefix, settings)
    stack.init()
    return stack


def administrator_changes(changes: plan_comment.StackPlan) -> list[str]:
    return [c.address for c in changes.changes if c.address.startswith(ADMINISTRATOR_OWNED)]


def pointers_for(stack: Stack, arguments: argparse.Namespace) -> tuple[list[str], str]:
    """The -var arguments of the release pointers, and the release planned ("" for the
    roots without pointers)."""
    root = arguments.root
    if root not in pointers.ROOTS_WITH_POINTERS:
        return [], ""
    if arguments.release:
        bucket = arguments.model_bucket or pointers.model_bucket(name_prefix())
        release = ReleaseLog(bucket, storage.s3_client()).read(arguments.release)
        return pointers.as_variables(pointers.from_release(root, release)), release.id
    if not arguments.keep_deployed:
        raise StackError(f"plan {root} with --release ID, or --keep-deployed")
    found = pointers.deployed(root, stack.outputs())
    if found is None:
        print(f"churn-stack: note: nothing deployed to {root} yet: planned with placeholders")
        found = pointers.placeholders(root)
    return pointers.as_variables(found), found.get("release_id", "")


def refuse_beyond_pointers(root: str, changes: plan_comment.StackPlan) -> None:
    beyond = pointers.beyond_pointers(root, [c.address for c in changes.changes])
    if beyond:
        raise StackError(
            f"a rollback of {root} would also change {', '.join(beyond)}: main's code has "
            "moved since that release; deploy instead"
        )


def apply_pointers(
    repo: Path, environment: str, root: str, release: Release, out_dir: Path
) -> None:
    """Move ``root``'s pointers to ``release`` (a rollback inside the approved job):
    planned with targets, refused beyond the pointers, applied."""
    stack = stack_of(repo, root, environment)
    variables = pointers.as_variables(pointers.from_release(root, release))
    changed, plan_file, changes = stack.plan(
        variables + pointers.targets(root), lock=True, out_dir=out_dir
    )
    refuse_beyond_pointers(root, changes)
    if changed:
        stack.apply(plan_file)


def plan(arguments: argparse.Namespace) -> None:
    stack = stack_of(arguments.repo, arguments.root, arguments.environment)
    variables, release = pointers_for(stack, arguments)
    if arguments.only_pointers:
        variables += pointers.targets(arguments.root)
    changed, plan_file, changes = stack.plan(variables, not arguments.no_lock, arguments.out_dir)
    if arguments.only_pointers:
        refuse_beyond_pointers(arguments.root, changes)
    owned = administrator_changes(changes)
    if owned:
        said = (
            f"the plan changes what only an administrator applies ({', '.join(owned)}): "
            f"apply {arguments.root} with administrator credentials (make plan/apply "
            f"ROOT={arguments.root}), then deploy"
        )
        if arguments.hand_over:  # a deploy: its apply would be refused halfway
            raise StackError(said)
        print(f"churn-stack: note: {said}")
    values = {
        "has-changes": str(changed).lower(),
        "sha256": sha256_of(plan_file),
        "release-id": release,
    }
    if arguments.hand_over:
        values["stored"] = hand_over(
            plan_file, plan_store(arguments.repo, arguments.hand_over, arguments.environment)
        )
    report(arguments.outputs, values)


def apply_all(arguments: argparse.Namespace) -> None:
    store = plan_store(arguments.repo, arguments.take_over, arguments.environment)
    outputs: dict[str, dict[str, object]] = {}
    for root, sha256 in parse_plans(arguments.plans).items():
        plan_file = take_over(store, root, sha256, arguments.out_dir)
        stack = stack_of(arguments.repo, root, arguments.environment)
        stack.apply(plan_file)
        outputs[root] = stack.outputs()
    report(arguments.outputs, {"outputs-json": json.dumps(outputs, sort_keys=True)})


def run(arguments: argparse.Namespace) -> None:
    if arguments.command == "plan":
        plan(arguments)
    elif arguments.command == "apply-all":
        apply_all(arguments)
    else:
        stack = stack_of(arguments.repo, arguments.root, arguments.environment)
        stack.apply((arguments.out_dir / f"{arguments.root}.tfplan").resolve())
        report(arguments.outputs, {"outputs-json": json.dumps(stack.outputs(), sort_keys=True)})


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # as it happens
    return cli.run(PROG, lambda: run(arguments))


if __name__ == "__main__":
    sys.exit(main())
