"""CKV_CHURN_2: every AWS provider tags everything it creates (default_tags) with the
project, the tool that manages it and the stack it belongs to, so cost reports and
clean-ups can find every resource."""

from __future__ import annotations

from typing import Any, Final

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.provider.base_check import BaseProviderCheck

REQUIRED_TAGS: Final = ("Project", "ManagedBy", "Stack")


class RequiredDefaultTags(BaseProviderCheck):
    def __init__(self) -> None:
        super().__init__(
            name=f"Ensure the AWS provider sets default_tags {', '.join(REQUIRED_TAGS)}",
            id="CKV_CHURN_2",
            categories=[CheckCategories.CONVENTION],
            supported_provider=["aws"],
        )

    def scan_provider_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        default_tags = conf.get("default_tags", [{}])[0]
        tags = default_tags.get("tags", [{}])[0] if isinstance(default_tags, dict) else {}
        if not isinstance(tags, dict):
            return CheckResult.UNKNOWN  # an expression checkov could not resolve
        present = {name for name, value in tags.items() if value}
        return CheckResult.PASSED if set(REQUIRED_TAGS) <= present else CheckResult.FAILED


check = RequiredDefaultTags()
