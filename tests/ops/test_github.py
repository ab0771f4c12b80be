"""churn-github against the GitHub stand-in over real HTTP: the plan comment is created,
then updated in place, and nobody else's comment is touched; the model-version pull
request is committed through the contents API and opened, with an App token only; the
administrator's secure-repository puts the ref in every OIDC subject and lets only main
deploy."""

from __future__ import annotations

import subprocess
import sys
import urllib.error
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from churn.errors import ExitCode
from churn.ops import github, github_api, github_pulls, github_settings
from tests.rehearsal.github_api import (
    ADMINISTRATOR,
    APP_CLIENT_ID,
    USER_IDS,
    GitHubStandIn,
    RefusedError,
    app_key_pair,
    request_installation_token,
    serve_github,
)

REPOSITORY = "octo/churn"
ACTIONS_TOKEN = "ghs_actions_token_of_this_run"
TFVARS = "terraform/platform/model.auto.tfvars"
PINS = "constraints.txt"
MARKER = "<!-- churn-terraform-plan -->"


def git(cwd: Path, *arguments: str) -> str:
    finished = subprocess.run(
        ["git", *arguments], cwd=cwd, capture_output=True, text=True, check=True
    )
    return finished.stdout.strip()


@dataclass
class World:
    api: GitHubStandIn
    checkout: Path
    app_private_key: str

    def client(self, token: str) -> github_api.GitHub:
        return github_api.GitHub(self.api.api_url, token, REPOSITORY)

    def app_token(self) -> str:
        return request_installation_token(
            self.api.api_url, REPOSITORY, APP_CLIENT_ID, self.app_private_key
        )


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    checkout = tmp_path / "checkout"
    (checkout / "terraform" / "platform").mkdir(parents=True)
    (checkout / TFVARS).write_text('model_version = "20261124T001109Z-b4f6bc"\n')
    (checkout / PINS).write_text("boto3==1.44.4\n")
    git(checkout.parent, "init", "-q", "-b", "main", str(checkout))
    git(checkout, "add", ".")
    git(checkout, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "first")
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(checkout), str(origin))
    private_key, public_key = app_key_pair()
    with serve_github(REPOSITORY, origin, ACTIONS_TOKEN, public_key) as api:
        yield World(api, checkout, private_key)


def in_a_job(world: World, monkeypatch: pytest.MonkeyPatch, token: str) -> None:
    """What a workflow step gives churn-github: the API's URL, a token, the repository, and
    the checkout as its working directory."""
    monkeypatch.chdir(world.checkout)
    monkeypatch.setenv("GITHUB_API_URL", world.api.api_url)
    monkeypatch.setenv("GH_TOKEN", token)
    monkeypatch.setenv("GITHUB_REPOSITORY", REPOSITORY)


def open_pull(world: World) -> int:
    pull = world.api.state.create_pull(
        {"title": "t", "head": "main", "base": "main"}, "churn-retrain[bot]"
    )
    return int(pull["number"])


def test_the_plan_comment_is_created_then_updated_in_place(world: World) -> None:
    number = open_pull(world)
    client = world.client(ACTIONS_TOKEN)
    assert github.upsert_comment(client, number, f"{MARKER}\nfirst plan").startswith("created")
    said = github.upsert_comment(client, number, f"{MARKER}\nsecond plan")
    assert said.startswith("updated")
    bodies = [c["body"] for c in world.api.state.comments.values()]
    assert bodies == [f"{MARKER}\nsecond plan"]


def test_a_comment_someone_else_wrote_is_never_updated(world: World) -> None:
    number = open_pull(world)
    world.api.state.add_comment(number, f"{MARKER}\nI copied the marker", "mallory")
    github.upsert_comment(world.client(ACTIONS_TOKEN), number, f"{MARKER}\nthe plan")
    by_author = {c["user"]["login"]: c["body"] for c in world.api.state.comments.values()}
    assert by_author == {
        "mallory": f"{MARKER}\nI copied the marker",
        "github-actions[bot]": f"{MARKER}\nthe plan",
    }


TITLE = "Drift: retraining advised"


