"""A stand-in for SageMaker Batch Transform's run of a job. The real service starts the
job's instances with the model's container (sagemaker-xgboost:1.7-1 on model.tar.gz),
splits every input object into lines, sends MultiRecord batches through InputFilter, joins
each answer to its input line (JoinSource=Input), applies OutputFilter and writes
``<input name>.out`` under S3OutputPath. moto records CreateTransformJob (and answers
"Completed" at once) but runs nothing; this does that work, with the model's own archive,
right after moto has recorded the job: it is hooked on boto3's ``after-call`` event.
"""

from __future__ import annotations

import io
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import numpy as np
import xgboost as xgb

from churn import artifacts
from churn.storage import S3Location


def _booster(model_data_url: str) -> xgb.Booster:
    archive = S3Location.parse(model_data_url)
    body = boto3.client("s3").get_object(Bucket=archive.bucket, Key=archive.key)["Body"].read()
    with tarfile.open(fileobj=io.BytesIO(body), mode="r:gz") as tar:
        member = tar.extractfile(artifacts.BOOSTER_FILE)
        assert member is not None
        booster = xgb.Booster()
        booster.load_model(bytearray(member.read()))
    return booster


def _columns(selector: str, values: list[str]) -> list[str]:
    """The two JSONPath forms the engine uses on a CSV record: "$[1:]" and "$[0,-1]"."""
    if selector == "$[1:]":
        return values[1:]
    if selector == "$[0,-1]":
        return [values[0], values[-1]]
    raise AssertionError(f"the stand-in does not know the filter {selector!r}")


def run_transform_job(name: str) -> list[str]:
    """Do what the job ``name`` asks, as AWS would; returns the output keys written."""
    sagemaker = boto3.client("sagemaker")
    job = sagemaker.describe_transform_job(TransformJobName=name)
    model = sagemaker.describe_model(ModelName=job["ModelName"])
    booster = _booster(model["PrimaryContainer"]["ModelDataUrl"])
    processing = job["DataProcessing"]
    assert job["TransformInput"]["SplitType"] == "Line"
    assert processing["JoinSource"] == "Input"
    source = S3Location.parse(job["TransformInput"]["DataSource"]["S3DataSource"]["S3Uri"])
    output = S3Location.parse(job["TransformOutput"]["S3OutputPath"])
    s3 = boto3.client("s3")
    written = []
    listed = s3.list_objects_v2(Bucket=source.bucket, Prefix=source.key).get("Contents", [])
    for item in listed:
        lines = s3.get_object(Bucket=source.bucket, Key=item["Key"])["Body"].read().decode()
        records = [line.split(",") for line in lines.splitlines() if line]
        inputs = np.array(
            [_columns(processing["InputFilter"], record) for record in records], dtype=np.float32
        )
        # The container's answer in batch mode: one str() of each prediction per line.
        predictions = [str(p) for p in booster.predict(xgb.DMatrix(inputs)).tolist()]
        joined = [
            ",".join(_columns(processing["OutputFilter"], [*record, prediction]))
            for record, prediction in zip(records, predictions, strict=True)
        ]
        key = output.child(item["Key"].removeprefix(source.key).lstrip("/") + ".out").key
        s3.put_object(Bucket=output.bucket, Key=key, Body=("\n".join(joined) + "\n").encode())
        written.append(key)
    return written


@contextmanager
def transform_runs() -> Iterator[list[str]]:
    """While active, every transform job created through boto3 in this process is run by
    the stand-in as soon as moto has recorded it; yields the names of the jobs run."""
    ran: list[str] = []
    asked: list[str] = []

    def before_create(params: dict[str, Any], **_: Any) -> None:
        asked.append(params["TransformJobName"])

    def after_create(http_response: Any, **_: Any) -> None:
        if http_response.status_code == 200:
            run_transform_job(asked[-1])
            ran.append(asked[-1])

    events = boto3.DEFAULT_SESSION.events if boto3.DEFAULT_SESSION else None
    if events is None:
        boto3.setup_default_session()
        events = boto3.DEFAULT_SESSION.events  # type: ignore[union-attr]
    hooks = (
        ("provide-client-params.sagemaker.CreateTransformJob", before_create),
        ("after-call.sagemaker.CreateTransformJob", after_create),
    )
    for event, hook in hooks:
        events.register(event, hook)
    try:
        yield ran
    finally:
        for event, hook in hooks:
            events.unregister(event, hook)
