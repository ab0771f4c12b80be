"""Terraform against a moto server: the test-only override files that point the AWS
provider and the S3 backend at moto and work around moto's gaps. They are written into a
copy of terraform/ (a job's workspace, an administrator's checkout); the real
configuration never changes for moto. Each gap is named in the README of the module it
touches.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from tests.support.moto import FAKE_KEY, REGION

OVERRIDE_FILE: Final = "moto_override.tf"
HEADER: Final = "# Written for a moto run only; never part of the real configuration.\n"
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
    "ssm",
    "appautoscaling",
)


def credentials(with_keys: bool) -> str:
    """Static test keys, or none: then the provider takes the job's (assumed-role) ones."""
    if not with_keys:
        return ""
    return f'  access_key = "{FAKE_KEY}"\n  secret_key = "{FAKE_KEY}"\n'


def provider_override(
    endpoint: str, *, with_keys: bool = True, sagemaker: str | None = None
) -> str:
    """``sagemaker``: the SageMaker front (tests/support/batch_transform.py), which does
    what moto leaves out (Batch Transform's work, UpdateEndpoint)."""
    reached = {name: endpoint for name in MOTO_SERVICES} | (
        {"sagemaker": sagemaker} if sagemaker else {}
    )
    endpoints = "\n".join(f'    {name} = "{url}"' for name, url in reached.items())
    return f"""{HEADER}provider "aws" {{
  region                      = "{REGION}"
{credentials(with_keys)}  skip_credentials_validation = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true

  endpoints {{
{endpoints}
  }}
}}
"""


def backend_override(
    endpoint: str, backend_tf: Path, key: str | None = None, *, with_keys: bool = True
) -> str:
    """The root's own S3 backend settings (copied from backend.tf, since an override's
    backend block replaces the original whole) pointed at moto; ``key`` completes the
    partial configuration when no ``-backend-config`` will."""
    settings = [
        f"    {line.split('#')[0].strip()}"
        for line in backend_tf.read_text().splitlines()
        if "=" in line and not line.strip().startswith("#")
    ]
    if key is not None:
        settings.append(f'    key = "{key}"')
    keys = credentials(with_keys).replace("  ", "    ")
    return f"""
terraform {{
  backend "s3" {{
{chr(10).join(settings)}
    endpoints                   = {{ s3 = "{endpoint}", sts = "{endpoint}" }}
    use_path_style              = true
{keys}    skip_credentials_validation = true
    skip_requesting_account_id  = true
    skip_metadata_api_check     = true
  }}
}}
"""


# Module overrides, one per moto gap (see each module's README, "Under moto").
MODULE_OVERRIDES: Final = {
    # moto treats a condition operator it does not implement (Bool, Null: only StringEquals
    # is) as met, so the bucket policy's Denies on aws:SecureTransport and s3:if-none-match
    # would refuse every object call: swap them for a harmless Deny. The conditional write
    # itself moto does enforce (If-None-Match: * on an existing key answers 412).
    "private-bucket": """
data "aws_iam_policy_document" "this" {
  source_policy_documents = [data.aws_iam_policy_document.tls_only.json]
}

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
      desired_count, # as the module's own lifecycle (an override replaces the whole list)
      capacity_provider_strategy,
      health_check_grace_period_seconds,
      enable_ecs_managed_tags,
      availability_zone_rebalancing,
    ]
  }
}
""",
}


def write_moto_overrides(
    terraform_dir: Path,
    endpoint: str,
    *,
    with_keys: bool = True,
    keys: dict[str, str] | None = None,
    sagemaker: str | None = None,
) -> None:
    """Override files for every module with a gap and every root (provider, backend).
    ``keys`` maps a root to its state key, for runs that pass no ``-backend-config``."""
    for module, text in MODULE_OVERRIDES.items():
        (terraform_dir / "modules" / module / OVERRIDE_FILE).write_text(HEADER + text)
    for root in sorted(p for p in terraform_dir.iterdir() if (p / "versions.tf").exists()):
        if root.name == "modules":
            continue
        backend_tf = root / "backend.tf"
        backend = ""
        if backend_tf.exists():
            key = (keys or {}).get(root.name)
            backend = backend_override(endpoint, backend_tf, key, with_keys=with_keys)
        (root / OVERRIDE_FILE).write_text(
            provider_override(endpoint, with_keys=with_keys, sagemaker=sagemaker) + backend
        )
