"""``churn-github``: the few GitHub REST calls the workflows make, through ``GITHUB_API_URL``
(which GitHub and act both set), so a local stand-in of the API can answer them.

- ``upsert-comment``: create the plan comment on a pull request, or update it in place; only
  a comment the workflows' own identity wrote (and that starts with the marker) is updated.
- ``propose``: commit changed files on a new branch through the API (no git credentials,
  and GitHub signs the commit), then open the pull request; a re-run reuses the branch and
  the pull request. Run with a GitHub App installation token: a pull request opened with
  ``GITHUB_TOKEN`` starts no workflow.
- ``upsert-issue``: open an issue, or update the open one the workflows opened with the same
  title (the scoring run's drift alert).
- ``secure-repository``: an administrator's one-time setup of a fork (a token with the
  repository's admin rights): the OIDC subject names the ref (the AWS roles trust only
  main's), the deploy environment accepts only main, with required reviewers, Issues are
  on (a fork starts with them off, and the drift alert is an issue), and the scheduled
  workflows are enabled (a fork starts with them off, and GitHub turns them off in a
  public repository after 60 days without activity: run it again then).
"""

from __future__ import annotations

import argparse
import base64
import subprocess
import sys
from collections.abc import Sequence
from http import HTTPStatus
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlencode

from churn import cli
from churn.errors import RefusedError
from churn.ops.github_api import ACTIONS_BOT, OIDC_SUBJECT_CLAIMS, PAGE_SIZE, GitHub, GitHubError

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
# The model-version pull request
# ---------------------------------------------------------------------------------------


def git(*arguments: str) -> str:
    finished = subprocess.run(  # noqa: S603 (git with arguments we build)
        ["git", *arguments],  # noqa: S607 (git on PATH)
        capture_output=True,
        text=True,
        check=False,
    )
    if finished.returncode != 0:
        raise GitHubError(f"git {' '.join(arguments)}: {finished.stderr.strip()}")
    return finished.stdout.strip()


def start_branch(github: GitHub, branch: str, head: str) -> str:
    """Create ``branch`` at ``head``. A re-run of the same job finds it made already (GitHub
    answers 422 "Reference already exists") and moves it back to ``head``: the branch is
    this run's own (its name carries the model version or the run id)."""
    try:
        github.call("POST", "git/refs", {"ref": f"refs/heads/{branch}", "sha": head})
    except GitHubError as error:
        if error.status != HTTPStatus.UNPROCESSABLE_ENTITY or "already exists" not in str(error):
            raise
        github.call("PATCH", f"git/refs/heads/{branch}", {"sha": head, "force": True})
        return "reused"
    return "created"


def open_pull(github: GitHub, *, base: str, branch: str, title: str, body: str) -> str:
    """Open the pull request, or update the open one from ``branch`` (a re-run)."""
    owner = github.repository.split("/", 1)[0]
    query = urlencode({"head": f"{owner}:{branch}", "base": base, "state": "open"})
    found = github.call("GET", f"pulls?{query}")
    if found:
        number = found[0]["number"]
        github.call("PATCH", f"pulls/{number}", {"title": title, "body": body})
        return f"updated #{number}: {found[0].get('html_url', title)}"
    pull = github.call(
        "POST", "pulls", {"title": title, "head": branch, "base": base, "body": body}
    )
    return f"opened #{pull['number']}: {pull.get('html_url', title)}"


def propose(
    github: GitHub,
    *,
    base: str,
    branch: str,
    paths: Sequence[str],
    message: str,
    title: str,
    body: str,
) -> str:
    """Commit the working tree's ``paths`` onto ``branch`` from ``base`` (one commit per
    file, through the contents API) and open the pull request; run again, it reuses both.
    The base commit and each file's old blob come from the local checkout, which is
    ``base``'s head."""
    head = git("rev-parse", "HEAD")
    branch_was = start_branch(github, branch, head)
    for path in paths:
        github.call(
            "PUT",
            f"contents/{path}",
            {
                "message": message,
                "content": base64.b64encode(Path(path).read_bytes()).decode(),
                "sha": git("rev-parse", f"HEAD:{path}"),
                "branch": branch,
            },
        )
    said = open_pull(github, base=base, branch=branch, title=title, body=body)
    return said if branch_was == "created" else f"{said} (branch {branch} reused)"


# ---------------------------------------------------------------------------------------
# The fork's one-time hardening
# ---------------------------------------------------------------------------------------


# The workflows with a schedule trigger (tests/workflows checks this list against them).
SCHEDULED_WORKFLOWS: Final = ("score.yml", "refresh-pins.yml", "mutation.yml")


def reviewer(github: GitHub, login: str) -> dict[str, Any]:
    return {"type": "User", "id": github.call("GET", f"/users/{login}")["id"]}


def secure_repository(
    github: GitHub, *, environment: str, branch: str, reviewers: Sequence[str]
) -> list[str]:
    """Subject claims with the ref; the environment deploys only ``branch``, after one of
    ``reviewers`` approves; Issues and the schedules on. Idempotent: other branch policies
    of the environment go."""
    github.call("PATCH", "", {"has_issues": True})
    for workflow in SCHEDULED_WORKFLOWS:
        github.call("PUT", f"actions/workflows/{workflow}/enable")
    claims = list(OIDC_SUBJECT_CLAIMS)
    github.call(
        "PUT",
        "actions/oidc/customization/sub",
        {"use_default": False, "include_claim_keys": claims},
    )
    github.call(
        "PUT",
        f"environments/{environment}",
        {
            "reviewers": [reviewer(github, login) for login in reviewers],
            "deployment_branch_policy": {
                "protected_branches": False,
                "custom_branch_policies": True,
            },
        },
    )
    policies = f"environments/{environment}/deployment-branch-policies"
    existing = github.call("GET", f"{policies}?per_page={PAGE_SIZE}").get("branch_policies", [])
    for policy in existing:
        if (policy.get("name"), policy.get("type", "branch")) != (branch, "branch"):
            github.call("DELETE", f"{policies}/{policy['id']}")
    if not any(p.get("name") == branch and p.get("type", "branch") == "branch" for p in existing):
        github.call("POST", policies, {"name": branch, "type": "branch"})
    subject = github.call("GET", "actions/oidc/customization/sub")
    if subject.get("use_default") or subject.get("include_claim_keys") != claims:
        raise GitHubError(f"the OIDC subject template did not take: {subject}")
    return [
        f"OIDC subjects now carry {', '.join(claims)}",
        f"environment {environment}: branch {branch} only, {len(reviewers)} required reviewer(s)",
        "Issues on (the drift alert opens one)",
        f"schedules on: {', '.join(SCHEDULED_WORKFLOWS)}",
    ]


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
        required=True,
        help="a login whose approval a deploy needs (repeat for several; one approval is enough)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    return cli.run(PROG, lambda: _command(arguments))


def _command(arguments: argparse.Namespace) -> str:
    """What the command did, in lines for stdout."""
    if arguments.command == "secure-repository":
        github = GitHub.from_environment(arguments.repository)
        done = secure_repository(
            github,
            environment=arguments.environment,
            branch=arguments.branch,
            reviewers=arguments.reviewer,
        )
        return "\n".join(f"{PROG}: {line}" for line in done)
    github = GitHub.from_environment()
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
