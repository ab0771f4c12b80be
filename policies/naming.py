"""CKV_CHURN_1: every named resource carries the project's prefix, so a second
environment (another prefix) never collides with the first and every resource is
traceable to the project by name alone."""

from __future__ import annotations

from typing import Any, Final

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

PREFIX: Final = "teleco-customer-churn-"
# The design fixes the state bucket's name once for every environment of the account.
FIXED_NAMES: Final = frozenset({"teleco-churn-terraform-state"})
# Prefixes AWS requires before any name of ours (WAF logs only to aws-waf-logs-* groups).
MANDATED_PREFIXES: Final = ("aws-waf-logs-",)
# Where each resource type keeps its name (the first attribute present counts).
NAME_ATTRIBUTES: Final = {
    "aws_s3_bucket": ("bucket", "bucket_prefix"),
    "aws_lambda_function": ("function_name",),
    "aws_ecs_task_definition": ("family",),
    "aws_kms_alias": ("name", "name_prefix"),
    "aws_cloudwatch_log_group": ("name", "name_prefix"),
    "aws_ecr_repository": ("name",),
    "aws_ecs_cluster": ("name",),
    "aws_ecs_service": ("name",),
    "aws_iam_role": ("name", "name_prefix"),
    "aws_iam_policy": ("name", "name_prefix"),
    "aws_iam_user": ("name",),
    "aws_lb": ("name", "name_prefix"),
    "aws_lb_target_group": ("name", "name_prefix"),
    "aws_security_group": ("name", "name_prefix"),
    "aws_sagemaker_model": ("name",),
    "aws_sagemaker_endpoint": ("name",),
    "aws_sagemaker_endpoint_configuration": ("name", "name_prefix"),
    "aws_apigatewayv2_api": ("name",),
    "aws_ssm_parameter": ("name",),
    "aws_wafv2_web_acl": ("name",),
}


def complies(name: str) -> bool:
    """The prefix starts the name, or one of its path segments (log groups, KMS aliases),
    after any prefix AWS mandates."""
    for mandated in MANDATED_PREFIXES:
        name = name.removeprefix(mandated)
    return any(part.startswith(PREFIX) or part in FIXED_NAMES for part in name.split("/"))


def unresolved(name: str) -> bool:
    """Whether checkov left a reference in place of the value (it cannot follow every
    module input)."""
    return name.startswith(("var.", "local.", "${")) or "${var." in name or "${each." in name


class NamePrefix(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name=f"Ensure every resource name starts with the project prefix {PREFIX}",
            id="CKV_CHURN_1",
            categories=[CheckCategories.CONVENTION],
            supported_resources=list(NAME_ATTRIBUTES),
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        present = [a for a in NAME_ATTRIBUTES[self.entity_type] if a in conf]
        value = conf[present[0]][0] if present else None
        if not isinstance(value, str):
            return CheckResult.FAILED  # an unnamed resource gets a random, untraceable name
        if complies(value):
            return CheckResult.PASSED
        return CheckResult.UNKNOWN if unresolved(value) else CheckResult.FAILED


check = NamePrefix()
