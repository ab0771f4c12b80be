"""The real terraform binary, with the AWS provider from the machine's filesystem mirror,
run against a copy of terraform/ that a moto server answers for.

What moto cannot do is worked around here, in test-only override files written into the
copy (``moto_override.tf``); the real configuration never changes for moto. Each gap is
named in the README of the module it touches.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from churn.ops.environment import DEFAULT_PREFIX, state_key
from churn.ops.moto import FAKE_KEY, REGION, MotoServer

CLI_CONFIG: Final = Path(".cache") / "terraform" / "cli.tfrc"
CONFIG_SCRIPT: Final = Path("scripts") / "terraform-config.sh"
OVERRIDE_FILE: Final = "moto_override.tf"
# Services the stacks call; the one moto server answers all of them.
MOTO_SERVICES: Final = (
    "s3",
    "sts",
    "kms",
    "iam",
    "ecr",
    "ecs",
    "logs",
    "ec2",
    "sagemaker",
    "lambda",
    "apigatewayv2",
    "elbv2",
    "cloudwatch",
)
TIMEOUT_SECONDS: Final = 900


class TerraformError(Exception):
    """A terraform command failed; the message holds the tail of its output."""


def cli_config(repo: Path) -> Path:
    """The project's Terraform CLI config (provider mirror), written by setup if missing."""
    config = repo / CLI_CONFIG
    if not config.exists():
        finished = subprocess.run(  # noqa: S603 (the project's own script)
            [str(repo / CONFIG_SCRIPT)], capture_output=True, text=True, check=False
        )
        if finished.returncode != 0:
            raise TerraformError(finished.stderr.strip() or "cannot write the Terraform CLI config")
    return config


def provider_override(server: MotoServer) -> str:
    endpoints = "\n".join(f'    {name} = "{server.endpoint}"' for name in MOTO_SERVICES)
    return f"""# Written for a moto run; never part of the real configuration.
provider "aws" {{
  region                      = "{REGION}"
  access_key                  = "{FAKE_KEY}"
  secret_key                  = "{FAKE_KEY}"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true

  endpoints {{
{endpoints}
  }}
}}
"""


def backend_override(server: MotoServer, backend_tf: Path, key: str | None = None) -> str:
    """The root's own S3 backend settings (copied from backend.tf, since an override's
    backend block replaces the original whole) pointed at the moto server; ``key`` fills
    the partial configuration when no ``-backend-config`` will."""
    settings = "\n".join(
        f"    {line.split('#')[0].strip()}"
        for line in backend_tf.read_text().splitlines()
        if "=" in line and not line.strip().startswith("#")
    )
    if key is not None:
        settings += f'\n    key = "{key}"'
    return f"""
terraform {{
  backend "s3" {{
{settings}
    endpoints                   = {{ s3 = "{server.endpoint}", sts = "{server.endpoint}" }}
    use_path_style              = true
    access_key                  = "{FAKE_KEY}"
    secret_key                  = "{FAKE_KEY}"
    skip_credentials_validation = true
    skip_requesting_account_id  = true
    skip_metadata_api_check     = true
  }}
}}
"""


# Module overrides, one per moto gap (see each module's README, "Under moto").
MODULE_OVERRIDES: Final = {
    # moto evaluates a Deny on aws:SecureTransport against its plain-HTTP endpoint and then
    # refuses every object call: swap that statement for a harmless Deny.
    "private-bucket": """
data "aws_iam_policy_document" "tls_only" {
  statement {
    sid       = "DenyWebsiteHosting"
    effect    = "Deny"
    actions   = ["s3:PutBucketWebsite"]
    resources = [aws_s3_bucket.this.arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}
""",
    # moto returns an empty vpc_config for the model and a data_capture_config for the
    # endpoint configuration; each would force a replacement on every plan.
    "sagemaker-endpoint": """
resource "aws_sagemaker_model" "this" {
  lifecycle {
    ignore_changes = [vpc_config]
  }
}

resource "aws_sagemaker_endpoint_configuration" "this" {
  lifecycle {
    ignore_changes = [data_capture_config]
  }
}
""",
    # moto always answers an image_config for image functions, and no logging_config.
    "lambda": """
resource "aws_lambda_function" "this" {
  lifecycle {
    ignore_changes = [image_config, logging_config]
  }
}
""",
    # moto drops the capacity provider strategy (forcing a replacement), the grace period,
    # managed tags and AZ rebalancing; and it never starts tasks, so a service never
    # becomes steady and the provider would wait for it until its timeout.
    "ecs-service": """
resource "aws_ecs_service" "this" {
  wait_for_steady_state = false

  lifecycle {
    ignore_changes = [
      capacity_provider_strategy,
      health_check_grace_period_seconds,
      enable_ecs_managed_tags,
      availability_zone_rebalancing,
    ]
  }
}
""",
}


