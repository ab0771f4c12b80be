"""The plan comment, rendered from real plans: terraform with the mirrored provider,
planning a small configuration against the moto server (create-all, no-op, replacement,
and a plan too big for one comment)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from churn.errors import ExitCode
from churn.ops import plan_comment
from churn.ops.terraform import Terraform, as_flags
from tests.rehearsal.moto_terraform import provider_override
from tests.support.cli import help_text
from tests.support.servers import MotoServer

FIXTURE = Path(__file__).parent / "plan_fixture"
ARTIFACT = "https://github.com/o/r/actions/runs/1#artifacts"


@pytest.fixture
def fixture_root(moto_server: MotoServer, tmp_path: Path, terraform: dict[str, str]) -> Terraform:
    directory = tmp_path / "plan_fixture"
    shutil.copytree(FIXTURE, directory)
    (directory / "moto_override.tf").write_text(provider_override(moto_server.endpoint))
    root = Terraform(directory, terraform)
    root.init()
    return root


def plan(terraform: Terraform, **variables: str) -> plan_comment.StackPlan:
    terraform.run("plan", "-input=false", "-out=plan.tfplan", *as_flags(variables))
    document = json.loads(terraform.run("show", "-json", "plan.tfplan").stdout)
    return plan_comment.read_plan("platform", document)


def test_no_op_create_and_replacement_plans(fixture_root: Terraform) -> None:
    fixture_root.run("apply", "-input=false", "-auto-approve")  # a role and two policies
    unchanged = plan(fixture_root)
    assert unchanged.changes == []
    quiet = plan_comment.render([unchanged], ARTIFACT)
    assert "No changes" in quiet and "<details>" not in quiet

    # A renamed role is replaced, and a third policy created.
    changed = plan(fixture_root, role_suffix="b", policies="3")
    assert [c.action for c in changed.changes].count("replace") == 1
    assert (changed.adds, changed.count("update"), changed.destroys) == (2, 0, 1)
    comment = plan_comment.render([changed, plan_comment.StackPlan("pipeline")], ARTIFACT)
    assert comment.startswith(plan_comment.MARKER)
    assert "| platform | 2 | 0 | 1 | 1 |" in comment
    assert "| pipeline | 0 | 0 | 0 | 0 |" in comment
    assert "<details><summary>platform: 2 to add, 0 to change, 1 to destroy</summary>" in comment
    assert "+ aws_iam_policy.many[2]" in comment
    assert "- platform: `aws_iam_role.this` because of name" in comment
    assert "-/+ aws_iam_role.this (name)" in comment

    # What a pull request keeps of the plan renders the same comment and holds no values.
    digest = json.dumps(plan_comment.to_digest(changed))
    assert "teleco-customer-churn-fixture-b" not in digest and "sts:AssumeRole" not in digest
    again = plan_comment.from_digest("platform", json.loads(digest))
    assert plan_comment.render([again, plan_comment.StackPlan("pipeline")], ARTIFACT) == comment


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
    assert code == ExitCode.REFUSED
    assert capsys.readouterr().err.strip() == (
        "churn-plan-comment: error: platform: not the JSON of `terraform show -json <planfile>`"
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


# ---- the parts, one at a time, on hand-written plan documents ----


@pytest.mark.parametrize(
    ("actions", "expected"),
    [
        (["create"], "create"),
        (["update"], "update"),
        (["delete"], "delete"),
        (["delete", "create"], "replace"),
        (["create", "delete"], "replace"),
        (["no-op"], None),
        (["read"], None),
        (["create", "create"], None),
        ([], None),
    ],
)
def test_action_of_names_each_terraform_action_list(
    actions: list[str], expected: str | None
) -> None:
    assert plan_comment.action_of(actions) == expected


def test_changed_attributes_are_the_names_whose_values_differ_or_become_unknown() -> None:
    change = {
        "before": {"name": "a", "tags": {"x": "1"}, "arn": "arn:1", "same": 5, "gone": 1},
        "after": {"name": "b", "tags": {"x": "1"}, "same": 5, "added": True},
        # Known only after apply: counts when the attribute existed before, not when new.
        "after_unknown": {"arn": True, "fresh": True, "same": False},
    }
    assert plan_comment.changed_attributes(change) == ("added", "arn", "gone", "name")


def test_an_attribute_that_was_null_and_becomes_unknown_is_a_change() -> None:
    """Terraform leaves an unknown value out of "after": only after_unknown tells that an
    attribute null before (here "version") is about to change."""
    change = {
        "before": {"version": None, "name": "a"},
        "after": {"name": "a"},
        "after_unknown": {"version": True},
    }
    assert plan_comment.changed_attributes(change) == ("version",)


@pytest.mark.parametrize("empty", [None, {}])
def test_changed_attributes_of_a_change_without_before_or_after(
    empty: dict[str, object] | None,
) -> None:
    assert plan_comment.changed_attributes({"before": empty, "after": {"a": 1}}) == ("a",)
    assert plan_comment.changed_attributes({"before": {"a": 1}, "after": empty}) == ("a",)
    assert plan_comment.changed_attributes({"after_unknown": empty}) == ()


def resource(address: str, actions: list[str], **change: object) -> dict[str, object]:
    return {"address": address, "change": {"actions": actions, **change}}


def test_read_plan_keeps_actions_and_their_reasons_and_skips_no_ops() -> None:
    document = {
        "format_version": "1.2",
        "planned_values": {},
        "resource_changes": [
            resource("aws_s3_bucket.a", ["no-op"]),
            resource("aws_s3_bucket.b", ["create"], before=None, after={"x": 1}),
            resource("aws_s3_bucket.c", ["update"], before={"x": 1}, after={"x": 2}),
            resource(
                "aws_s3_bucket.d", ["delete", "create"], replace_paths=[["name"], ["tags", 0]]
            ),
            resource("aws_s3_bucket.e", ["delete"]),
            resource("aws_s3_bucket.f", ["create", "delete"]),
        ],
    }
    plan = plan_comment.read_plan("pipeline", document)
    assert plan.stack == "pipeline"
    assert plan.changes == [
        plan_comment.Change("aws_s3_bucket.b", "create"),
        plan_comment.Change("aws_s3_bucket.c", "update", ("x",)),
        plan_comment.Change("aws_s3_bucket.d", "replace", ("name", "tags.0")),
        plan_comment.Change("aws_s3_bucket.e", "delete"),
        plan_comment.Change("aws_s3_bucket.f", "replace"),
    ]
    assert (plan.adds, plan.count("update"), plan.destroys, plan.count("replace")) == (3, 1, 3, 2)
    assert plan.headline() == "3 to add, 1 to change, 3 to destroy"
    assert [c.line() for c in plan.changes] == [
        "+ aws_s3_bucket.b",
        "~ aws_s3_bucket.c (x)",
        "-/+ aws_s3_bucket.d (name, tags.0)",
        "- aws_s3_bucket.e",
        "-/+ aws_s3_bucket.f",
    ]


def test_a_plan_without_resource_changes_is_an_empty_plan() -> None:
    plan = plan_comment.read_plan("platform", {"format_version": "1.2", "planned_values": {}})
    assert plan.changes == [] and plan.headline() == "no changes"


@pytest.mark.parametrize("document", [{"planned_values": {}}, {"format_version": "1.2"}])
def test_read_plan_refuses_what_terraform_show_does_not_write(document: dict[str, object]) -> None:
    with pytest.raises(plan_comment.PlanError, match=r"^platform: not the JSON of `terraform"):
        plan_comment.read_plan("platform", document)


def test_a_digest_round_trips_and_keeps_no_values() -> None:
    plan = plan_comment.StackPlan(
        "platform",
        [
            plan_comment.Change("aws_iam_role.this", "replace", ("name",)),
            plan_comment.Change("aws_s3_bucket.this", "create"),
        ],
    )
    digest = plan_comment.to_digest(plan)
    assert digest == {
        "digest_version": 1,
        "stack": "platform",
        "changes": [
            {"address": "aws_iam_role.this", "action": "replace", "attributes": ["name"]},
            {"address": "aws_s3_bucket.this", "action": "create", "attributes": []},
        ],
    }
    assert plan_comment.from_digest("platform", digest) == plan


def test_from_digest_keeps_only_changes_it_can_show() -> None:
    digest = {
        "digest_version": 1,
        "changes": [
            {"address": "a", "action": "update"},
            {"address": "b", "action": "no-op"},
            "not a change",
            {"address": 7, "action": "read", "attributes": [1, "x"]},
        ],
    }
    plan = plan_comment.from_digest("pipeline", digest)
    assert plan == plan_comment.StackPlan(
        "pipeline",
        [plan_comment.Change("a", "update"), plan_comment.Change("7", "read", ("1", "x"))],
    )


@pytest.mark.parametrize(
    "document",
    [{"digest_version": 2, "changes": []}, {"changes": []}, {"digest_version": 1, "changes": {}}],
)
def test_from_digest_refuses_other_versions_and_shapes(document: dict[str, object]) -> None:
    with pytest.raises(plan_comment.PlanError) as refused:
        plan_comment.from_digest("platform", document)
    assert str(refused.value) == "platform: not a plan digest of version 1"


def test_a_small_comment_in_full() -> None:
    """Every line of a comment of two stacks, one with a replacement, one unchanged."""
    plans = [
        plan_comment.StackPlan(
            "pipeline",
            [
                plan_comment.Change("aws_ecr_repository.api", "create"),
                plan_comment.Change("aws_iam_role.ci", "replace", ("name", "path")),
                plan_comment.Change("aws_s3_bucket.models", "update", ("tags",)),
            ],
        ),
        plan_comment.StackPlan("platform"),
    ]
    assert plan_comment.render(plans, ARTIFACT) == "\n".join(
        [
            plan_comment.MARKER,
            "## Terraform plan",
            "",
            "| stack | add | change | destroy | replace |",
            "|---|---:|---:|---:|---:|",
            "| pipeline | 2 | 1 | 1 | 1 |",
            "| platform | 0 | 0 | 0 | 0 |",
            "",
            "**Replaced** (destroyed and created again):",
            "",
            "- pipeline: `aws_iam_role.ci` because of name, path",
            "",
            "<details><summary>pipeline: 2 to add, 1 to change, 1 to destroy</summary>",
            "",
            "```diff",
            "+ aws_ecr_repository.api",
            "-/+ aws_iam_role.ci (name, path)",
            "~ aws_s3_bucket.models (tags)",
            "```",
            "</details>",
            "",
        ]
    )


def test_a_replacement_without_known_reasons_says_none() -> None:
    plan = plan_comment.StackPlan("platform", [plan_comment.Change("aws_lb.this", "replace")])
    assert "- platform: `aws_lb.this`\n" in plan_comment.render([plan], ARTIFACT)


def test_no_changes_anywhere_says_so_once() -> None:
    comment = plan_comment.render([plan_comment.StackPlan("a"), plan_comment.StackPlan("b")], "")
    assert comment.endswith(
        "| b | 0 | 0 | 0 | 0 |\n\nNo changes: the infrastructure matches this branch.\n"
    )


def lines_kept(comment: str) -> int:
    return comment.count("\n+ ")


@pytest.mark.parametrize("count", [1, 9, 10, 11, 25])
def test_a_cut_drops_a_tenth_at_a_time_and_counts_what_it_left_out(count: int) -> None:
    """A budget just short of the whole block: the cut keeps all it can in steps of a tenth
    (at least one change), and the notice counts exactly the changes not shown."""
    plan = synthetic("platform", count)
    whole = plan_comment.render([plan], ARTIFACT)
    limit = len(whole) + plan_comment.SAFETY_MARGIN - 2
    comment = plan_comment.render([plan], ARTIFACT, limit=limit)
    kept = lines_kept(comment)
    assert kept == count - max(1, count // 10)
    assert f"**Cut:** {count - kept} changes did not fit in a comment" in comment


def test_a_plan_that_fits_exactly_is_not_cut() -> None:
    plan = synthetic("platform", 20)
    whole = plan_comment.render([plan], ARTIFACT)
    assert (
        plan_comment.render([plan], ARTIFACT, limit=len(whole) + plan_comment.SAFETY_MARGIN - 1)
        == whole
    )


def test_a_stack_with_no_room_left_is_left_out_whole() -> None:
    """The summary always shows; a stack whose details cannot fit at all is not shown as an
    empty block, and all its changes are counted as left out."""
    plans = [synthetic("pipeline", 3), synthetic("platform", 4)]
    head = "\n".join(plan_comment.summary(plans))
    first = "\n".join(plan_comment.details(plans[0], plans[0].changes))
    limit = plan_comment.SAFETY_MARGIN + len(head) + len(first) + 1 + 40
    comment = plan_comment.render(plans, ARTIFACT, limit=limit)
    assert "<details><summary>pipeline" in comment
    assert "<details><summary>platform" not in comment
    assert "**Cut:** 4 changes did not fit" in comment


def test_the_help_names_every_argument(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert help_text(plan_comment.main, capsys, monkeypatch) == (
        "usage: churn-plan-comment [-h] --artifact-url ARTIFACT_URL --output OUTPUT "
        "STACK=PLAN.json [STACK=PLAN.json ...] Render the Terraform plans of the stacks "
        "as one pull-request comment. positional arguments: STACK=PLAN.json a stack name "
        "and its plan digest (churn-stack plan) or `terraform show -json` options: -h, "
        "--help show this help message and exit --artifact-url ARTIFACT_URL where the "
        "full plans are (logs) --output OUTPUT the Markdown file to write"
    )


def test_the_cli_needs_the_artifact_url_and_the_output(capsys: pytest.CaptureFixture[str]) -> None:
    for missing in (["--output", "x.md"], ["--artifact-url", ARTIFACT]):
        with pytest.raises(SystemExit) as exit_:
            plan_comment.main(["platform=plan.json", *missing])
        assert exit_.value.code == 2
        assert "the following arguments are required" in capsys.readouterr().err


def write_json(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document))
    return path


def test_the_cli_splits_at_the_first_equals_sign_and_points_a_cut_at_the_artifact(
    tmp_path: Path,
) -> None:
    """A plan's path may hold "=" (the stack name cannot), and a comment too big for GitHub
    points at the plans the run kept."""
    folder = tmp_path / "run=7"
    folder.mkdir()
    digest = write_json(
        folder / "plan.json",
        plan_comment.to_digest(synthetic("platform", 3001)),
    )
    output = tmp_path / "comment.md"
    code = plan_comment.main(
        [f"platform={digest}", "--artifact-url", ARTIFACT, "--output", str(output)]
    )
    assert code == 0
    comment = output.read_text()
    assert "| platform | 3001 | 0 | 0 | 0 |" in comment
    assert comment.rstrip().endswith(f"the full plans are in the plan jobs' logs: {ARTIFACT}")


def test_the_cli_writes_the_comment_of_a_digest_and_a_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    digest = write_json(
        tmp_path / "pipeline.json",
        {"digest_version": 1, "changes": [{"address": "aws_s3_bucket.m", "action": "create"}]},
    )
    show = write_json(
        tmp_path / "platform.json",
        {"format_version": "1.2", "planned_values": {}, "resource_changes": []},
    )
    output = tmp_path / "comment.md"
    code = plan_comment.main(
        [
            f"pipeline={digest}",
            f"platform={show}",
            "--artifact-url",
            ARTIFACT,
            "--output",
            str(output),
        ]
    )
    assert code == 0
    comment = output.read_text()
    assert "| pipeline | 1 | 0 | 0 | 0 |\n| platform | 0 | 0 | 0 | 0 |" in comment
    assert capsys.readouterr().err == (
        f"churn-plan-comment: {len(comment)} characters written to {output}\n"
    )


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("platform", "platform: expected STACK=PLAN.json"),
        ("=plan.json", "=plan.json: expected STACK=PLAN.json"),
        (
            "platform={missing}",
            "{missing}: cannot read the plan ([Errno 2] No such file or directory: '{missing}')",
        ),
        (
            "platform={broken}",
            "{broken}: cannot read the plan (Expecting value: line 1 column 1 (char 0))",
        ),
        ("platform={a_list}", "platform: not the JSON of `terraform show -json <planfile>`"),
    ],
)
def test_the_cli_names_what_it_cannot_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argument: str, message: str
) -> None:
    files = {
        "missing": str(tmp_path / "missing.json"),
        "broken": str(tmp_path / "broken.json"),
        "a_list": str(write_json(tmp_path / "list.json", [1, 2])),
    }
    (tmp_path / "broken.json").write_text("not json")
    output = tmp_path / "comment.md"
    code = plan_comment.main(
        [argument.format(**files), "--artifact-url", ARTIFACT, "--output", str(output)]
    )
    assert code == ExitCode.REFUSED
    assert capsys.readouterr().err == f"churn-plan-comment: error: {message.format(**files)}\n"
    assert not output.exists()


def test_two_plans_that_fit_exactly_are_not_cut_and_one_character_less_cuts() -> None:
    """The budget is charged exactly for each block and the newline that joins it: the
    second stack's details fit at the exact limit and not one character under it."""
    plans = [synthetic("pipeline", 5), synthetic("platform", 6)]
    whole = plan_comment.render(plans, ARTIFACT)
    exact = len(whole) + plan_comment.SAFETY_MARGIN - 1
    assert plan_comment.render(plans, ARTIFACT, limit=exact) == whole
    short = plan_comment.render(plans, ARTIFACT, limit=exact - 1)
    assert "**Cut:** 1 changes did not fit" in short
    assert lines_kept(short) == 10


