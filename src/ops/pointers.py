"""What a Terraform root is planned with: the pointers a release moves (the images by
digest, the release id, the model version), taken from a release record for a deploy or a
rollback, or from what the root's state says is deployed for a pull request's plan.

- pipeline: ``training_image_digest``
- platform: ``release_id``, ``image_digests`` (api, ui) and, from a record only,
  ``model_version`` (a pull request plans the version its own ``model.auto.tfvars`` names,
  which is what it proposes)

Nothing deployed yet (a fork's first plans, the administrator's first pipeline apply): the
placeholders below, which name no image; the first release replaces them.

A rollback plans only what the pointers reach (``-target``), and is refused when that plan
would change anything else: main's code may have moved since the release it goes back to,
and a rollback must not deploy that code unreviewed.
"""

from __future__ import annotations

import json
from typing import Final

import boto3

from churn.ops.releases import DIGEST_PATTERN, ID_PATTERN, Release

# The digest of no image (64 zeros) and the release id of nothing released.
NO_IMAGE: Final = "sha256:" + "0" * 64
UNRELEASED: Final = "unreleased"
ROOTS_WITH_POINTERS: Final = ("pipeline", "platform")

Pointers = dict[str, str]

# The resources the pointers reach: the images, the model (its endpoint, and the S3 scope
# of the two roles that read its bundle), and the release itself (terraform_data.release,
# which the outputs read).
POINTER_RESOURCES: Final = {
    "pipeline": ("terraform_data.release", "module.training_task.aws_ecs_task_definition.this"),
    "platform": (
        "terraform_data.release",
        "module.sagemaker_endpoint",
        "module.lambda.aws_lambda_function.this",
        "module.ui_task.aws_ecs_task_definition.this",
        "module.ui_service.aws_ecs_service.this",
        "module.iam.aws_iam_role_policy.lambda_execution",
        "module.iam.aws_iam_role_policy.sagemaker_execution",
    ),
}


def targets(root: str) -> list[str]:
    return [f"-target={address}" for address in POINTER_RESOURCES.get(root, ())]


def beyond_pointers(root: str, addresses: list[str]) -> list[str]:
    """The changed addresses a pointer move does not explain."""
    reached = POINTER_RESOURCES.get(root, ())
    return [a for a in addresses if not any(a == r or a.startswith(f"{r}.") for r in reached)]


def from_release(root: str, release: Release) -> Pointers:
    if root == "pipeline":
        return {"training_image_digest": release.images["training"].digest}
    return {
        "release_id": release.id,
        "image_digests": _digests(release.images["api"].digest, release.images["ui"].digest),
        "model_version": release.bundle.version,
    }


def deployed(root: str, outputs: dict[str, object]) -> Pointers | None:
    """The pointers the state's outputs record; None when nothing was deployed."""
    if root == "pipeline":
        digest = outputs.get("training_image_digest")
        if isinstance(digest, str) and DIGEST_PATTERN.match(digest):
            return {"training_image_digest": digest}
        return None
    release, digests = outputs.get("release_id"), outputs.get("image_digests")
    if not (isinstance(release, str) and ID_PATTERN.match(release) and isinstance(digests, dict)):
        return None
    api, ui = digests.get("api"), digests.get("ui")
    if not all(isinstance(d, str) and DIGEST_PATTERN.match(d) for d in (api, ui)):
        return None
    return {"release_id": release, "image_digests": _digests(str(api), str(ui))}


def placeholders(root: str) -> Pointers:
    if root == "pipeline":
        return {"training_image_digest": NO_IMAGE}
    return {"release_id": UNRELEASED, "image_digests": _digests(NO_IMAGE, NO_IMAGE)}


def model_bucket(prefix: str) -> str:
    """The pipeline's model bucket, named as Terraform names it: <prefix>models-<account>."""
    account = boto3.client("sts").get_caller_identity()["Account"]
    return f"{prefix}models-{account}"


def as_variables(pointers: Pointers) -> list[str]:
    """``-var`` arguments (values are HCL: a string, or an object in JSON syntax)."""
    return [item for name, value in pointers.items() for item in ("-var", f"{name}={value}")]


def _digests(api: str, ui: str) -> str:
    return json.dumps({"api": api, "ui": ui}, separators=(",", ":"))
