"""What each root is planned with: a release record's pointers for a deploy or a rollback,
the deployed ones from the state's outputs for a pull request, and placeholders only where
nothing was deployed, never a half-read state."""

from __future__ import annotations

import json

import pytest

from churn.ops import pointers, releases

API, UI, TRAINING = ("sha256:" + c * 64 for c in "abc")
RELEASE = releases.Release(
    id="20261206T180000Z-0123456",
    git_sha="0123456789abcdef0123456789abcdef01234567",
    created_at="2026-12-06T18:00:00.000000+0000",
    images={
        "training": releases.Image("r/training", TRAINING),
        "api": releases.Image("r/api", API),
        "ui": releases.Image("r/ui", UI),
    },
    bundle=releases.Bundle(
        "s3://b/models/20261124T001109Z-b4f6bc/", "20261124T001109Z-b4f6bc", "0" * 64
    ),
)


def test_a_record_gives_each_root_its_pointers_and_the_platform_its_model() -> None:
    assert pointers.from_release("pipeline", RELEASE) == {"training_image_digest": TRAINING}
    platform = pointers.from_release("platform", RELEASE)
    assert platform["release_id"] == RELEASE.id
    assert platform["model_version"] == "20261124T001109Z-b4f6bc"
    assert json.loads(platform["image_digests"]) == {"api": API, "ui": UI}
    assert pointers.as_variables({"release_id": RELEASE.id}) == ["-var", f"release_id={RELEASE.id}"]


def test_what_is_deployed_is_kept_and_the_model_is_left_to_the_checkout() -> None:
    outputs = {"release_id": RELEASE.id, "image_digests": {"api": API, "ui": UI}, "x": 1}
    kept = pointers.deployed("platform", outputs)
    assert kept is not None and "model_version" not in kept  # a pull request proposes its own
    assert kept == {
        "release_id": RELEASE.id,
        "image_digests": json.dumps({"api": API, "ui": UI}, separators=(",", ":")),
    }
    assert pointers.deployed("pipeline", {"training_image_digest": TRAINING}) == {
        "training_image_digest": TRAINING
    }


@pytest.mark.parametrize(
    ("root", "outputs"),
    [
        ("pipeline", {}),
        ("pipeline", {"image_tag": "0123abc"}),  # a state from before releases
        ("pipeline", {"training_image_digest": "latest"}),
        ("platform", {}),
        ("platform", {"release_id": RELEASE.id}),
        ("platform", {"release_id": "unreleased", "image_digests": {"api": API, "ui": UI}}),
        ("platform", {"release_id": RELEASE.id, "image_digests": {"api": API}}),
        ("platform", {"release_id": RELEASE.id, "image_digests": {"api": API, "ui": "v1"}}),
    ],
)
def test_anything_short_of_a_deployed_release_counts_as_nothing_deployed(
    root: str, outputs: dict[str, object]
) -> None:
    assert pointers.deployed(root, outputs) is None


def test_placeholders_name_no_image_and_no_release() -> None:
    assert pointers.placeholders("pipeline") == {"training_image_digest": pointers.NO_IMAGE}
    platform = pointers.placeholders("platform")
    assert platform["release_id"] == "unreleased"
    assert json.loads(platform["image_digests"]) == {
        "api": pointers.NO_IMAGE,
        "ui": pointers.NO_IMAGE,
    }
    assert releases.DIGEST_PATTERN.match(pointers.NO_IMAGE)  # Terraform's validation takes it


def test_a_rollback_plans_only_what_the_pointers_reach() -> None:
    assert pointers.targets("pipeline") == [
        "-target=terraform_data.release",
        "-target=module.training_task.aws_ecs_task_definition.this",
    ]
    assert "-target=module.sagemaker_endpoint" in pointers.targets("platform")
    assert pointers.targets("bootstrap") == []
    changed = [
        "module.sagemaker_endpoint.aws_sagemaker_model.this",
        "module.lambda.aws_lambda_function.this",
        "module.iam.aws_iam_role_policy.lambda_execution",
        "module.lambda.aws_cloudwatch_log_group.this",  # not a pointer: main's code moved
        "module.lambda_extra.aws_lambda_function.this",  # a name that only starts alike
    ]
    assert pointers.beyond_pointers("platform", changed) == changed[3:]
    assert pointers.beyond_pointers("pipeline", ["module.ecr.aws_ecr_repository.this"]) == [
        "module.ecr.aws_ecr_repository.this"
    ]