def test_a_stack_without_changes_does_not_end_the_details() -> None:
    plans = [plan_comment.StackPlan("bootstrap"), synthetic("platform", 2)]
    comment = plan_comment.render(plans, ARTIFACT)
    assert "<details><summary>platform" in comment and lines_kept(comment) == 2


def test_a_stack_left_out_whole_does_not_end_the_details() -> None:
    """A first stack too big to show even one change is left out; a smaller one after it,
    whose block fits the same budget, is still shown."""
    big = plan_comment.StackPlan(
        "pipeline",
        [plan_comment.Change("module.pipeline.aws_iam_policy." + "x" * 300, "create")],
    )
    small = synthetic("platform", 1)
    head = "\n".join(plan_comment.summary([big, small]))
    block = "\n".join(plan_comment.details(small, small.changes))
    limit = plan_comment.SAFETY_MARGIN + len(head) + len(block) + 1
    comment = plan_comment.render([big, small], ARTIFACT, limit=limit)
    assert "<details><summary>pipeline" not in comment
    assert "<details><summary>platform" in comment
    assert "**Cut:** 1 changes did not fit" in comment


def test_a_big_plan_is_cut_by_tenths_of_what_is_left() -> None:
    """3,001 changes under GitHub's limit: what is kept is a step of the sequence that drops
    a tenth of what is left each time (3001, 2701, 2431, ...), and a comment of the next
    larger step would not have fitted."""
    steps = [3001]
    while steps[-1]:
        steps.append(steps[-1] - max(1, steps[-1] // 10))
    comment = plan_comment.render([synthetic("platform", 3001)], ARTIFACT)
    kept = lines_kept(comment)
    assert kept in steps[1:]
    larger = steps[steps.index(kept) - 1]
    assert len(plan_comment.render([synthetic("platform", larger)], ARTIFACT, limit=10**9)) > (
        plan_comment.GITHUB_LIMIT - plan_comment.SAFETY_MARGIN
    )
    assert f"**Cut:** {3001 - kept} changes" in comment


def test_the_cli_says_in_one_line_when_it_cannot_write_the_comment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    show = write_json(
        tmp_path / "platform.json",
        {"format_version": "1.2", "planned_values": {}, "resource_changes": []},
    )
    output = tmp_path / "no-such-folder" / "comment.md"
    code = plan_comment.main(
        [f"platform={show}", "--artifact-url", ARTIFACT, "--output", str(output)]
    )
    assert code == ExitCode.DEPENDENCY
    assert capsys.readouterr().err == (
        f"churn-plan-comment: error: {output}: cannot write (No such file or directory)\n"
    )
