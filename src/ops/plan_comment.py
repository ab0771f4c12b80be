"""``churn-plan-comment``: one pull-request comment from the Terraform plans of the stacks.

It reads each stack's digest (what ``churn-stack plan`` keeps of a plan: addresses,
actions and the names of changed attributes, never their values) or the full
``terraform show -json <planfile>``, and writes Markdown: a summary table (adds / changes /
destroys / replacements per stack), the replaced resources called out (a replacement is
where downtime and data loss hide), then each stack's changes in a collapsed block. The
comment starts with a marker so the workflow can find and update it in place, and it is cut
gracefully under GitHub's 65,536-character limit, pointing at the plan jobs' logs for the
rest.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from churn import cli
from churn.errors import DependencyError, RefusedError

PROG: Final = "churn-plan-comment"

MARKER: Final = "<!-- churn-terraform-plan -->"
GITHUB_LIMIT: Final = 65_536
# Room kept below the limit for the cut notice and GitHub's own accounting.
SAFETY_MARGIN: Final = 1_024
SYMBOLS: Final = {"create": "+", "update": "~", "delete": "-", "replace": "-/+", "read": "<="}
DIGEST_VERSION: Final = 1


class PlanError(RefusedError):
    """A plan file that is not `terraform show -json` output."""


@dataclass(frozen=True)
class Change:
    address: str
    action: str  # create, update, delete or replace
    attributes: tuple[str, ...] = ()

    def line(self) -> str:
        changed = f" ({', '.join(self.attributes)})" if self.attributes else ""
        return f"{SYMBOLS[self.action]} {self.address}{changed}"


@dataclass
class StackPlan:
    stack: str
    changes: list[Change] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for change in self.changes if change.action == action)

    @property
    def adds(self) -> int:
        return self.count("create") + self.count("replace")

    @property
    def destroys(self) -> int:
        return self.count("delete") + self.count("replace")

    def headline(self) -> str:
        if not self.changes:
            return "no changes"
        return f"{self.adds} to add, {self.count('update')} to change, {self.destroys} to destroy"


def action_of(actions: list[str]) -> str | None:
    """Terraform's action list for one resource, as one word; None for no-op and reads."""
    if sorted(actions) == ["create", "delete"]:
        return "replace"
    if actions in (["create"], ["update"], ["delete"]):
        return actions[0]
    return None


def changed_attributes(change: dict[str, Any]) -> tuple[str, ...]:
    before = change.get("before") or {}
    after = change.get("after") or {}
    unknown = change.get("after_unknown") or {}
    names = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    names |= {k for k, v in unknown.items() if v is True and k in before}
    return tuple(sorted(names))


def read_plan(stack: str, document: dict[str, Any]) -> StackPlan:
    if "format_version" not in document or "planned_values" not in document:
        raise PlanError(f"{stack}: not the JSON of `terraform show -json <planfile>`")
    plan = StackPlan(stack)
    for resource in document.get("resource_changes", []):
        action = action_of(resource["change"]["actions"])
        if action is None:
            continue
        attributes: tuple[str, ...] = ()
        if action == "update":
            attributes = changed_attributes(resource["change"])
        elif action == "replace":
            # replace_paths: the attributes that force the replacement, as path lists.
            paths = resource["change"].get("replace_paths") or []
            attributes = tuple(".".join(str(step) for step in path) for path in paths)
        plan.changes.append(Change(resource["address"], action, attributes))
    return plan


def to_digest(plan: StackPlan) -> dict[str, Any]:
    """What a pull request may keep of a plan: no attribute values, so nothing sensitive."""
    return {
        "digest_version": DIGEST_VERSION,
        "stack": plan.stack,
        "changes": [
            {"address": c.address, "action": c.action, "attributes": list(c.attributes)}
            for c in plan.changes
        ],
    }


