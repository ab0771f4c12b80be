"""The GitHub workflows: real linters (actionlint, check-jsonschema's workflow schema,
zizmor with 0 findings) and structural rules over the YAML (callers pass exactly what the
reusable workflows declare; permissions, timeouts and SHA pins everywhere; triggers)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from churn.ops import github_settings
from tests.support.environments import REPO_ROOT
from tests.support.tiers import TIERS

WORKFLOWS = REPO_ROOT / ".github" / "workflows"
SCANNERS = REPO_ROOT / ".venv-scanners" / "bin"
FILES = sorted(WORKFLOWS.glob("*.yml"))
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$")
# act (the rehearsal's engine) cannot run `uses: $/…`, so local workflows are `./…`, each
# with zizmor's self-repository finding ignored inline, with the reason.
SELF = re.compile(
    r"^\./\.github/workflows/reusable-[a-z-]+\.yml # zizmor: ignore\[self-repository\] \S.+$"
)
AWS_LOGIN = "aws-actions/configure-aws-credentials@"


def scanner(name: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    binary = SCANNERS / name
    if not binary.exists():
        pytest.fail(f"{name} is missing: run `make scanners` (make test does)")
    return subprocess.run(
        [str(binary), *arguments], capture_output=True, text=True, check=False, cwd=REPO_ROOT
    )


def load(path: Path) -> dict[str, Any]:
    raw: dict[Any, Any] = yaml.safe_load(path.read_text())
    # YAML 1.1 reads the key `on` as True.
    return {("on" if key is True else str(key)): value for key, value in raw.items()}


def jobs(path: Path) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = load(path)["jobs"]
    return found


def test_there_are_reusable_workflows_and_callers() -> None:
    names = {p.name for p in FILES}
    assert {
        "reusable-terraform-checks.yml",
        "reusable-terraform-plan.yml",
        "reusable-terraform-apply.yml",
        "reusable-train.yml",
        "reusable-build-push.yml",
        "pull-request.yml",
        "deploy.yml",
        "retrain.yml",
    } <= names


def test_actionlint_finds_no_errors() -> None:
    finished = scanner("actionlint", *map(str, FILES))
    assert finished.returncode == 0, finished.stdout + finished.stderr


def test_the_github_workflow_schema_accepts_every_file() -> None:
    finished = scanner(
        "check-jsonschema", "--builtin-schema", "vendor.github-workflows", *map(str, FILES)
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    dependabot = REPO_ROOT / ".github" / "dependabot.yml"
    finished = scanner("check-jsonschema", "--builtin-schema", "vendor.dependabot", str(dependabot))
    assert finished.returncode == 0, finished.stdout + finished.stderr


@pytest.mark.parametrize("persona", ["regular", "pedantic"])
def test_zizmor_finds_nothing(persona: str) -> None:
    finished = scanner("zizmor", "--offline", "--persona", persona, "--format", "plain", ".github")
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "No findings to report" in finished.stdout + finished.stderr


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_file_starts_from_no_permissions_and_never_uses_pull_request_target(
    path: Path,
) -> None:
    document = load(path)
    assert document["permissions"] == {}
    assert "pull_request_target" not in (document["on"] or {})


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_job_states_its_permissions_and_timeout(path: Path) -> None:
    for name, job in jobs(path).items():
        assert "permissions" in job, f"{path.name}:{name} has no permissions"
        if "uses" not in job:  # a reusable workflow's own jobs carry their timeouts
            assert isinstance(job.get("timeout-minutes"), int), f"{path.name}:{name} has no timeout"
        for permission, level in job["permissions"].items():
            comment = re.search(
                rf"^\s+{re.escape(permission)}: {level} # .+$", path.read_text(), re.M
            )
            assert comment, f"{path.name}:{name}: permission {permission} has no comment saying why"


SCOPES = "actions|attestations|checks|contents|deployments|id-token|issues|packages|pages|"
SCOPES += "pull-requests|security-events|statuses"
PERMISSION_LINE = re.compile(rf"^\s+({SCOPES}): (read|write)\b(.*)$")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_permission_granted_says_why_on_its_own_line(path: Path) -> None:
    """The per-job check above finds a commented grant anywhere in the file; this one
    holds each grant line to it."""
    grants = [m for line in path.read_text().splitlines() if (m := PERMISSION_LINE.match(line))]
    for grant in grants:
        assert re.match(r"\s+# \S", grant.group(3)), f"{path.name}: {grant.group(0).strip()}"
    granted = sum(len(job["permissions"]) for job in jobs(path).values())
    assert len(grants) == granted, f"{path.name}: {len(grants)} grant lines, {granted} grants"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_and_checkouts_keep_no_credentials(path: Path) -> None:
    for line in path.read_text().splitlines():
        match = re.match(r"^\s+(?:- )?uses: (.+)$", line)
        if match is None:
            continue
        reference = match.group(1).strip()
        assert SELF.match(reference) or PINNED.match(reference), f"{path.name}: {reference}"
    for name, job in jobs(path).items():
        for step in job.get("steps", []):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, f"{path.name}:{name}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_expression_reaches_a_shell_directly(path: Path) -> None:
    for name, job in jobs(path).items():
        for step in job.get("steps", []):
            assert "${{" not in step.get("run", ""), f"{path.name}:{name}: {step.get('name')}"


def reaches_aws(job: dict[str, Any]) -> bool:
    steps = job.get("steps", [])
    if any(str(step.get("uses", "")).startswith(AWS_LOGIN) for step in steps):
        return True
    called = str(job.get("uses", ""))
    if called.startswith("./.github/workflows/"):
        return any(reaches_aws(inner) for inner in jobs(REPO_ROOT / called[2:]).values())
    return False


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_id_token_only_where_aws_is_reached(path: Path) -> None:
    for name, job in jobs(path).items():
        has_token = job["permissions"].get("id-token") == "write"
        assert has_token == reaches_aws(job), f"{path.name}:{name}"


# configure-aws-credentials asks for one hour unless role-duration-seconds says otherwise
# (and a role's max_session_duration caps it): a job outliving its session loses AWS mid-run.
DEFAULT_SESSION_SECONDS = 3600


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_job_reaching_aws_ends_before_its_credentials_do(path: Path) -> None:
    for name, job in jobs(path).items():
        logins = [s for s in job.get("steps", []) if str(s.get("uses", "")).startswith(AWS_LOGIN)]
        for login in logins:
            session = int(login["with"].get("role-duration-seconds", DEFAULT_SESSION_SECONDS))
            assert job["timeout-minutes"] * 60 <= session, f"{path.name}:{name}"


def interface(called: str) -> tuple[dict[str, Any], dict[str, Any]]:
    call = load(REPO_ROOT / called[2:])["on"]["workflow_call"]
    return call.get("inputs", {}), call.get("secrets", {})


def calls() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path.name, name, job)
        for path in FILES
        for name, job in jobs(path).items()
        if str(job.get("uses", "")).startswith("./")
    ]


@pytest.mark.parametrize(
    ("file_name", "job_name", "job"), calls(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_callers_pass_exactly_what_the_reusable_workflows_declare(
    file_name: str, job_name: str, job: dict[str, Any]
) -> None:
    inputs, secrets = interface(job["uses"])
    given = set(job.get("with", {}))
    required = {name for name, spec in inputs.items() if spec.get("required")}
    assert required <= given <= set(inputs), f"{file_name}:{job_name} inputs {sorted(given)}"
    assert job.get("secrets") != "inherit"
    assert set(job.get("secrets", {})) == set(secrets), f"{file_name}:{job_name} secrets"
    for name, spec in inputs.items():
        assert spec.get("description") and spec.get("type"), f"{job['uses']}: input {name}"
    for name, spec in secrets.items():
        assert spec.get("description"), f"{job['uses']}: secret {name}"


def test_triggers() -> None:
    assert load(WORKFLOWS / "pull-request.yml")["on"] == {"pull_request": {"branches": ["main"]}}
    # A deploy can be re-run by hand; its first job refuses any ref but main.
    assert load(WORKFLOWS / "deploy.yml")["on"] == {
        "push": {"branches": ["main"]},
        "workflow_dispatch": None,
    }
    deploy = jobs(WORKFLOWS / "deploy.yml")
    assert deploy["checked-before"]["if"] == "${{ github.ref == 'refs/heads/main' }}"
    assert deploy["checks"]["needs"] == "checked-before"  # skipped with it on another ref
    dispatch = load(WORKFLOWS / "retrain.yml")["on"]["workflow_dispatch"]["inputs"]
    assert set(dispatch) == {"data-uri", "where"}
    assert set(load(WORKFLOWS / "rollback.yml")["on"]) == {"workflow_dispatch"}
    assert dispatch["where"]["options"] == ["runner", "ecs"]
    for path in FILES:
        if path.name.startswith("reusable-"):
            assert set(load(path)["on"]) == {"workflow_call"}, path.name


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_run_step_fails_on_its_first_failing_command_pipes_included(path: Path) -> None:
    """GitHub's default `bash -e {0}` lets `false | tee log` pass; `shell: bash` adds
    -o pipefail. Every file sets it as its default and no step picks another shell."""
    assert load(path).get("defaults") == {"run": {"shell": "bash"}}, path.name
    for name, job in jobs(path).items():
        for step in job.get("steps", []):
            assert step.get("shell", "bash") == "bash", f"{path.name}:{name}: {step.get('name')}"


def environments() -> dict[str, str]:
    found = {}
    for path in FILES:
        for name, job in jobs(path).items():
            if "environment" in job:
                found[f"{path.name}:{name}"] = job["environment"]
    return found


def test_approval_means_approving_a_plan_once_per_environment() -> None:
    """Only the job that applies saved plans is in an environment (the caller's choice,
    production by default): plans, images and the release run without it, so a deploy asks
    for one approval per environment; the smoke test and the way back run inside it (GitHub
    would ask again for any other job there)."""
    assert environments() == {"reusable-terraform-apply.yml:apply": "${{ inputs.environment }}"}
    apply_inputs = load(WORKFLOWS / "reusable-terraform-apply.yml")["on"]["workflow_call"]["inputs"]
    assert apply_inputs["environment"]["default"] == "production"
    deploy = jobs(WORKFLOWS / "deploy.yml")
    assert "needs" not in deploy["images"]  # beside the checks
    assert deploy["images"]["if"] == deploy["checked-before"]["if"]  # only main deploys
    assert set(deploy["release"]["needs"]) == {"checked-before", "images"}  # beside the checks
    assert deploy["plan-pipeline"]["needs"] == deploy["plan-platform"]["needs"] == "release"
    assert set(deploy["apply"]["needs"]) == {
        "checked-before",
        "checks",
        "release",
        "plan-pipeline",
        "plan-platform",
        "apply-staging",
    }
    assert set(deploy["apply-staging"]["needs"]) == {
        "checked-before", "checks", "release", "plan-staging"
    }  # fmt: skip
    assert set(deploy) == {
        "checked-before", "checks", "images", "release", "plan-staging", "apply-staging",
        "plan-pipeline", "plan-platform", "apply",
    }  # fmt: skip
    assert load(WORKFLOWS / "deploy.yml")["concurrency"]["cancel-in-progress"] is False
    plans = deploy["apply"]["with"]["plans"]
    assert plans.index('"pipeline"') < plans.index('"platform"')  # applied in this order


CHECKS_PASSED = (
    "(needs.checks.result == 'success' || (needs.checks.result == 'skipped' && "
    "needs.checked-before.outputs.passed-in != ''))"
)


def test_a_deploy_skips_the_checks_only_where_a_release_passed_them_on_the_same_inputs() -> None:
    """The checks job runs unless the log names a release that passed them on this commit's
    inputs. It runs beside the release and the plans; each apply needs it to have passed, or
    to have been skipped for that reason, which the release job asked the log itself (a job
    output alone is not believed)."""
    deploy = jobs(WORKFLOWS / "deploy.yml")
    assert deploy["checks"]["if"] == "${{ needs.checked-before.outputs.passed-in == '' }}"
    step = next(s for s in deploy["checked-before"]["steps"] if s.get("id") == "checked")
    assert 'churn-release --outputs "$GITHUB_OUTPUT" checked' in step["run"]
    release = " ".join(deploy["release"]["if"].split())
    assert "needs.checked-before.result == 'success' && needs.images.result == 'success'" in release
    for job in ("apply-staging", "apply"):
        assert CHECKS_PASSED in " ".join(deploy[job]["if"].split()), job
    create = next(s for s in deploy["release"]["steps"] if s.get("id") == "release")
    assert create["env"]["PASSED_IN"] == "${{ needs.checked-before.outputs.passed-in }}"
    assert "--checks-passed-before" in create["run"]


# Jobs skipped in a run that goes on: deploy's checks when their inputs passed before, its
# staging jobs when staging is off; rollback's pipeline plan in staging.
SKIPPED_IN_A_GOOD_RUN = {
    "deploy.yml": {"checks", "plan-staging", "apply-staging"},
    "rollback.yml": {"plan-pipeline"},
}
STATUS_FUNCTIONS = ("!cancelled()", "always()")


def after(workflow: dict[str, dict[str, Any]], job: str) -> set[str]:
    """The jobs that need ``job``, directly or through others."""
    direct = {
        name
        for name, spec in workflow.items()
        if job in ([spec["needs"]] if isinstance(spec.get("needs"), str) else spec.get("needs", []))
    }
    return direct.union(*(after(workflow, name) for name in direct))


@pytest.mark.parametrize("name", sorted(SKIPPED_IN_A_GOOD_RUN))
def test_a_job_after_a_skipped_one_says_what_it_needs_explicitly(name: str) -> None:
    """GitHub's implicit success() in a job's `if` is false when any job before it, however
    far up the chain, was skipped (actions/runner#2205): the deploy would end green having
    applied nothing (the rehearsal did, before this). Every job after one that a good run
    skips overrides it with a status function and checks its needs' results itself."""
    workflow = jobs(WORKFLOWS / name)
    downstream = set().union(*(after(workflow, job) for job in SKIPPED_IN_A_GOOD_RUN[name]))
    assert downstream
    for job in downstream:
        condition = str(workflow[job].get("if", ""))
        assert any(f in condition for f in STATUS_FUNCTIONS), f"{name}:{job}: {condition!r}"
        assert ".result == 'success'" in condition, f"{name}:{job}: {condition!r}"


def test_a_deploy_plans_the_release_it_recorded_and_the_apply_job_watches_it() -> None:
    """Built once: the release job writes the record (churn-release create), every plan of
    the deploy is made from it, and the apply job smoke-tests it (churn-release watch)."""
    deploy = jobs(WORKFLOWS / "deploy.yml")
    (create,) = [s for s in deploy["release"]["steps"] if "churn-release" in s.get("run", "")]
    assert " create --git-sha " in create["run"] and create["env"]["GIT_SHA"] == "${{ github.sha }}"
    assert deploy["release"]["outputs"]["id"] == "${{ steps.release.outputs.release-id }}"
    for plan in ("plan-pipeline", "plan-platform"):
        assert deploy[plan]["with"]["hand-over"] is True
        assert deploy[plan]["with"]["release"] == "${{ needs.release.outputs.id }}"
    assert deploy["apply"]["with"]["watch-release"] == "${{ needs.release.outputs.id }}"
    steps = jobs(WORKFLOWS / "reusable-terraform-apply.yml")["apply"]["steps"]
    applying = next(i for i, s in enumerate(steps) if "apply-all" in s.get("run", ""))
    (watching,) = [s for s in steps[applying:] if " watch " in s.get("run", "")]
    assert watching["if"] == "inputs.watch-release != ''"
    assert watching["env"]["RELEASE"] == "${{ inputs.watch-release }}"
    assert '--summary "$GITHUB_STEP_SUMMARY"' in watching["run"]  # both ids, when it rolls back


def test_staging_is_a_switch_and_production_refuses_what_staging_did_not_pass() -> None:
    """STAGING=true: staging's platform is planned and applied (its own role, the staging
    environment) from the same record; production's apply runs only after it succeeded and
    checks the releases' log itself before applying. Off: staging's jobs are skipped and
    production's apply runs as before."""
    deploy = jobs(WORKFLOWS / "deploy.yml")
    assert "vars.STAGING == 'true'" in deploy["plan-staging"]["if"]
    assert deploy["plan-staging"]["with"] == {
        "root": "platform", "environment": "staging", "release": "${{ needs.release.outputs.id }}",
        "hand-over": True,
    }  # fmt: skip
    staging = deploy["apply-staging"]
    assert staging["with"]["environment"] == "staging"
    assert staging["with"]["watch-release"] == deploy["apply"]["with"]["watch-release"]
    assert staging["secrets"]["aws-role-arn"] == "${{ secrets.AWS_STAGING_DEPLOY_ROLE_ARN }}"
    # Staging in an account of its own plans with its plan role there; in one, production's.
    assert deploy["plan-staging"]["secrets"]["aws-role-arn"] == (
        "${{ secrets.AWS_STAGING_PLAN_ROLE_ARN || secrets.AWS_PLAN_ROLE_ARN }}"
    )
    assert deploy["plan-platform"]["secrets"]["aws-role-arn"] == "${{ secrets.AWS_PLAN_ROLE_ARN }}"
    assert "needs.apply-staging.result == 'success'" in deploy["apply"]["if"]
    assert "vars.STAGING != 'true'" in deploy["apply"]["if"]
    assert (
        deploy["apply"]["with"]["passed-in"] == "${{ vars.STAGING == 'true' && 'staging' || '' }}"
    )
    steps = jobs(WORKFLOWS / "reusable-terraform-apply.yml")["apply"]["steps"]
    checking = next(i for i, s in enumerate(steps) if " check " in s.get("run", ""))
    applying = next(i for i, s in enumerate(steps) if "apply-all" in s.get("run", ""))
    assert checking < applying  # refused before anything changes
    assert '--passed-in "$PASSED_IN"' in steps[checking]["run"]


def test_a_rollback_moves_only_the_pointers_of_an_earlier_release() -> None:
    """No build, no training: the release is resolved from the log, both stacks are planned
    from it with --only-pointers, and the apply job watches it as a rollback's target."""
    rollback = load(WORKFLOWS / "rollback.yml")
    inputs = rollback["on"]["workflow_dispatch"]["inputs"]
    assert set(inputs) == {"environment", "release"} and inputs["release"]["default"] == "previous"
    deploy = load(WORKFLOWS / "deploy.yml")
    assert rollback["concurrency"]["group"] == deploy["concurrency"]["group"] == "deploy"
    steps = rollback["jobs"]
    assert set(steps) == {"resolve", "plan-pipeline", "plan-platform", "apply", "deployment"}
    called = [str(job.get("uses", "")) for job in steps.values()]
    runs = [str(s.get("run", "")) for job in steps.values() for s in job.get("steps", [])]
    assert not [u for u in called if "build-push" in u or "train" in u]
    assert not [r for r in runs if "churn-train" in r or "churn-push-images" in r]
    (resolve,) = [s for s in steps["resolve"]["steps"] if "churn-release" in s.get("run", "")]
    assert " resolve --release " in resolve["run"]
    for plan in ("plan-pipeline", "plan-platform"):
        assert steps[plan]["with"]["only-pointers"] is True
        assert steps[plan]["with"]["release"] == "${{ needs.resolve.outputs.id }}"
    assert steps["apply"]["with"]["rollback"] is True
    assert steps["apply"]["with"]["watch-release"] == "${{ needs.resolve.outputs.id }}"
    # Staging: its platform only, applied with its own deploy role (the rehearsal runs it).
    assert inputs["environment"]["options"] == ["production", "staging"]
    assert steps["plan-pipeline"]["if"] == "${{ inputs.environment == 'production' }}"
    assert steps["plan-platform"]["with"]["environment"] == "${{ inputs.environment }}"
    assert steps["apply"]["with"]["environment"] == "${{ inputs.environment }}"
    assert (
        "inputs.environment == 'staging' || needs.plan-pipeline.result == 'success'"
        in steps["apply"]["if"]
    )
    assert steps["plan-platform"]["secrets"]["aws-role-arn"] == (
        "${{ inputs.environment == 'staging' && secrets.AWS_STAGING_PLAN_ROLE_ARN"
        " || secrets.AWS_PLAN_ROLE_ARN }}"
    )
    role = steps["apply"]["secrets"]["aws-role-arn"]
    assert "secrets.AWS_STAGING_DEPLOY_ROLE_ARN" in role and "secrets.AWS_DEPLOY_ROLE_ARN" in role
    (record,) = [s for s in steps["deployment"]["steps"] if "churn-github" in s.get("run", "")]
    assert " deployment --environment " in record["run"]
    assert record["env"]["OUTCOME"] == "${{ needs.apply.result }}"
    assert steps["deployment"]["permissions"]["deployments"] == "write"


def test_pull_requests_plan_with_what_is_deployed_and_comment() -> None:
    pull_request = jobs(WORKFLOWS / "pull-request.yml")
    for name in ("plan-pipeline", "plan-platform"):
        assert "release" not in pull_request[name]["with"]  # empty: what is deployed
        assert "hand-over" not in pull_request[name]["with"]  # a review only uploads a digest
    comment = pull_request["comment"]
    assert set(comment["needs"]) == {"plan-pipeline", "plan-platform"}
    assert any("churn-plan-comment" in step.get("run", "") for step in comment["steps"])
    assert any("churn-github upsert-comment" in step.get("run", "") for step in comment["steps"])
    tests = pull_request["tests"]
    assert tests["env"]["CHROMIUM"] == "/usr/bin/chromium"


def test_every_tier_of_the_tests_is_a_job_of_the_pull_request() -> None:
    """The tier jobs run make test-<tier> for every tier tests/support/tiers.py knows, and
    nothing else: the tiers together are `make test`."""
    tests = jobs(WORKFLOWS / "pull-request.yml")["tests"]
    assert sorted(tests["strategy"]["matrix"]["tier"]) == sorted(TIERS)
    assert tests["strategy"]["fail-fast"] is False
    (run,) = [step["run"] for step in tests["steps"] if "run" in step]
    assert run == 'make "test-$TIER"' and tests["env"]["TIER"] == "${{ matrix.tier }}"
    makefile = (REPO_ROOT / "Makefile").read_text()
    assert all(re.search(rf"^test-{tier}:", makefile, re.M) for tier in TIERS)


@pytest.mark.parametrize(
    ("workflow", "job"), [("retrain.yml", "propose"), ("refresh-pins.yml", "refresh")]
)
def test_pull_requests_are_opened_with_the_apps_token(workflow: str, job: str) -> None:
    steps = jobs(WORKFLOWS / workflow)[job]["steps"]
    app = next(
        s for s in steps if str(s.get("uses", "")).startswith("actions/create-github-app-token@")
    )
    opening = next(s for s in steps if "churn-github propose" in s.get("run", ""))
    assert opening["env"]["GH_TOKEN"] == f"${{{{ steps.{app['id']}.outputs.token }}}}"
    assert steps.index(app) < steps.index(opening)
    assert not any("github.token" in str(s.get("env", {})) for s in steps)


def test_the_fork_setup_enables_every_scheduled_workflow() -> None:
    """A fork starts with its schedules off: churn-github secure-repository turns on each."""
    scheduled = {path.name for path in FILES if "schedule" in (load(path)["on"] or {})}
    assert set(github_settings.SCHEDULED_WORKFLOWS) == scheduled


def test_the_pins_are_refreshed_weekly_by_make_constraints_and_proposed() -> None:
    """Dependabot's pip updates leave constraints.txt alone, and its Docker updates only move
    digests already pinned: the refresh re-resolves the one and pins the other."""
    assert load(WORKFLOWS / "refresh-pins.yml")["on"]["schedule"][0]["cron"].endswith("* * 1")
    steps = jobs(WORKFLOWS / "refresh-pins.yml")["refresh"]["steps"]
    runs = [str(s.get("run", "")) for s in steps]
    assert runs.index("make constraints") < runs.index("make base-images")
    assert runs.index("make base-images") < next(
        i for i, s in enumerate(steps) if s.get("id") == "moved"
    )
    targets = ("churn-github", "create-github-app-token", "make ops-tools")
    later = [s for s in steps if any(t in str(s) for t in targets)]
    assert later and all(s["if"] == "steps.moved.outputs.moved == 'true'" for s in later)


def run_refresh_step(step_id_or_name: str, repo: Path) -> str:
    """Run one step of refresh-pins.yml with bash, as the runner would, in ``repo``; return
    what it wrote to $GITHUB_OUTPUT."""
    workflow = load(WORKFLOWS / "refresh-pins.yml")
    step = next(
        s
        for s in workflow["jobs"]["refresh"]["steps"]
        if step_id_or_name in (s.get("id"), s.get("name"))
    )
    output = repo / "github-output"
    output.write_text("")
    env = {"PATH": "/usr/bin:/bin", "GITHUB_OUTPUT": str(output), "RUN_ID": "42"}
    subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=repo,
        env=env | workflow["env"],
        check=True,
        capture_output=True,
    )
    return output.read_text()


