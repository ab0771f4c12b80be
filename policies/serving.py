"""Serving cost and blast-radius guards.

CKV_CHURN_6: SageMaker endpoints are serverless, with memory and concurrency inside the
project's bounds (an instance-backed endpoint, or a large serverless one, is a cost
decision that deserves a policy change, not a variable change).

CKV_CHURN_7: a Lambda's reserved concurrency, when set, is at least 1 (0 stops the
function). Reserving is opt-in: AWS keeps 100 executions of the account unreserved (all of
them on a new account whose quota is 10), so a reservation can fail a fork's first deploy.

CKV_CHURN_12: every HTTP API stage throttles its default route (burst and rate), the
guard that keeps a traffic spike from running up the Lambda's and the endpoint's bill
when no concurrency is reserved.
"""

from __future__ import annotations

from typing import Any, Final

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

MEMORY_SIZES_MB: Final = frozenset({1024, 2048, 3072, 4096})
MAX_CONCURRENCY: Final = 20


def first(conf: dict[str, Any], key: str) -> Any:
    value = conf.get(key, [None])
    return value[0] if isinstance(value, list) and value else value


class ServerlessEndpointWithinBounds(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name=f"Ensure SageMaker endpoints are serverless with memory in "
            f"{sorted(MEMORY_SIZES_MB)} MB and max_concurrency 1-{MAX_CONCURRENCY}",
            id="CKV_CHURN_6",
            categories=[CheckCategories.GENERAL_SECURITY],
            supported_resources=["aws_sagemaker_endpoint_configuration"],
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        variants = conf.get("production_variants", [])
        if not variants:
            return CheckResult.FAILED
        for variant in variants:
            serverless = first(variant, "serverless_config") if isinstance(variant, dict) else None
            if not isinstance(serverless, dict):
                return CheckResult.FAILED
            memory = first(serverless, "memory_size_in_mb")
            concurrency = first(serverless, "max_concurrency")
            if not isinstance(memory, int) or not isinstance(concurrency, int):
                return CheckResult.UNKNOWN  # values checkov could not resolve
            if memory not in MEMORY_SIZES_MB or not 1 <= concurrency <= MAX_CONCURRENCY:
                return CheckResult.FAILED
        return CheckResult.PASSED


class LambdaConcurrencyLimit(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure a Lambda's reserved concurrency, when set, is at least 1",
            id="CKV_CHURN_7",
            categories=[CheckCategories.GENERAL_SECURITY],
            supported_resources=["aws_lambda_function"],
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        limit = first(conf, "reserved_concurrent_executions")
        if limit is None or limit == -1:
            return CheckResult.PASSED  # nothing reserved (-1 is the provider's "unreserved")
        if not isinstance(limit, int):
            return CheckResult.UNKNOWN  # a value checkov could not resolve
        return CheckResult.PASSED if limit >= 1 else CheckResult.FAILED


class HttpApiStageThrottle(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure every HTTP API stage throttles its default route (burst and rate)",
            id="CKV_CHURN_12",
            categories=[CheckCategories.GENERAL_SECURITY],
            supported_resources=["aws_apigatewayv2_stage"],
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        settings = first(conf, "default_route_settings")
        if not isinstance(settings, dict):
            return CheckResult.FAILED
        burst = first(settings, "throttling_burst_limit")
        rate = first(settings, "throttling_rate_limit")
        if burst is None or rate is None:
            return CheckResult.FAILED
        if not isinstance(burst, int | float) or not isinstance(rate, int | float):
            return CheckResult.UNKNOWN
        return CheckResult.PASSED if burst >= 1 and rate > 0 else CheckResult.FAILED


serverless_check = ServerlessEndpointWithinBounds()
concurrency_check = LambdaConcurrencyLimit()
throttle_check = HttpApiStageThrottle()
