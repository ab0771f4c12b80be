"""IAM rules of the project.

CKV_CHURN_3: no AWS-managed ``*FullAccess`` policy is attached to anything: every role
gets a scoped policy instead.

CKV_CHURN_4: an IAM access key (a long-lived secret) exists only behind an explicit
switch: the resource must be conditional (``count`` or ``for_each``), as the static-key
fallback of the ci-identity module is.
"""

from __future__ import annotations

import re
from typing import Any, Final

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

FULL_ACCESS: Final = re.compile(r"^arn:aws[a-z-]*:iam::aws:policy/(.+/)?[A-Za-z0-9]*FullAccess$")


def policy_arns(conf: dict[str, list[Any]]) -> list[str]:
    arns: list[str] = []
    for attribute in ("policy_arn", "managed_policy_arns"):
        for value in conf.get(attribute, []):
            arns.extend(value if isinstance(value, list) else [value])
    return [arn for arn in arns if isinstance(arn, str)]


class NoFullAccessPolicies(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure no AWS-managed *FullAccess policy is attached",
            id="CKV_CHURN_3",
            categories=[CheckCategories.IAM],
            supported_resources=[
                "aws_iam_role_policy_attachment",
                "aws_iam_user_policy_attachment",
                "aws_iam_group_policy_attachment",
                "aws_iam_policy_attachment",
                "aws_iam_role",
            ],
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        if any(FULL_ACCESS.match(arn) for arn in policy_arns(conf)):
            return CheckResult.FAILED
        return CheckResult.PASSED


class StaticKeysOnlyWhenEnabled(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure an IAM access key is created only behind an explicit switch",
            id="CKV_CHURN_4",
            categories=[CheckCategories.IAM],
            supported_resources=["aws_iam_access_key"],
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        # checkov expands a resolved count into indexed addresses (name[0]) and drops it.
        address = str(conf.get("__address__", ""))
        conditional = "count" in conf or "for_each" in conf or address.endswith("]")
        return CheckResult.PASSED if conditional else CheckResult.FAILED


full_access_check = NoFullAccessPolicies()
static_key_check = StaticKeysOnlyWhenEnabled()