@dataclass
class Terraform:
    """One root of a prepared copy, run with a clean environment."""

    directory: Path
    env: dict[str, str]

    @property
    def name(self) -> str:
        return self.directory.name

    def run(self, *arguments: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        finished = subprocess.run(  # noqa: S603 (terraform with arguments we build)
            ["terraform", *arguments],  # noqa: S607 (the terraform on PATH, by design)
            cwd=self.directory,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
        if check and finished.returncode != 0:
            raise TerraformError(
                f"terraform {arguments[0]} in {self.name} failed ({finished.returncode}):\n"
                f"{finished.stdout[-3000:]}\n{finished.stderr[-3000:]}"
            )
        return finished

    def init(self) -> None:
        self.run("init", "-input=false", "-no-color")

    def apply(self, variables: dict[str, str]) -> None:
        self.run("apply", "-auto-approve", "-input=false", "-no-color", *as_flags(variables))

    def destroy(self, variables: dict[str, str]) -> None:
        self.run("destroy", "-auto-approve", "-input=false", "-no-color", *as_flags(variables))

    def plan_is_empty(self, variables: dict[str, str]) -> tuple[bool, str]:
        """Whether a plan finds nothing to change (-detailed-exitcode 0), and its text."""
        plan = self.run(
            "plan",
            "-detailed-exitcode",
            "-input=false",
            "-no-color",
            *as_flags(variables),
            check=False,
        )
        if plan.returncode not in (0, 2):
            raise TerraformError(f"terraform plan in {self.name} failed:\n{plan.stderr[-3000:]}")
        return plan.returncode == 0, plan.stdout

    def outputs(self) -> dict[str, object]:
        listed = json.loads(self.run("output", "-json").stdout)
        return {name: entry["value"] for name, entry in listed.items()}

    def resource_values(self, address: str) -> dict[str, object]:
        """The attributes state holds for one resource address (terraform show -json)."""
        state = json.loads(self.run("show", "-json").stdout)
        modules = [state["values"]["root_module"]]
        while modules:
            module = modules.pop()
            for resource in module.get("resources", []):
                if resource["address"] == address:
                    values: dict[str, object] = resource["values"]
                    return values
            modules.extend(module.get("child_modules", []))
        raise TerraformError(f"{address} is not in the state of {self.name}")

    def managed_resources(self) -> list[str]:
        """Addresses of the resources in state (data sources left out)."""
        addresses = self.run("state", "list").stdout.split()
        return [a for a in addresses if not a.startswith("data.") and ".data." not in a]


def as_flags(variables: dict[str, str]) -> list[str]:
    return [flag for name, value in variables.items() for flag in ("-var", f"{name}={value}")]


def terraform_env(repo: Path) -> dict[str, str]:
    """A clean environment for terraform: no AWS or TF settings of the caller's leak in,
    providers come through the project's CLI config, nothing is asked or phoned home."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_"))}
    return env | {
        "TF_CLI_CONFIG_FILE": str(cli_config(repo).resolve()),
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "CHECKPOINT_DISABLE": "1",
    }


def prepare_roots(
    repo: Path, scratch: Path, server: MotoServer | None = None
) -> dict[str, Terraform]:
    """Copy terraform/ into ``scratch`` and give back each root; with a moto server, the
    copy gets the moto overrides."""
    copy = scratch / "terraform"
    shutil.copytree(repo / "terraform", copy, ignore=shutil.ignore_patterns(".terraform"))
    for module, text in MODULE_OVERRIDES.items() if server is not None else ():
        header = "# Written for a moto run only; never part of the real configuration.\n"
        (copy / "modules" / module / OVERRIDE_FILE).write_text(header + text)
    env = terraform_env(repo)
    roots = {}
    for directory in sorted(p for p in copy.iterdir() if (p / "versions.tf").exists()):
        if directory.name == "modules":
            continue
        if server is not None:
            backend_tf = directory / "backend.tf"
            key = state_key(DEFAULT_PREFIX, directory.name)
            backend = backend_override(server, backend_tf, key) if backend_tf.exists() else ""
            (directory / OVERRIDE_FILE).write_text(provider_override(server) + backend)
        roots[directory.name] = Terraform(directory, env)
    return roots
