"""``churn-github``: the few GitHub REST calls the workflows make, through ``GITHUB_API_URL``
(which GitHub and act both set), so a local stand-in of the API can answer them.

- ``upsert-comment``: create the plan comment on a pull request, or update it in place; only
  a comment the workflows' own identity wrote (and that starts with the marker) is updated.
- ``propose``: commit changed files on a branch and open the pull request
  (``churn.ops.github_pulls``).
- ``upsert-issue``: open an issue, or update the open one the workflows opened with the same
  title (the scoring run's drift alert).
- ``deployment``: record a deployment of a commit to an environment, with its outcome (a
  rollback's; GitHub shows it on the environment's page).
- ``secure-repository``: an administrator's one-time hardening of a fork
  (``churn.ops.github_settings``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from http import HTTPStatus
from pathlib import Path
from typing import Any, Final

from churn import cli
from churn.errors import RefusedError
from churn.ops.github_api import ACTIONS_BOT, PAGE_SIZE, GitHub, GitHubError
from churn.ops.github_pulls import propose
from churn.ops.github_settings import secure_repository

PROG: Final = "churn-github"
# ---------------------------------------------------------------------------------------
# The plan comment
# ---------------------------------------------------------------------------------------


def comments(github: GitHub, number: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    page = 1
    while True:
        batch = github.call("GET", f"issues/{number}/comments?per_page={PAGE_SIZE}&page={page}")
        found += batch
        if len(batch) < PAGE_SIZE:
            return found
        page += 1


def upsert_comment(github: GitHub, number: int, body: str, author: str = ACTIONS_BOT) -> str:
    """Update the comment ``author`` wrote that starts with the body's first line (its
    marker), or create one. Anyone else's comment is never touched, whatever it says."""
    marker = body.splitlines()[0] if body else ""
    if not marker:
        raise RefusedError("the comment is empty: its first line is the marker")
    ours = [
        c
        for c in comments(github, number)
        if c.get("user", {}).get("login") == author and str(c.get("body", "")).startswith(marker)
    ]
    if ours:
        github.call("PATCH", f"issues/comments/{ours[0]['id']}", {"body": body})
        return f"updated comment {ours[0]['id']} on #{number}"
    created = github.call("POST", f"issues/{number}/comments", {"body": body})
    return f"created comment {created['id']} on #{number}"


# ---------------------------------------------------------------------------------------
# The drift issue
# ---------------------------------------------------------------------------------------


def open_issues(github: GitHub) -> list[dict[str, Any]]:
    """The repository's open issues (GitHub lists pull requests among them: left out)."""
    found: list[dict[str, Any]] = []
    page = 1
    while True:
        batch = github.call("GET", f"issues?state=open&per_page={PAGE_SIZE}&page={page}")
        found += [issue for issue in batch if "pull_request" not in issue]
        if len(batch) < PAGE_SIZE:
            return found
        page += 1


ISSUES_OFF: Final = (
    "Issues are disabled in this repository (a fork starts so): turn them on in Settings > "
    "General > Features, or run churn-github secure-repository"
)


def upsert_issue(
    github: GitHub, title: str, body: str, labels: Sequence[str] = (), author: str = ACTIONS_BOT
) -> str:
    """Update the body of the open issue ``author`` opened with this title, or open one: a
    condition that persists from run to run stays one issue, not one a week."""
    ours = [
        issue
        for issue in open_issues(github)
        if issue.get("title") == title and issue.get("user", {}).get("login") == author
    ]
    if ours:
        github.call("PATCH", f"issues/{ours[0]['number']}", {"body": body})
        return f"updated issue #{ours[0]['number']}"
    try:
        opened = github.call(
            "POST", "issues", {"title": title, "body": body, "labels": list(labels)}
        )
    except GitHubError as error:
        if error.status == HTTPStatus.GONE:  # GitHub's answer when Issues are off
            raise GitHubError(ISSUES_OFF, status=error.status) from None
        raise
    return f"opened issue #{opened['number']}"


# ---------------------------------------------------------------------------------------
# A deployment's record
# ---------------------------------------------------------------------------------------

# A job's result (needs.<job>.result) -> the deployment status GitHub records.
DEPLOYMENT_STATES: Final = {"success": "success", "failure": "failure"}


