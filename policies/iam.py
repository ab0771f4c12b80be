"""IAM rules of the project.

CKV_CHURN_3: no broad AWS-managed policy (``AdministratorAccess``, ``PowerUserAccess``,
``ReadOnlyAccess``, ``*FullAccess``) is attached to anything: every role gets a scoped
policy instead.

CKV_CHURN_4: an IAM access key (a long-lived secret) exists only behind an explicit
switch: the resource must be conditional (``count`` or ``for_each``), as the static-key
fallback of the ci-identity module is.

CKV_CHURN_13: every role carries a permissions boundary, except the CI identities an
administrator makes (``…ml-engineer``, ``…terraform-plan``, ``…terraform-deploy``): the
deploy role may create no role without the boundary, and AWS would refuse it at apply
(moto does not enforce boundaries, so the rehearsal alone would not notice).

CKV_CHURN_14: a trust policy that lets an AWS service assume a role names the account it
acts for (``aws:SourceAccount``), the confused-deputy guard AWS recommends.
"""

from __future__ import annotations

import re
from typing import Any, Final

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.data.base_check import BaseDataCheck
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

BROAD_POLICY: Final = re.compile(
    r"^arn:aws[a-z-]*:iam::aws:policy/(.+/)?"
    r"([A-Za-z0-9]*FullAccess|AdministratorAccess|PowerUserAccess|ReadOnlyAccess)$"
)
ADMINISTRATOR_MADE: Final = re.compile(r"(ml-engineer|terraform-plan|terraform-deploy)$")


def policy_arns(conf: dict[str, list[Any]]) -> list[str]:
    arns: list[str] = []
    for attribute in ("policy_arn", "managed_policy_arns"):
        for value in conf.get(attribute, []):
            arns.extend(value if isinstance(value, list) else [value])
    return [arn for arn in arns if isinstance(arn, str)]


class NoFullAccessPolicies(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure no broad AWS-managed policy (admin, power user, read-only, *FullAccess) "
            "is attached",
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
        if any(BROAD_POLICY.match(arn) for arn in policy_arns(conf)):
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


class RolesCarryTheBoundary(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure every role but the administrator-made CI identities has a permissions "
            "boundary",
            id="CKV_CHURN_13",
            categories=[CheckCategories.IAM],
            supported_resources=["aws_iam_role"],
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        name = str((conf.get("name") or [""])[0])
        if ADMINISTRATOR_MADE.search(name):
            return CheckResult.PASSED
        boundary = (conf.get("permissions_boundary") or [None])[0]
        return CheckResult.PASSED if boundary else CheckResult.FAILED


def values_of(block: dict[str, Any], key: str) -> list[str]:
    """A block attribute's values, flattened (checkov wraps each in a list)."""
    found: list[str] = []
    for value in block.get(key, []):
        found.extend(str(v) for v in (value if isinstance(value, list) else [value]))
    return found


class ServiceTrustNamesTheAccount(BaseDataCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure a service's trust in a role is limited by aws:SourceAccount",
            id="CKV_CHURN_14",
            categories=[CheckCategories.IAM],
            supported_data=["aws_iam_policy_document"],
        )

    def scan_data_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        for statement in conf.get("statement", []):
            if not isinstance(statement, dict):
                continue
            assumes = any(a.startswith("sts:AssumeRole") for a in values_of(statement, "actions"))
            services = [
                p for p in statement.get("principals", []) if "Service" in values_of(p, "type")
            ]
            conditions = statement.get("condition", [])
            variables = [v for c in conditions for v in values_of(c, "variable")]
            if assumes and services and "aws:SourceAccount" not in variables:
                return CheckResult.FAILED
        return CheckResult.PASSED


full_access_check = NoFullAccessPolicies()
static_key_check = StaticKeysOnlyWhenEnabled()
boundary_check = RolesCarryTheBoundary()
service_trust_check = ServiceTrustNamesTheAccount()
