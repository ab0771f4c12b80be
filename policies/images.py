"""CKV_CHURN_15: a Lambda function's image and every container of an ECS task definition
are referenced by digest (``<repository>@sha256:<64 hex>``), never by tag: a release record
names its images by digest, and a tag, even an immutable one, is looked up when the
service pulls, which is "re-resolving" what was verified (terraform/modules/lambda and
ecs-task-definition refuse a tag in their variables too; this check holds any other
resource to the same rule)."""

from __future__ import annotations

import json
import re
from typing import Any, Final

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

BY_DIGEST: Final = re.compile(r"^[^@\s]+@sha256:[0-9a-f]{64}$")
# What checkov leaves of an expression it could not resolve.
UNRESOLVED: Final = re.compile(r"\$\{|\bvar\.|\bmodule\.|\blocal\.|\bdata\.")


def first(conf: dict[str, Any], key: str) -> Any:
    value = conf.get(key, [None])
    return value[0] if isinstance(value, list) and value else value


def images_of(resource: str, conf: dict[str, Any]) -> list[Any] | None:
    """The image references a resource holds; None when they cannot be read."""
    if resource == "aws_lambda_function":
        if first(conf, "package_type") != "Image":
            return []
        return [first(conf, "image_uri")]
    definitions = first(conf, "container_definitions")
    if isinstance(definitions, str):
        try:
            definitions = json.loads(definitions)
        except ValueError:
            return None  # an expression checkov could not resolve
    if not isinstance(definitions, list):
        return None
    return [d.get("image") if isinstance(d, dict) else None for d in definitions]


def verdict(image: Any) -> CheckResult:
    if not isinstance(image, str):
        return CheckResult.FAILED
    if UNRESOLVED.search(image):
        return CheckResult.UNKNOWN
    return CheckResult.PASSED if BY_DIGEST.match(image) else CheckResult.FAILED


class ImagesByDigest(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure Lambda and ECS images are referenced by digest, never by tag",
            id="CKV_CHURN_15",
            categories=[CheckCategories.SUPPLY_CHAIN],
            supported_resources=["aws_lambda_function", "aws_ecs_task_definition"],
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        images = images_of(self.entity_type, conf)
        if images is None:
            return CheckResult.UNKNOWN
        verdicts = {verdict(image) for image in images}
        if CheckResult.FAILED in verdicts:
            return CheckResult.FAILED
        return CheckResult.UNKNOWN if CheckResult.UNKNOWN in verdicts else CheckResult.PASSED


check = ImagesByDigest()
