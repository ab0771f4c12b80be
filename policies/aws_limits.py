"""AWS's documented limits and exclusions that moto does not enforce: a configuration that
breaks one applies cleanly in every rehearsal and fails on its first real deploy.

CKV_CHURN_8: a serverless SageMaker endpoint configuration has one production variant,
no data capture and no KMS key (serverless exclusions:
https://docs.aws.amazon.com/sagemaker/latest/dg/serverless-endpoints.html).

CKV_CHURN_9: a SageMaker model has no VPC configuration and no network isolation: every
endpoint of the project is serverless (CKV_CHURN_6), and serverless endpoints exclude both.

CKV_CHURN_10: a Fargate task's CPU and memory are one of Fargate's combinations
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size).

CKV_CHURN_11: names fit their service's limits: load balancers and target groups 32
characters of letters, digits and hyphens, not starting with "internal-" or ending in a
hyphen; SageMaker models, endpoints and endpoint configurations 63 characters (a
``name_prefix`` gets Terraform's 26-character suffix).
"""

from __future__ import annotations

import re
from typing import Any, Final

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

# Fargate's task sizes: CPU units -> allowed memory in MiB.
GIB: Final = 1024
FARGATE_SIZES: Final = {
    256: frozenset({512, 1 * GIB, 2 * GIB}),
    512: frozenset(g * GIB for g in range(1, 5)),
    1024: frozenset(g * GIB for g in range(2, 9)),
    2048: frozenset(g * GIB for g in range(4, 17)),
    4096: frozenset(g * GIB for g in range(8, 31)),
    8192: frozenset(g * GIB for g in range(16, 61, 4)),
    16384: frozenset(g * GIB for g in range(32, 121, 8)),
}
TERRAFORM_UNIQUE_SUFFIX: Final = 26  # what name_prefix gets appended by the AWS provider
# (resource types, limit, pattern, forbidden start) per family of names
NAME_LIMITS: Final = (
    (
        ("aws_lb", "aws_alb", "aws_lb_target_group", "aws_alb_target_group"),
        32,
        re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$"),
        "internal-",
    ),
    (
        ("aws_sagemaker_model", "aws_sagemaker_endpoint", "aws_sagemaker_endpoint_configuration"),
        63,
        re.compile(r"^[a-zA-Z0-9](?:-*[a-zA-Z0-9])*$"),
        None,
    ),
)


def first(conf: dict[str, Any], key: str) -> Any:
    value = conf.get(key, [None])
    return value[0] if isinstance(value, list) and value else value


def present(conf: dict[str, Any], key: str) -> bool:
    """Whether an attribute or block is set to something (not absent, null or empty)."""
    value = first(conf, key)
    return value not in (None, "", [], {})


def unresolved(value: Any) -> bool:
    """A reference checkov left in place of a value it could not follow."""
    return isinstance(value, str) and ("${" in value or value.startswith(("var.", "local.")))


class ServerlessEndpointExclusions(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure a serverless SageMaker endpoint configuration has one variant, "
            "no data capture and no KMS key (AWS rejects them; moto accepts them)",
            id="CKV_CHURN_8",
            categories=[CheckCategories.GENERAL_SECURITY],
            supported_resources=["aws_sagemaker_endpoint_configuration"],
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        variants = [v for v in conf.get("production_variants", []) if isinstance(v, dict)]
        if not any(present(variant, "serverless_config") for variant in variants):
            return CheckResult.PASSED  # instance-backed: CKV_CHURN_6 decides about those
        excluded = (
            len(variants) > 1
            or present(conf, "data_capture_config")
            or present(conf, "kms_key_arn")
            or present(conf, "shadow_production_variants")
        )
        return CheckResult.FAILED if excluded else CheckResult.PASSED


class ModelFitsServerless(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure SageMaker models have no VPC configuration and no network isolation "
            "(serverless endpoints exclude both)",
            id="CKV_CHURN_9",
            categories=[CheckCategories.GENERAL_SECURITY],
            supported_resources=["aws_sagemaker_model"],
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        isolation = first(conf, "enable_network_isolation")
        if unresolved(isolation):
            return CheckResult.UNKNOWN
        if isolation is True or present(conf, "vpc_config"):
            return CheckResult.FAILED
        return CheckResult.PASSED


def as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


class FargateTaskSize(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure a Fargate task's CPU and memory are one of Fargate's combinations",
            id="CKV_CHURN_10",
            categories=[CheckCategories.GENERAL_SECURITY],
            supported_resources=["aws_ecs_task_definition"],
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        compatibilities = first(conf, "requires_compatibilities")
        if not isinstance(compatibilities, list) or "FARGATE" not in compatibilities:
            return CheckResult.PASSED  # EC2 tasks size themselves by their containers
        cpu, memory = first(conf, "cpu"), first(conf, "memory")
        if unresolved(cpu) or unresolved(memory):
            return CheckResult.UNKNOWN
        cpu_units, memory_mib = as_int(cpu), as_int(memory)
        if cpu_units is None or memory_mib is None:
            return CheckResult.FAILED  # Fargate requires both at the task level
        allowed = FARGATE_SIZES.get(cpu_units, frozenset())
        return CheckResult.PASSED if memory_mib in allowed else CheckResult.FAILED


class NamesWithinLimits(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure load balancer, target group and SageMaker names fit AWS's limits",
            id="CKV_CHURN_11",
            categories=[CheckCategories.CONVENTION],
            supported_resources=[t for types, _, _, _ in NAME_LIMITS for t in types],
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        _, limit, pattern, forbidden_start = next(
            family for family in NAME_LIMITS if self.entity_type in family[0]
        )
        name, prefix = first(conf, "name"), first(conf, "name_prefix")
        if name is None and prefix is None:
            return CheckResult.PASSED  # the provider generates a name that fits
        value = name if name is not None else prefix
        if not isinstance(value, str) or unresolved(value):
            return CheckResult.UNKNOWN
        length = len(value) + (TERRAFORM_UNIQUE_SUFFIX if name is None else 0)
        shape = pattern.match(value if name is not None else value + "x")
        if length > limit or shape is None:
            return CheckResult.FAILED
        if forbidden_start and value.startswith(forbidden_start):
            return CheckResult.FAILED
        return CheckResult.PASSED


serverless_exclusions_check = ServerlessEndpointExclusions()
model_check = ModelFitsServerless()
fargate_check = FargateTaskSize()
names_check = NamesWithinLimits()