def from_digest(stack: str, document: dict[str, Any]) -> StackPlan:
    if document.get("digest_version") != DIGEST_VERSION or not isinstance(
        document.get("changes"), list
    ):
        raise PlanError(f"{stack}: not a plan digest of version {DIGEST_VERSION}")
    changes = [
        Change(str(c["address"]), str(c["action"]), tuple(map(str, c.get("attributes", []))))
        for c in document["changes"]
        if isinstance(c, dict) and c.get("action") in SYMBOLS
    ]
    return StackPlan(stack, changes)


def because(change: Change) -> str:
    return f" because of {', '.join(change.attributes)}" if change.attributes else ""


def summary(plans: Sequence[StackPlan]) -> list[str]:
    lines = [
        MARKER,
        "## Terraform plan",
        "",
        "| stack | add | change | destroy | replace |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {p.stack} | {p.adds} | {p.count('update')} | {p.destroys} | {p.count('replace')} |"
        for p in plans
    ]
    replaced = [(p.stack, c) for p in plans for c in p.changes if c.action == "replace"]
    if replaced:
        lines += ["", "**Replaced** (destroyed and created again):", ""]
        lines += [f"- {stack}: `{c.address}`{because(c)}" for stack, c in replaced]
    if not any(p.changes for p in plans):
        lines += ["", "No changes: the infrastructure matches this branch."]
    return lines


def details(plan: StackPlan, changes: Sequence[Change]) -> list[str]:
    return [
        "",
        f"<details><summary>{plan.stack}: {plan.headline()}</summary>",
        "",
        "```diff",
        *(change.line() for change in changes),
        "```",
        "</details>",
    ]


def render(plans: Sequence[StackPlan], artifact_url: str, limit: int = GITHUB_LIMIT) -> str:
    """The whole comment, at most ``limit`` characters: when the details do not fit,
    changes are left out from the end and a notice points at the plan artifact."""
    head = summary(plans)
    budget = limit - SAFETY_MARGIN - len("\n".join(head))
    body: list[str] = []
    left_out = 0
    for plan in plans:
        if not plan.changes:
            continue
        kept = list(plan.changes)
        block = details(plan, kept)
        while kept and len("\n".join(block)) + 1 > budget:
            # Drop a tenth at a time: a plan of thousands of changes is cut in few steps.
            drop = max(1, len(kept) // 10)
            kept = kept[:-drop]
            left_out += drop
            block = details(plan, kept)
        if not kept:
            continue
        body += block
        budget -= len("\n".join(block)) + 1
    if left_out:
        body += [
            "",
            f"**Cut:** {left_out} changes did not fit in a comment; the full plans are in the "
            f"plan jobs' logs: {artifact_url}",
        ]
    return "\n".join(head + body) + "\n"


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Render the Terraform plans of the stacks as one pull-request comment.",
        epilog=cli.EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "plans",
        nargs="+",
        metavar="STACK=PLAN.json",
        help="a stack name and its plan digest (churn-stack plan) or `terraform show -json`",
    )
    parser.add_argument("--artifact-url", required=True, help="where the full plans are (logs)")
    parser.add_argument("--output", type=Path, required=True, help="the Markdown file to write")
    return parser.parse_args(argv)


def load(argument: str) -> StackPlan:
    stack, separator, path = argument.partition("=")
    if not separator or not stack:
        raise PlanError(f"{argument}: expected STACK=PLAN.json")
    try:
        document = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise PlanError(f"{path}: cannot read the plan ({error})") from None
    if not isinstance(document, dict):
        raise PlanError(f"{stack}: not the JSON of `terraform show -json <planfile>`")
    if "digest_version" in document:
        return from_digest(stack, document)
    return read_plan(stack, document)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    return cli.run(PROG, lambda: _write(arguments))


def _write(arguments: argparse.Namespace) -> None:
    plans = [load(argument) for argument in arguments.plans]
    comment = render(plans, arguments.artifact_url)
    try:
        arguments.output.write_text(comment)
    except OSError as error:
        raise DependencyError(f"{arguments.output}: cannot write ({error.strerror})") from None
    cli.progress(PROG)(f"{len(comment)} characters written to {arguments.output}")


if __name__ == "__main__":
    sys.exit(main())