def test_the_refresh_proposes_exactly_the_pins_that_moved(tmp_path: Path) -> None:
    """The pathspecs reach git unexpanded, so a Dockerfile of any deployable counts, and
    only files that changed are proposed."""
    files = ["constraints.txt", "requirements/scanners/constraints.txt", "README.md"]
    files += [str(p.relative_to(REPO_ROOT)) for p in sorted(REPO_ROOT.glob("src/*/Dockerfile"))]
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("before\n")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "."], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "pins"], cwd=tmp_path, check=True)
    assert run_refresh_step("moved", tmp_path) == "moved=false\n"

    for name in ("requirements/scanners/constraints.txt", "src/ui/Dockerfile", "README.md"):
        (tmp_path / name).write_text("after\n")
    assert run_refresh_step("moved", tmp_path) == "moved=true\n"

    recorder = tmp_path / ".venv-ops" / "bin" / "churn-github"
    recorder.parent.mkdir(parents=True)
    recorder.write_text('#!/bin/sh\nprintf "%s\\n" "$@" > "$(dirname "$0")/arguments"\n')
    recorder.chmod(0o755)
    run_refresh_step("commit the pins on a branch and open the pull request", tmp_path)
    arguments = (recorder.parent / "arguments").read_text().split("\n")
    paths = [arguments[i + 1] for i, a in enumerate(arguments) if a == "--path"]
    assert paths == ["requirements/scanners/constraints.txt", "src/ui/Dockerfile"]
    assert arguments[arguments.index("--branch") + 1] == "pins/42"