def test_the_drift_issue_is_opened_once_then_updated_and_nobody_elses_is_touched(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    open_pull(world)  # listed among the issues, as GitHub does: never taken for one
    world.api.state.create_issue({"title": TITLE, "body": "mine"}, "mallory")
    in_a_job(world, monkeypatch, ACTIONS_TOKEN)
    for week in ("first", "second"):
        (world.checkout / "DRIFT.md").write_text(f"# Drift report\n{week} run\n")
        arguments = ["upsert-issue", "--title", TITLE, "--body", "DRIFT.md", "--label", "drift"]
        assert github.main(arguments) == 0
    said = capsys.readouterr().out.splitlines()
    assert said == ["churn-github: opened issue #3", "churn-github: updated issue #3"]
    issues = world.api.state.issues
    assert issues[3]["body"] == "# Drift report\nsecond run\n"
    assert issues[3]["labels"] == [{"name": "drift"}]
    assert issues[2]["body"] == "mine"
    # Once closed (the model retrained), the next alert opens a new issue.
    issues[3]["state"] = "closed"
    said_next = github.upsert_issue(world.client(ACTIONS_TOKEN), TITLE, "third run")
    assert said_next == "opened issue #4"


def test_a_fork_without_issues_is_told_so_in_one_line(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    world.api.state.has_issues = False  # how a fork starts
    in_a_job(world, monkeypatch, ACTIONS_TOKEN)
    (world.checkout / "DRIFT.md").write_text("# Drift report\n")
    arguments = ["upsert-issue", "--title", TITLE, "--body", "DRIFT.md"]
    assert github.main(arguments) == ExitCode.DEPENDENCY
    assert capsys.readouterr().err == f"churn-github: error: {github.ISSUES_OFF}\n"
    assert world.api.state.issues == {}


def propose(
    world: World, token: str, monkeypatch: pytest.MonkeyPatch, *, body_unchanged: bool = False
) -> int:
    in_a_job(world, monkeypatch, token)
    (world.checkout / TFVARS).write_text('model_version = "20261201T000000Z-abcdef"\n')
    if not body_unchanged:
        (world.checkout / "body.md").write_text("| metric | serving | new |\n")
    return github.main(
        [
            "propose",
            "--branch",
            "retrain/20261201T000000Z-abcdef",
            "--path",
            TFVARS,
            "--message",
            "Serve model 20261201T000000Z-abcdef",
            "--title",
            "Serve model 20261201T000000Z-abcdef",
            "--body",
            "body.md",
        ]
    )


def test_the_model_pull_request_is_committed_and_opened_with_an_app_token(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert propose(world, world.app_token(), monkeypatch) == 0
    assert "opened #1" in capsys.readouterr().out
    origin = world.api.state.origin
    branch = "retrain/20261201T000000Z-abcdef"
    shown = git(origin, "show", f"{branch}:{TFVARS}")
    assert shown == 'model_version = "20261201T000000Z-abcdef"'
    assert git(origin, "log", "-1", "--format=%an %s", branch) == (
        "churn-retrain[bot] Serve model 20261201T000000Z-abcdef"
    )
    assert git(origin, "rev-parse", f"{branch}~1") == git(origin, "rev-parse", "main")
    pull = world.api.state.pulls[1]
    assert (pull["base"]["ref"], pull["head"]["ref"], pull["starts_workflows"]) == (
        "main",
        branch,
        True,
    )


def test_a_rerun_reuses_the_branch_and_the_pull_request(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Re-running the job once the branch exists (GitHub: 422 Reference already exists)
    moves the branch back to main, commits again and updates the one pull request."""
    token = world.app_token()
    assert propose(world, token, monkeypatch) == 0
    (world.checkout / "body.md").write_text("| metric | serving | newer |\n")
    monkeypatch.setattr(sys, "argv", ["churn-github"])
    assert propose(world, token, monkeypatch, body_unchanged=True) == 0
    said = capsys.readouterr().out.splitlines()
    branch = "retrain/20261201T000000Z-abcdef"
    assert said[0].startswith("churn-github: opened #1")
    assert said[1].startswith("churn-github: updated #1") and said[1].endswith(
        f"(branch {branch} reused)"
    )
    (pull,) = world.api.state.pulls.values()
    assert pull["body"] == "| metric | serving | newer |\n"
    origin = world.api.state.origin
    assert git(origin, "rev-parse", f"{branch}~1") == git(origin, "rev-parse", "main")


def test_a_branch_someone_else_named_is_not_taken_for_a_rerun(world: World) -> None:
    """Only "already exists" is a re-run: any other refusal of the ref is the user's."""
    with pytest.raises(github_api.GitHubError, match="bad name") as refused:
        github_pulls.start_branch(
            world.client(world.app_token()), "", git(world.checkout, "rev-parse", "HEAD")
        )
    assert refused.value.status == 422
    assert [c for c in world.api.state.calls if c[0] == "PATCH"] == []


def test_several_files_are_proposed_in_one_pull_request(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pins refresh proposes every constraints file it rewrote."""
    monkeypatch.chdir(world.checkout)
    (world.checkout / TFVARS).write_text('model_version = "20261201T000000Z-abcdef"\n')
    (world.checkout / PINS).write_text("boto3==1.44.5\n")
    said = github_pulls.propose(
        world.client(world.app_token()),
        base="main",
        branch="pins/42",
        paths=[PINS, TFVARS],
        message="Refresh the pins",
        title="Refresh the pins",
        body="",
    )
    assert said.startswith("opened #1")
    origin = world.api.state.origin
    assert git(origin, "show", f"pins/42:{PINS}") == "boto3==1.44.5"
    assert git(origin, "show", f"pins/42:{TFVARS}") == 'model_version = "20261201T000000Z-abcdef"'
    assert git(origin, "rev-parse", "pins/42~2") == git(origin, "rev-parse", "main")


def test_github_token_cannot_open_the_pull_request(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert propose(world, ACTIONS_TOKEN, monkeypatch) == ExitCode.DEPENDENCY
    error = capsys.readouterr().err
    assert error == (
        "churn-github: error: POST pulls: 403 GitHub Actions is not permitted to create or approve "
        "pull requests.\n"
    )


def test_an_app_token_needs_a_jwt_signed_with_the_apps_key(world: World) -> None:
    other_key, _ = app_key_pair()
    with pytest.raises(urllib.error.HTTPError) as refused:
        request_installation_token(world.api.api_url, REPOSITORY, APP_CLIENT_ID, other_key)
    assert refused.value.code == 401
    assert world.app_token().startswith("ghs_")  # the App's own key is accepted


@pytest.mark.parametrize(
    ("outcome", "state"), [("success", "success"), ("failure", "failure"), ("cancelled", "error")]
)
def test_a_rollback_is_recorded_as_a_deployment_with_its_outcome(
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    outcome: str,
    state: str,
) -> None:
    in_a_job(world, monkeypatch, ACTIONS_TOKEN)
    commit = git(world.checkout, "rev-parse", "HEAD")
    arguments = ["deployment", "--environment", "production", "--ref", commit]
    arguments += [
        "--outcome",
        outcome,
        "--description",
        "rollback to release 20261206T180000Z-0123456",
    ]
    assert github.main(arguments) == 0
    (deployment,) = world.api.state.deployments.values()
    assert (deployment["sha"], deployment["environment"]) == (commit, "production")
    assert [s["state"] for s in deployment["statuses"]] == [state]
    said = capsys.readouterr().out
    assert (
        said
        == f"churn-github: deployment {deployment['id']} of {commit[:12]} in production: {state}\n"
    )


def test_a_deployment_of_a_commit_github_does_not_have_is_refused(world: World) -> None:
    with pytest.raises(github_api.GitHubError, match="422 No ref found for"):
        github.record_deployment(
            world.client(ACTIONS_TOKEN), environment="production", ref="f" * 40,
            outcome="success", description="rollback",
        )  # fmt: skip


# ---------------------------------------------------------------------------------------
# secure-repository: the administrator's one-time hardening
# ---------------------------------------------------------------------------------------


def test_secure_repository_puts_the_ref_in_every_subject_and_deploys_main_only(
    world: World,
) -> None:
    state = world.api.state
    admin = world.client(state.administrator_token)
    # A policy someone added by hand that would let a feature branch deploy: removed.
    admin.call("PUT", "environments/production", {"reviewers": []})
    admin.call("POST", "environments/production/deployment-branch-policies", {"name": "feat/*"})
    state.has_issues = False  # a fork's start
    for _ in range(2):  # idempotent
        said = github_settings.secure_repository(
            admin, environment="production", branch="main", reviewers=[ADMINISTRATOR]
        )
    assert said[0] == "OIDC subjects now carry repo, context, ref"
    assert said[2] == "Issues on (the drift alert opens one)" and state.has_issues
    assert said[3] == "schedules on: score.yml, refresh-pins.yml, mutation.yml"
    assert state.enabled_workflows == set(github_settings.SCHEDULED_WORKFLOWS)
    production = state.environments["production"]
    assert [p["name"] for p in production["policies"].values()] == ["main"]
    assert production["reviewers"] == [{"type": "User", "id": USER_IDS[ADMINISTRATOR]}]

    def subject(event: str, ref: str, environment: str | None = None) -> str:
        return state.oidc_subject({"event": event, "ref": ref, "environment": environment})["sub"]

    repo = f"repo:{REPOSITORY}"
    assert subject("push", "refs/heads/main", "production") == (
        f"{repo}:environment:production:ref:refs/heads/main"
    )
    assert subject("push", "refs/heads/main") == f"{repo}:ref:refs/heads/main:ref:refs/heads/main"
    assert (
        subject("pull_request", "refs/pull/7/merge") == f"{repo}:pull_request:ref:refs/pull/7/merge"
    )
    with pytest.raises(RefusedError, match="not allowed to deploy to production"):
        subject("push", "refs/heads/feat/x", "production")


def test_production_without_a_reviewer_is_refused_staging_may_have_none(
    capsys: pytest.CaptureFixture[str],
) -> None:
    arguments = ["secure-repository", "--repository", REPOSITORY]
    assert github.main([*arguments, "--environment", "production"]) == ExitCode.REFUSED
    assert capsys.readouterr().err == (
        "churn-github: error: production needs a --reviewer: its approval is the deploy's\n"
    )
    staging = github.parse_arguments([*arguments, "--environment", "staging"])
    assert staging.reviewer == []


def test_only_an_administrator_may_secure_the_repository(world: World) -> None:
    with pytest.raises(github_api.GitHubError, match="403 Resource not accessible by integration"):
        github_settings.secure_repository(
            world.client(ACTIONS_TOKEN), environment="production", branch="main", reviewers=[]
        )
    assert world.api.state.subject_template == {"use_default": True}
