"""CKV_CHURN_5: only the public load balancer's security group admits the whole internet
(0.0.0.0/0 or ::/0), and only on HTTP and HTTPS; every other group admits named groups or
private ranges."""

from __future__ import annotations

from typing import Any, Final

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

ANYWHERE: Final = frozenset({"0.0.0.0/0", "::/0"})
PUBLIC_PORTS: Final = frozenset({80, 443})
# The ALB's group is the one named <prefix>alb.
LOAD_BALANCER_SUFFIX: Final = "-alb"


def flatten(values: list[Any]) -> list[Any]:
    flat: list[Any] = []
    for value in values:
        flat.extend(flatten(value) if isinstance(value, list) else [value])
    return flat


def open_ports(rules: list[Any]) -> list[Any]:
    """From-ports of the rules that admit anywhere."""
    ports = []
    for rule in rules:
        if not isinstance(rule, dict):
            continue
        sources = set(
            flatten(rule.get("cidr_blocks", [])) + flatten(rule.get("ipv6_cidr_blocks", []))
        )
        if sources & ANYWHERE:
            ports.append(flatten(rule.get("from_port", [None]))[0])
    return ports


class InternetIngressOnlyOnTheLoadBalancer(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure only the ALB's security group admits 0.0.0.0/0, on ports 80/443",
            id="CKV_CHURN_5",
            categories=[CheckCategories.NETWORKING],
            supported_resources=["aws_security_group"],
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        ports = open_ports(flatten(conf.get("ingress", [])))
        if not ports:
            return CheckResult.PASSED
        name = conf.get("name", [""])[0]
        is_load_balancer = isinstance(name, str) and name.endswith(LOAD_BALANCER_SUFFIX)
        if is_load_balancer and all(port in PUBLIC_PORTS for port in ports):
            return CheckResult.PASSED
        return CheckResult.FAILED


check = InternetIngressOnlyOnTheLoadBalancer()