def test_plan_artifacts_hold_only_the_digest_for_a_day() -> None:
    plan = jobs(WORKFLOWS / "reusable-terraform-plan.yml")["plan"]
    uploads = [
        s for s in plan["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact@")
    ]
    assert [u["with"]["path"] for u in uploads] == [".cache/plans/${{ inputs.root }}.changes.json"]
    assert uploads[0]["with"]["retention-days"] == 1


def test_fork_pull_requests_skip_the_sarif_upload() -> None:
    """A fork's pull request gets a read-only token, and a private repository without code
    scanning refuses SARIF: either would fail the checks, so the upload is skipped."""
    steps = jobs(WORKFLOWS / "reusable-terraform-checks.yml")["checks"]["steps"]
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/"))
    condition = upload["if"]
    assert "!cancelled()" in condition
    assert "github.event.pull_request.head.repo.full_name == github.repository" in condition
    assert "(!github.event.repository.private || vars.CODE_SCANNING == 'true')" in condition


def test_the_environment_is_the_name_prefix_variable_wherever_aws_is_reached() -> None:
    for path in FILES:
        if path.name.startswith("reusable-") and any(
            reaches_aws(job) for job in jobs(path).values()
        ):
            assert load(path)["env"]["NAME_PREFIX"] == "${{ vars.NAME_PREFIX }}", path.name


