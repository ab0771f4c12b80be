"""The plan comment, rendered from real plans: terraform with the mirrored provider,
planning a small configuration against the moto server (create-all, no-op, replacement,
and a plan too big for one comment)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from churn.ops import plan_comment
from churn.ops.terraform import Terraform, as_flags, terraform_env
from tests.rehearsal.moto_terraform import provider_override
from tests.support.environments import REPO_ROOT
from tests.support.servers import MotoServer

FIXTURE = Path(__file__).parent / "plan_fixture"
ARTIFACT = "https://github.com/o/r/actions/runs/1#artifacts"


@pytest.fixture
def fixture_root(moto_server: MotoServer, tmp_path: Path) -> Terraform:
    directory = tmp_path / "plan_fixture"
    shutil.copytree(FIXTURE, directory)
    (directory / "moto_override.tf").write_text(provider_override(moto_server.endpoint))
    terraform = Terraform(directory, terraform_env(REPO_ROOT))
    terraform.init()
    return terraform


def plan(terraform: Terraform, **variables: str) -> plan_comment.StackPlan:
    terraform.run("plan", "-input=false", "-out=plan.tfplan", *as_flags(variables))
    document = json.loads(terraform.run("show", "-json", "plan.tfplan").stdout)
    return plan_comment.read_plan("platform", document)


@pytest.mark.slow
def test_create_no_op_and_replacement_plans(fixture_root: Terraform) -> None:
    created = plan(fixture_root)
    assert (created.adds, created.count("update"), created.destroys) == (3, 0, 0)
    comment = plan_comment.render([created, plan_comment.StackPlan("pipeline")], ARTIFACT)
    assert comment.startswith(plan_comment.MARKER)
    assert "| platform | 3 | 0 | 0 | 0 |" in comment
    assert "| pipeline | 0 | 0 | 0 | 0 |" in comment
    assert "<details><summary>platform: 3 to add, 0 to change, 0 to destroy</summary>" in comment
    assert "+ aws_iam_role.this" in comment
    assert "Replaced" not in comment

    fixture_root.run("apply", "-input=false", "-auto-approve")
    unchanged = plan(fixture_root)
    assert unchanged.changes == []
    quiet = plan_comment.render([unchanged], ARTIFACT)
    assert "No changes" in quiet and "<details>" not in quiet

    replaced = plan(fixture_root, role_suffix="b")
    assert [c.action for c in replaced.changes] == ["replace"]
    comment = plan_comment.render([replaced], ARTIFACT)
    assert "| platform | 1 | 0 | 1 | 1 |" in comment
    assert "- platform: `aws_iam_role.this` because of name" in comment
    assert "-/+ aws_iam_role.this (name)" in comment

    # What a pull request keeps of the plan renders the same comment and holds no values.
    digest = json.dumps(plan_comment.to_digest(replaced))
    assert "teleco-customer-churn-fixture-b" not in digest and "sts:AssumeRole" not in digest
    again = plan_comment.from_digest("platform", json.loads(digest))
    assert plan_comment.render([again], ARTIFACT) == comment


@pytest.mark.slow
def test_a_plan_too_big_for_one_comment_is_cut_with_a_pointer(fixture_root: Terraform) -> None:
    huge = plan(fixture_root, policies="3000")
    assert huge.adds == 3001
    comment = plan_comment.render([huge], ARTIFACT)
    assert len(comment) <= plan_comment.GITHUB_LIMIT
    assert "| platform | 3001 | 0 | 0 | 0 |" in comment  # the summary is always whole
    assert f"full plans are in the plan jobs' logs: {ARTIFACT}" in comment
    kept = comment.count("\n+ ")
    assert 100 < kept < 3001
    assert f"**Cut:** {3001 - kept} changes" in comment


def test_the_cli_refuses_a_file_that_is_not_a_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    not_a_plan = tmp_path / "plan.json"
    not_a_plan.write_text(json.dumps({"hello": "world"}))
    output = tmp_path / "comment.md"
    code = plan_comment.main(
        [f"platform={not_a_plan}", "--artifact-url", ARTIFACT, "--output", str(output)]
    )
    assert code == 2
    assert capsys.readouterr().err.strip() == (
        "churn-plan-comment: platform: not the JSON of `terraform show -json <planfile>`"
    )
    assert not output.exists()


def synthetic(stack: str, count: int) -> plan_comment.StackPlan:
    changes = [
        plan_comment.Change(f"module.{stack}.aws_iam_policy.generated[{i}]", "create")
        for i in range(count)
    ]
    return plan_comment.StackPlan(stack, changes)


def test_two_big_stacks_share_one_comment_under_githubs_limit() -> None:
    """Each stack's details are charged to one budget: two plans of 3,001 changes together
    still fit in one comment, the first stack's details ahead of the second's."""
    plans = [synthetic("pipeline", 3001), synthetic("platform", 3001)]
    comment = plan_comment.render(plans, ARTIFACT)
    assert len(comment) <= plan_comment.GITHUB_LIMIT
    kept = comment.count("\n+ ")
    assert f"**Cut:** {6002 - kept} changes" in comment
    assert "| pipeline | 3001 | 0 | 0 | 0 |" in comment
    assert "| platform | 3001 | 0 | 0 | 0 |" in comment


@pytest.mark.parametrize("count", range(1_500, 4_001, 41))
def test_the_cut_notice_always_fits_with_room_to_spare(count: int) -> None:
    """Whatever size a plan is cut from, the comment with its notice stays under the limit
    with room for GitHub's own accounting (a kilobyte, less the notice itself)."""
    comment = plan_comment.render([synthetic("platform", count)], ARTIFACT)
    assert "**Cut:**" in comment
    notice = comment[comment.index("**Cut:**") :]
    assert len(comment) <= plan_comment.GITHUB_LIMIT - 1_024 + len(notice) + 1
