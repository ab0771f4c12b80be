"""An administrator's one-time hardening of a fork (a token with the repository's admin
rights): the OIDC subject names the ref (the AWS roles trust only main's), the deploy
environment accepts only main, with required reviewers, Issues are on (a fork starts with
them off, and the drift alert is an issue), and the scheduled workflows are enabled (a
fork starts with them off, and GitHub turns them off in a public repository after 60 days
without activity: run it again then)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from churn.ops.github_api import OIDC_SUBJECT_CLAIMS, PAGE_SIZE, GitHub, GitHubError

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
