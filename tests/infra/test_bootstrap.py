"""The bootstrap root against a moto server: apply, an empty second plan, destroy."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from tests.support.servers import MotoServer
from tests.support.terraform import terraform_root


@pytest.mark.slow
def test_bootstrap_applies_converges_and_destroys(
    moto_server: MotoServer, aws_env: dict[str, str], tmp_path: Path
) -> None:
    terraform = terraform_root("bootstrap", tmp_path, moto_server)
    terraform.run("init", "-input=false")
    terraform.run("apply", "-auto-approve", "-input=false")

    s3 = boto3.client("s3")
    bucket = "teleco-churn-terraform-state"
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert all(block.values())

    second = terraform.run("plan", "-detailed-exitcode", "-input=false", check=False)
    assert second.returncode == 0, second.stdout[-3000:]  # 2 would mean changes

    terraform.run("destroy", "-auto-approve", "-input=false")
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
