"""The stacks against a moto server, in deploy order: bootstrap (local state), then pipeline
on the S3 backend in the bootstrap's bucket; a real bundle uploaded; every second plan
empty; everything destroyed."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest

from churn import artifacts, storage
from tests.support.servers import MotoServer
from tests.support.terraform import Terraform, terraform_root

STATE_BUCKET = "teleco-churn-terraform-state"
REHEARSAL = ("-var", "rehearsal=true")


def apply(terraform: Terraform) -> dict[str, object]:
    terraform.run("init", "-input=false")
    terraform.run("apply", "-auto-approve", "-input=false", *REHEARSAL)
    outputs: dict[str, object] = {
        name: entry["value"]
        for name, entry in json.loads(terraform.run("output", "-json").stdout).items()
    }
    return outputs


def empty_versioned_bucket(bucket: str) -> None:
    """Delete every object version and delete marker one by one. force_destroy empties a
    bucket with DeleteObjects, which moto 5.2 fails on delete markers (S3-native locking
    leaves one per run in the state bucket), and the provider then retries for minutes."""
    s3 = boto3.client("s3")
    listed = s3.list_object_versions(Bucket=bucket)
    for entry in [*listed.get("Versions", []), *listed.get("DeleteMarkers", [])]:
        s3.delete_object(Bucket=bucket, Key=entry["Key"], VersionId=entry["VersionId"])


def assert_no_changes(terraform: Terraform) -> None:
    plan = terraform.run("plan", "-detailed-exitcode", "-input=false", *REHEARSAL, check=False)
    assert plan.returncode == 0, f"second plan is not empty:\n{plan.stdout[-4000:]}"


@pytest.mark.slow
def test_bootstrap_then_pipeline_apply_converge_and_destroy(
    moto_server: MotoServer, aws_env: dict[str, str], bundle_dir: Path, tmp_path: Path
) -> None:
    bootstrap = terraform_root("bootstrap", tmp_path / "b", moto_server)
    pipeline = terraform_root("pipeline", tmp_path / "p", moto_server)
    s3 = boto3.client("s3")

    assert apply(bootstrap)["state_bucket"] == STATE_BUCKET
    outputs = apply(pipeline)

    state = s3.get_object(Bucket=STATE_BUCKET, Key="pipeline/terraform.tfstate")
    assert json.loads(state["Body"].read())["resources"]
    bucket = str(outputs["model_bucket"])
    assert bucket.startswith("teleco-customer-churn-models-")
    urls = outputs["repository_urls"]
    assert isinstance(urls, dict) and sorted(urls) == ["api", "training", "ui"]
    repositories = boto3.client("ecr").describe_repositories()["repositories"]
    assert {r["imageTagMutability"] for r in repositories} == {"IMMUTABLE"}

    role_name = "teleco-customer-churn-ml-engineer"
    iam = boto3.client("iam")
    trust = iam.get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"]
    allowed = trust["Statement"][0]["Condition"]["StringLike"]
    subjects = allowed["token.actions.githubusercontent.com:sub"]
    assert sorted(subjects) == [
        "repo:teleco-customer-churn/telco-churn:environment:production",
        "repo:teleco-customer-churn/telco-churn:ref:refs/heads/main",
    ]
    assert outputs["ml_engineer_role_arn"] == iam.get_role(RoleName=role_name)["Role"]["Arn"]
    assert not iam.list_users()["Users"]  # the static-key user is off by default
    static = pipeline.run(
        "plan", "-input=false", "-no-color", *REHEARSAL, "-var", "enable_static_ci_user=true"
    ).stdout
    assert "Plan: 3 to add, 0 to change, 0 to destroy" in static
    assert "aws_iam_access_key.static[0]" in static

    # What the deploy workflow does next: publish the bundle the platform will serve.
    prefix = f"s3://{bucket}/models/{bundle_dir.name}"
    storage.publish_directory(bundle_dir, prefix, last=artifacts.MANIFEST)
    assert_no_changes(bootstrap)
    assert_no_changes(pipeline)

    empty_versioned_bucket(bucket)
    pipeline.run("destroy", "-auto-approve", "-input=false", *REHEARSAL)
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    empty_versioned_bucket(STATE_BUCKET)
    bootstrap.run("destroy", "-auto-approve", "-input=false", *REHEARSAL)
    assert STATE_BUCKET not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
