"""The pull requests the workflows open (the retrain's model version, the pins' refresh):
changed files committed on a branch through GitHub's contents API (no git credentials,
and GitHub signs the commits), then the pull request; a re-run reuses both. Run with a
GitHub App installation token: a pull request opened with ``GITHUB_TOKEN`` starts no
workflow."""

from __future__ import annotations

import base64
import subprocess
from collections.abc import Sequence
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlencode

from churn.ops.github_api import GitHub, GitHubError


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
