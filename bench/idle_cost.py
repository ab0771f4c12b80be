"""What each environment costs a month while nobody uses it: the parts AWS bills by the
hour or the month whatever the traffic (NAT gateways, their and the load balancer's public
addresses, the load balancer, the UI's Fargate tasks, the web ACL and its rules, KMS keys),
counted from the Terraform configuration itself (variable defaults, staging.tfvars, module
defaults) and priced from bench/prices.py. Left out, as near zero when idle: what is billed
per request or per GB (Lambda, the HTTP API, SageMaker Serverless, WAF requests, data
processed, logs, S3 and ECR storage). Writes docs/data/idle-cost.json and the README's table.

usage: PYTHONPATH=. python bench/idle_cost.py    (make bench)
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Final

from bench.prices import PRICES, PRICES_AS_OF
from scripts import docs_tables

ROOT: Final = Path(__file__).resolve().parents[1]
TERRAFORM: Final = ROOT / "terraform"
HOURS_A_MONTH: Final = 730  # AWS's pricing pages' month
WEEKS_A_MONTH: Final = 52 / 12
CRON: Final = re.compile(r"cron\((\d+) (\d+) \? \* (MON-FRI|\*) \*\)")


def variable_default(path: Path, name: str) -> str:
    block = re.search(rf'variable "{name}" {{(.*?)\n}}', path.read_text(), re.DOTALL)
    found = re.search(r"^\s*default\s*=\s*(.+)$", block.group(1) if block else "", re.MULTILINE)
    if found is None:
        raise SystemExit(f"{path}: no default for {name}")
    return found.group(1).strip()


def tfvars(path: Path) -> dict[str, str]:
    """Top-level assignments of a .tfvars file, as text (an object's block joined)."""
    values: dict[str, str] = {}
    for match in re.finditer(r"^(\w+)\s*=\s*(\{.*?^\}|.+?)$", path.read_text(), re.M | re.S):
        values[match.group(1)] = match.group(2)
    return values


def weekly_hours(schedule: str) -> float:
    """Hours a week the UI runs under an office-hours schedule (start and stop crons)."""
    (start,), (stop,) = (
        [CRON.search(line) for line in schedule.splitlines() if line.strip().startswith(key)]
        for key in ("start", "stop")
    )
    if start is None or stop is None:
        raise SystemExit(f"cannot read the schedule {schedule!r}")
    days = 5 if start.group(3) == "MON-FRI" else 7
    return (int(stop.group(2)) - int(start.group(2))) * days


@dataclass(frozen=True)
class Environment:
    name: str
    zones: int
    nat_gateways: int
    ui_tasks: int
    ui_hours: float  # a month
    on_demand_tasks: int


def environments() -> list[Environment]:
    variables = TERRAFORM / "platform" / "variables.tf"
    zones = int(variable_default(variables, "zone_count"))
    tasks = int(variable_default(variables, "ui_desired_count"))
    on_demand = int(
        variable_default(TERRAFORM / "modules" / "ecs" / "variables.tf", "on_demand_base")
    )
    staging = tfvars(TERRAFORM / "platform" / "staging.tfvars")
    staging_tasks = int(staging.get("ui_desired_count", tasks))
    single = staging.get("single_nat_gateway", "false") == "true"
    hours = (
        weekly_hours(staging["ui_schedule"]) * WEEKS_A_MONTH
        if "ui_schedule" in staging
        else HOURS_A_MONTH
    )
    return [
        Environment("production", zones, zones, tasks, HOURS_A_MONTH, min(on_demand, tasks)),
        Environment(
            "staging",
            zones,
            1 if single else zones,
            staging_tasks,
            hours,
            min(on_demand, staging_tasks),
        ),
    ]


def usd(name: str) -> float:
    return PRICES[name].usd


def task_hour() -> float:
    """An on-demand hour of the UI's task at the task definition module's default size."""
    module = TERRAFORM / "modules" / "ecs-task-definition" / "variables.tf"
    vcpu = int(variable_default(module, "cpu")) / 1024
    gb = int(variable_default(module, "memory")) / 1024
    return vcpu * usd("fargate_vcpu_hour") + gb * usd("fargate_gb_hour")


def monthly(environment: Environment) -> dict[str, float]:
    waf_rules = (TERRAFORM / "modules" / "waf" / "main.tf").read_text().count("\n  rule {")
    spot_tasks = environment.ui_tasks - environment.on_demand_tasks
    task = task_hour() * environment.ui_hours
    # Public addresses: each NAT gateway's, and the internet-facing ALB's, one per zone.
    addresses = environment.nat_gateways + environment.zones
    return {
        "NAT gateways": environment.nat_gateways * usd("nat_gateway_hour") * HOURS_A_MONTH,
        "public IPv4 (NAT, ALB)": addresses * usd("public_ipv4_hour") * HOURS_A_MONTH,
        "load balancer": usd("alb_hour") * HOURS_A_MONTH,
        "UI tasks": task * (environment.on_demand_tasks + spot_tasks * usd("fargate_spot_share")),
        "web ACL and rules": usd("waf_web_acl_month") + waf_rules * usd("waf_rule_month"),
    }


def shared_keys() -> int:
    """KMS keys of the roots both environments share (each private bucket has one)."""
    roots = [TERRAFORM / root / "main.tf" for root in ("bootstrap", "pipeline")]
    return sum(path.read_text().count('source = "../modules/private-bucket"') for path in roots)


def priced() -> dict[str, object]:
    """Each environment's idle parts, priced, and what they were counted from."""
    rows: list[dict[str, object]] = []
    for environment in environments():
        parts = {name: round(usd, 2) for name, usd in monthly(environment).items()}
        said = (
            f"{environment.zones} zones, {environment.nat_gateways} NAT gateway(s), "
            f"{environment.ui_tasks} UI task(s) for {environment.ui_hours:.0f} h"
        )
        rows.append(
            {
                "name": environment.name,
                "parts": parts,
                "total": round(sum(parts.values()), 2),
                "said": said,
                "settings": asdict(environment),
            }
        )
    keys = shared_keys()
    shared = {"kms_keys": keys, "total": round(keys * usd("kms_key_month"), 2)}
    return {"prices_as_of": PRICES_AS_OF, "environments": rows, "shared": shared}


def main() -> int:
    results = priced()
    (docs_tables.DATA / "idle-cost.json").write_text(json.dumps(results, indent=1) + "\n")
    print(f"idle cost a month (prices us-east-1, as of {PRICES_AS_OF}):")
    print(docs_tables.idle_cost(results))
    for written in docs_tables.write("idle-cost.json"):
        print(f"wrote {written}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