# What an action does with the job's GITHUB_TOKEN, from its documentation. In a private
# repository every permission a job leaves out is none, so a missing grant fails there only
# (docs.github.com, "Controlling permissions for GITHUB_TOKEN"); upload-sarif reads the run
# (GET /repos/{owner}/{repo}/actions/runs/{run_id}) as well as uploading.
TOKEN_NEEDS = {
    "actions/checkout@": {"contents": "read"},
    "github/codeql-action/upload-sarif@": {"security-events": "write", "actions": "read"},
}
LEVELS = {"none": 0, "read": 1, "write": 2}


def granted(job: dict[str, Any], scope: str) -> int:
    return LEVELS[job["permissions"].get(scope, "none")]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_job_grants_what_its_actions_do_with_the_token(path: Path) -> None:
    for name, job in jobs(path).items():
        for step in job.get("steps", []):
            needs = next(
                (n for a, n in TOKEN_NEEDS.items() if str(step.get("uses", "")).startswith(a)), {}
            )
            for scope, level in needs.items():
                assert granted(job, scope) >= LEVELS[level], f"{path.name}:{name} {scope}: {level}"


@pytest.mark.parametrize(
    ("file_name", "job_name", "job"), calls(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_a_caller_grants_what_its_reusable_workflow_asks(
    file_name: str, job_name: str, job: dict[str, Any]
) -> None:
    """A called workflow's token can only be narrowed, never widened, from the caller's
    (docs.github.com, "Reusing workflows": access and permissions)."""
    for inner_name, inner in jobs(REPO_ROOT / job["uses"][2:]).items():
        for scope, level in inner["permissions"].items():
            assert granted(job, scope) >= LEVELS[level], (
                f"{file_name}:{job_name} lacks {scope}: {level} for {inner_name}"
            )
