"""The batch-transform engine against the moto server: the same outputs as the local engine
for the same input, from a job whose request follows AWS's documented constraints.

moto's gaps, each named: it records CreateModel and CreateTransformJob but runs nothing, and
answers "Completed" at once (tests/support/batch_transform.py, a front of moto's SageMaker,
does each job's work as it is created: the bundle's booster over the shards the job was
given, with its filters and join); it checks
neither the image nor the role, nor the job's limits (checked below and in policies/)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import boto3
import pytest

from churn import artifacts
from churn.artifacts import SCORES, SUMMARY, TOP
from churn.bundles import load_bundle
from churn.errors import ExitCode
from churn.score import cli
from churn.score.transform import (
    TransformError,
    TransformSettings,
    check_request,
    instance_count,
    job_request,
    model_name,
)
from tests.support.batch_transform import serve_sagemaker
from tests.support.servers import make_bucket, read_prefix

ROLE = "arn:aws:iam::123456789012:role/teleco-customer-churn-batch"
IMAGE = "492215442770.dkr.ecr.eu-central-1.amazonaws.com/sagemaker-xgboost:1.7-1"


def upload_bundle(bundle_dir: Path) -> str:
    s3 = boto3.client("s3")
    for name in artifacts.BUNDLE_FILES:
        s3.upload_file(str(bundle_dir / name), "churn-models", f"models/{bundle_dir.name}/{name}")
    return f"s3://churn-models/models/{bundle_dir.name}"


def test_batch_transform_gives_the_local_engines_outputs(
    aws_env: dict[str, str],
    data_path: Path,
    bundle_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_bucket("churn-models")
    bundle = upload_bundle(bundle_dir)
    boto3.client("s3").upload_file(str(data_path), "churn-models", "customers/base.csv")
    local = tmp_path / "local"
    common = ["--input", "s3://churn-models/customers/base.csv", "--bundle", bundle]
    assert cli.main([*common, "--output", str(local)]) == 0

    with serve_sagemaker(aws_env["AWS_ENDPOINT_URL"]) as front:
        monkeypatch.setenv("AWS_ENDPOINT_URL_SAGEMAKER", front)
        code = cli.main(
            [
                *common,
                "--output", "s3://churn-models/scores/2026-12-03",
                "--engine", "batch-transform",
                "--role-arn", ROLE,
                "--image", IMAGE,
                "--work", "s3://churn-models/scores/work/2026-12-03",
                "--max-reject-share", "0",
            ]
        )  # fmt: skip
    monkeypatch.delenv("AWS_ENDPOINT_URL_SAGEMAKER")  # the front is gone; moto itself remains
    assert code == 0
    published = read_prefix("churn-models", "scores/2026-12-03/")
    for name in (SCORES, TOP):
        assert published[name] == (local / name).read_bytes(), name
    summary = json.loads(published[SUMMARY])
    assert summary["engine"] == "batch-transform"
    assert summary["rows"] == json.loads((local / SUMMARY).read_text())["rows"]

    (job,) = boto3.client("sagemaker").list_transform_jobs()["TransformJobSummaries"]
    described = boto3.client("sagemaker").describe_transform_job(
        TransformJobName=job["TransformJobName"]
    )
    assert described["BatchStrategy"] == "MultiRecord"
    assert described["TransformInput"]["SplitType"] == "Line"
    assert described["DataProcessing"] == {
        "InputFilter": "$[1:]", "JoinSource": "Input", "OutputFilter": "$[0,-1]",
    }  # fmt: skip
    assert described["TransformResources"]["InstanceCount"] == 1
    model = boto3.client("sagemaker").describe_model(ModelName=described["ModelName"])
    assert model["PrimaryContainer"]["ModelDataUrl"] == f"{bundle}/{artifacts.MODEL_ARCHIVE}"
    assert model["PrimaryContainer"]["Image"] == IMAGE


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ([], "the batch-transform engine needs --role-arn, --image, --work"),
        (["--role-arn", ROLE, "--image", IMAGE, "--work", "/tmp/x"], "--work must be an s3://"),
    ],
)
def test_the_batch_transform_engine_says_what_it_lacks(
    arguments: list[str],
    message: str,
    bundle_dir: Path,
    data_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("CHURN_TRANSFORM_ROLE_ARN", "CHURN_XGBOOST_IMAGE", "CHURN_SCORE_WORK"):
        monkeypatch.delenv(name, raising=False)
    common = [
        "--input",
        str(data_path),
        "--output",
        str(tmp_path / "o"),
        "--bundle",
        str(bundle_dir),
    ]
    assert cli.main([*common, "--engine", "batch-transform", *arguments]) == ExitCode.USAGE
    assert message in capsys.readouterr().err


def settings(**changes: object) -> TransformSettings:
    values: dict[str, object] = {
        "role_arn": ROLE,
        "image_uri": IMAGE,
        "work": "s3://churn-models/scores/work/x",
        "name_prefix": "teleco-customer-churn-",
    }
    return TransformSettings(**(values | changes))  # type: ignore[arg-type]


def test_the_job_request_meets_sagemakers_documented_limits(bundle_dir: Path) -> None:
    bundle = dataclasses.replace(
        load_bundle(str(bundle_dir)), location=f"s3://churn-models/models/{bundle_dir.name}"
    )
    config = settings()
    request = job_request(bundle, config, 7043, model_name(bundle, config))
    check_request(request)  # botocore's model (patterns, lengths, enums) and the payload limits
    assert len(request["TransformJobName"]) <= 63
    # What AWS would refuse and moto accepts: a name over 63 characters, too big a payload.
    config = settings(name_prefix="a-very-long-environment-prefix-for-churn-")
    with pytest.raises(TransformError, match=r"TransformJobName is over 63"):
        check_request(job_request(bundle, config, 7043, model_name(bundle, config)))
    with pytest.raises(TransformError, match="MaxPayloadInMB x MaxConcurrentTransforms"):
        check_request(request | {"MaxPayloadInMB": 20, "MaxConcurrentTransforms": 6})
    with pytest.raises(TransformError, match="BatchStrategy 'Multi' is not one of"):
        check_request(request | {"BatchStrategy": "Multi"})
    many = {"InstanceType": "ml.m5.xlarge", "InstanceCount": 101}
    with pytest.raises(TransformError, match="InstanceCount over 100"):
        check_request(request | {"TransformResources": many})


@pytest.mark.parametrize(
    ("rows", "instances"), [(1, 1), (25_000_000, 1), (25_000_001, 2), (10**8, 4), (10**9, 20)]
)
def test_instances_grow_with_the_base_up_to_the_cap(rows: int, instances: int) -> None:
    assert instance_count(rows, settings()) == instances


def test_the_front_moves_an_endpoint_to_a_new_configuration_as_aws_does(
    aws_env: dict[str, str],
) -> None:
    """moto has no UpdateEndpoint (a deploy that changes the model calls it): the front
    does it, keeping the endpoint's name, ARN and tags."""
    with serve_sagemaker(aws_env["AWS_ENDPOINT_URL"]) as front:
        sagemaker = boto3.client("sagemaker", endpoint_url=front)
        role = "arn:aws:iam::123456789012:role/teleco-customer-churn-sagemaker-execution-role"
        for name in ("update-test-a", "update-test-b"):
            sagemaker.create_model(
                ModelName=name, ExecutionRoleArn=role,
                PrimaryContainer={"Image": "x", "ModelDataUrl": f"s3://b/{name}/model.tar.gz"},
            )  # fmt: skip
            sagemaker.create_endpoint_config(
                EndpointConfigName=name,
                ProductionVariants=[
                    {
                        "VariantName": "AllTraffic",
                        "ModelName": name,
                        "ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 5},
                    }
                ],
            )
        created = sagemaker.create_endpoint(
            EndpointName="update-test", EndpointConfigName="update-test-a",
            Tags=[{"Key": "Project", "Value": "teleco-customer-churn"}],
        )  # fmt: skip
        updated = sagemaker.update_endpoint(
            EndpointName="update-test", EndpointConfigName="update-test-b"
        )
        endpoint = sagemaker.describe_endpoint(EndpointName="update-test")
        assert updated["EndpointArn"] == created["EndpointArn"] == endpoint["EndpointArn"]
        assert (endpoint["EndpointConfigName"], endpoint["EndpointStatus"]) == (
            "update-test-b",
            "InService",
        )
        tags = sagemaker.list_tags(ResourceArn=endpoint["EndpointArn"])["Tags"]
        assert tags == [{"Key": "Project", "Value": "teleco-customer-churn"}]
        with pytest.raises(sagemaker.exceptions.ClientError):  # AWS: no such configuration
            sagemaker.update_endpoint(EndpointName="update-test", EndpointConfigName="none")
        assert sagemaker.describe_endpoint(EndpointName="update-test")["EndpointConfigName"] == (
            "update-test-b"
        )
