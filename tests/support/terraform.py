"""Run the real terraform binary (provider from the filesystem mirror) against moto."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.support.environments import REPO_ROOT
from tests.support.servers import TEST_REGION, MotoServer

CLI_CONFIG = REPO_ROOT / ".cache" / "terraform" / "cli.tfrc"
# Services the stacks call; all of them answered by the one moto server.
MOTO_SERVICES = (
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


def cli_config() -> Path:
    if not CLI_CONFIG.exists():
        subprocess.run([str(REPO_ROOT / "scripts" / "terraform-config.sh")], check=True)
    return CLI_CONFIG


def moto_override(server: MotoServer) -> str:
    """Provider settings for a moto run; copied beside a root only in tests."""
    endpoints = "\n".join(f'    {name} = "{server.endpoint}"' for name in MOTO_SERVICES)
    return f"""# Written by the tests for a moto run; never part of the real configuration.
provider "aws" {{
  region                      = "{TEST_REGION}"
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true

  endpoints {{
{endpoints}
  }}
}}
"""


def moto_backend(server: MotoServer, backend_tf: Path) -> str:
    """The root's own S3 backend (its bucket, key, encryption and locking, copied from
    backend.tf, since an override's backend block replaces the original whole) pointed at
    the moto server."""
    settings = "\n".join(
        f"    {line.split('#')[0].strip()}"
        for line in backend_tf.read_text().splitlines()
        if "=" in line and not line.strip().startswith("#")
    )
    return f"""
terraform {{
  backend "s3" {{
{settings}
    endpoints                   = {{ s3 = "{server.endpoint}", sts = "{server.endpoint}" }}
    use_path_style              = true
    access_key                  = "testing"
    secret_key                  = "testing"
    skip_credentials_validation = true
    skip_requesting_account_id  = true
    skip_metadata_api_check     = true
  }}
}}
"""


@dataclass
class Terraform:
    directory: Path
    env: dict[str, str]

    def run(self, *arguments: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        finished = subprocess.run(
            ["terraform", *arguments],
            cwd=self.directory,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if check and finished.returncode != 0:
            raise AssertionError(
                f"terraform {' '.join(arguments)} failed ({finished.returncode}):\n"
                f"{finished.stdout[-3000:]}\n{finished.stderr[-3000:]}"
            )
        return finished


# moto evaluates a Deny on aws:SecureTransport against its plain-HTTP endpoint and then
# refuses every object call; moto runs swap that one statement for a harmless Deny.
PRIVATE_BUCKET_FOR_MOTO = """# Written by the tests for a moto run only.
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
"""


def terraform_root(root: str, scratch: Path, server: MotoServer | None = None) -> Terraform:
    """A copy of terraform/<root> (and the modules beside it) ready to run in ``scratch``;
    with a moto server, the moto-only override files are added to the copy."""
    source = REPO_ROOT / "terraform"
    shutil.copytree(source, scratch / "terraform", ignore=shutil.ignore_patterns(".terraform"))
    directory = scratch / "terraform" / root
    if server is not None:
        backend_tf = directory / "backend.tf"
        backend = moto_backend(server, backend_tf) if backend_tf.exists() else ""
        (directory / "moto_override.tf").write_text(moto_override(server) + backend)
        module = scratch / "terraform" / "modules" / "private-bucket"
        (module / "moto_override.tf").write_text(PRIVATE_BUCKET_FOR_MOTO)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_"))}
    env |= {
        "TF_CLI_CONFIG_FILE": str(cli_config()),
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "CHECKPOINT_DISABLE": "1",
    }
    return Terraform(directory, env)
