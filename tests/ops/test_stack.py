"""churn-stack's hand-over from the deploy's plan jobs to its apply job, through the state
bucket (moto): the apply job takes a plan only if its SHA-256 is the one the plan job
reported, so a plan swapped in the bucket between plan and approval is refused; the order
and the roots come from one JSON object, checked before anything runs."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from bench import idle_cost
from churn import names
from churn.names import ENVIRONMENTS
from churn.ops import handover, plan_comment, stack
from tests.support.environments import REPO_ROOT
from tests.support.servers import make_bucket

STORE_BUCKET = "teleco-churn-stack-handover"


@pytest.fixture
def store(aws_env: dict[str, str]) -> str:
    make_bucket(STORE_BUCKET)
    return f"s3://{STORE_BUCKET}/plans/4242"


def test_a_handed_over_plan_is_taken_when_its_sha256_matches(store: str, tmp_path: Path) -> None:
    saved = tmp_path / "plan" / "platform.tfplan"
    saved.parent.mkdir()
    saved.write_bytes(b"a saved plan")
    assert handover.hand_over(saved, store) == f"{store}/platform.tfplan"
    taken = handover.take_over(store, "platform", handover.sha256_of(saved), tmp_path / "apply")
    assert taken.read_bytes() == b"a saved plan"


def test_a_plan_swapped_after_the_plan_job_is_refused(store: str, tmp_path: Path) -> None:
    saved = tmp_path / "platform.tfplan"
    saved.write_bytes(b"the reviewed plan")
    reviewed = handover.sha256_of(saved)
    saved.write_bytes(b"another plan")
    handover.hand_over(saved, store)
    with pytest.raises(handover.StackError, match="not the plan the plan job saved"):
        handover.take_over(store, "platform", reviewed, tmp_path / "apply")
    assert not (tmp_path / "apply" / "platform.tfplan").exists()


def test_a_missing_plan_says_to_rerun_the_deploy(store: str, tmp_path: Path) -> None:
    with pytest.raises(handover.StackError, match=r"the saved plan is gone .*re-run the deploy"):
        handover.take_over(store, "pipeline", "0" * 64, tmp_path)


@pytest.mark.parametrize(
    ("plans", "message"),
    [
        ("not json", "--plans is not JSON"),
        ("[]", "must be a JSON object"),
        ('{"network": "' + "0" * 64 + '"}', "'network' -> "),
        ('{"platform": ""}', "is not a root and a SHA-256"),
    ],
)
def test_the_plans_object_is_checked_before_anything_runs(plans: str, message: str) -> None:
    with pytest.raises(handover.StackError, match=message):
        handover.parse_plans(plans)


def test_the_plans_keep_their_order() -> None:
    sha = hashlib.sha256(b"x").hexdigest()
    assert list(handover.parse_plans(f'{{"pipeline": "{sha}", "platform": "{sha}"}}')) == [
        "pipeline",
        "platform",
    ]


def test_the_store_is_in_the_state_bucket_the_backend_names_one_per_environment() -> None:
    stores = {env: handover.plan_store(REPO_ROOT, "77", env) for env in ENVIRONMENTS}
    assert stores == {
        "production": "s3://teleco-churn-terraform-state/plans/77/production",
        "staging": "s3://teleco-churn-terraform-state/plans/77/staging",
    }


def test_staging_is_named_from_productions_prefix_and_serves_its_artifacts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NAME_PREFIX", "acme-churn-")
    settings = stack.stack_env("staging")
    assert (settings["TF_VAR_name_prefix"], settings["TF_VAR_artifacts_prefix"]) == (
        "acme-churn-stg-",
        "acme-churn-",
    )
    production = stack.stack_env("production")
    assert production["TF_VAR_name_prefix"] == "acme-churn-"
    assert "TF_VAR_artifacts_prefix" not in production
    assert (
        names.state_key("acme-churn-stg-", "platform")
        == "acme-churn-stg/platform/terraform.tfstate"
    )


def test_staging_has_no_pipeline_of_its_own() -> None:
    with pytest.raises(handover.StackError, match="staging has no pipeline of its own"):
        stack.stack_of(REPO_ROOT, "pipeline", "staging")


def test_each_environment_sizes_the_platform_from_a_file_of_its_own() -> None:
    """staging.tfvars holds only what a cheap environment changes (the size), nothing
    that names where it is."""
    assigned = set(idle_cost.tfvars(REPO_ROOT / "terraform" / "platform" / "staging.tfvars"))
    assert assigned == {"single_nat_gateway", "ui_desired_count", "ui_schedule"}
    assert not assigned & {"name_prefix", "artifacts_prefix", "region"}


def planned(*addresses: str) -> plan_comment.StackPlan:
    changes = plan_comment.StackPlan("pipeline")
    changes.changes.extend(plan_comment.Change(a, "update", ()) for a in addresses)
    return changes


def test_changes_to_what_an_administrator_owns_are_named() -> None:
    changes = planned(
        "module.ci_identity.aws_iam_role.deploy",
        "module.training_task.aws_ecs_task_definition.this",
        "module.models.aws_s3_bucket_policy.this",
    )
    assert stack.administrator_changes(changes) == [
        "module.ci_identity.aws_iam_role.deploy",
        "module.models.aws_s3_bucket_policy.this",
    ]
    assert stack.administrator_changes(planned("module.ecr.aws_ecr_repository.this")) == []


def test_the_administrators_modules_are_the_pipelines() -> None:
    """The guard names modules the pipeline really has (a rename would silence it)."""
    pipeline = (REPO_ROOT / "terraform" / "pipeline" / "main.tf").read_text()
    for prefix in stack.ADMINISTRATOR_OWNED:
        assert f'module "{prefix.split(".")[1]}" {{' in pipeline