def record_deployment(
    github: GitHub, *, environment: str, ref: str, outcome: str, description: str
) -> str:
    """A deployment of ``ref`` and its status. auto_merge off and no required contexts:
    it records what was deployed, it asks GitHub for nothing (docs.github.com, "Create a
    deployment")."""
    created = github.call(
        "POST",
        "deployments",
        {
            "ref": ref,
            "environment": environment,
            "description": description,
            "auto_merge": False,
            "required_contexts": [],
            "production_environment": environment == "production",
        },
    )
    state = DEPLOYMENT_STATES.get(outcome, "error")  # cancelled or skipped: it did not finish
    github.call(
        "POST",
        f"deployments/{created['id']}/statuses",
        {"state": state, "description": f"{description}: {outcome}"},
    )
    return f"deployment {created['id']} of {ref[:12]} in {environment}: {state}"


# ---------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=PROG,
        epilog=cli.EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="The GitHub REST calls of the workflows (GITHUB_API_URL, GH_TOKEN, "
        "GITHUB_REPOSITORY from the environment).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    comment = commands.add_parser("upsert-comment", help="create or update the plan comment")
    comment.add_argument("--pr", type=int, required=True, help="pull request number")
    comment.add_argument("--body", type=Path, required=True, help="Markdown; line 1 is the marker")
    pull = commands.add_parser("propose", help="commit one file on a new branch and open a PR")
    pull.add_argument("--base", default="main", help="the branch the pull request targets")
    pull.add_argument("--branch", required=True, help="the new branch")
    pull.add_argument(
        "--path",
        action="append",
        required=True,
        help="a changed file, relative to the checkout (repeat for several)",
    )
    pull.add_argument("--message", required=True, help="the commit message")
    pull.add_argument("--title", required=True, help="the pull request's title")
    pull.add_argument("--body", type=Path, required=True, help="the pull request's body")
    issue = commands.add_parser(
        "upsert-issue", help="open an issue, or update the open one with the same title"
    )
    issue.add_argument("--title", required=True, help="the issue's title (how it is found again)")
    issue.add_argument("--body", type=Path, required=True, help="Markdown")
    issue.add_argument("--label", action="append", default=[], help="a label (repeatable)")
    deployment = commands.add_parser("deployment", help="record a deployment and its outcome")
    deployment.add_argument("--environment", required=True, help="e.g. production")
    deployment.add_argument("--ref", required=True, help="the deployed commit")
    deployment.add_argument("--outcome", required=True, help="the job's result (success, …)")
    deployment.add_argument("--description", required=True, help="one line")
    secure = commands.add_parser(
        "secure-repository",
        help="once, as an administrator: subjects with the ref; the environment deploys main only",
    )
    secure.add_argument("--repository", help="owner/name (default: GITHUB_REPOSITORY)")
    secure.add_argument("--environment", default="production", help="the deploy environment")
    secure.add_argument("--branch", default="main", help="the only branch it deploys")
    secure.add_argument(
        "--reviewer",
        action="append",
        default=[],
        help="a login whose approval a deploy needs (repeat for several; one approval is "
        "enough); production needs one, staging may have none",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    return cli.run(PROG, lambda: _command(arguments))


def _command(arguments: argparse.Namespace) -> str:
    """What the command did, in lines for stdout."""
    if arguments.command == "secure-repository":
        if arguments.environment == "production" and not arguments.reviewer:
            raise RefusedError("production needs a --reviewer: its approval is the deploy's")
        github = GitHub.from_environment(arguments.repository)
        done = secure_repository(
            github,
            environment=arguments.environment,
            branch=arguments.branch,
            reviewers=arguments.reviewer,
        )
        return "\n".join(f"{PROG}: {line}" for line in done)
    github = GitHub.from_environment()
    if arguments.command == "deployment":
        said = record_deployment(
            github,
            environment=arguments.environment,
            ref=arguments.ref,
            outcome=arguments.outcome,
            description=arguments.description,
        )
        return f"{PROG}: {said}"
    try:
        body = arguments.body.read_text()
    except OSError as error:
        raise RefusedError(f"{arguments.body}: cannot read ({error.strerror})") from None
    if arguments.command == "upsert-comment":
        said = upsert_comment(github, arguments.pr, body)
    elif arguments.command == "upsert-issue":
        said = upsert_issue(github, arguments.title, body, arguments.label)
    else:
        said = propose(
            github,
            base=arguments.base,
            branch=arguments.branch,
            paths=arguments.path,
            message=arguments.message,
            title=arguments.title,
            body=body,
        )
    return f"{PROG}: {said}"


if __name__ == "__main__":
    sys.exit(main())
