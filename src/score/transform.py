"""The batch-transform engine: SageMaker Batch Transform, AWS's engine for scoring data sets
of any size, runs the prebuilt sagemaker-xgboost:1.7-1 container on the bundle's own
model.tar.gz (the archive the serverless endpoint serves).

1. prepare: the base read and checked exactly as by the local engine (same chunks, same
   rejects, same drift counts), each chunk written to S3 as two objects with one part number:
   ``<work>/features/part-00000.csv``, "line,feature,..." with no header (the container reads
   every line as one record, in the spec's feature order), and
   ``<work>/customers/part-00000.csv``, "line,customerID" (ids never reach the model).
2. transform: one job over ``<work>/features/``: SplitType=Line, MultiRecord batches of up to
   ``MAX_PAYLOAD_MB``; InputFilter "$[1:]" (the line number is not a feature), JoinSource=Input
   and OutputFilter "$[0,-1]", so each output line is "line,probability". AWS names each
   output after its input: ``<work>/predictions/part-00000.csv.out``. Instances: one per
   ``rows_per_instance`` customers, at most ``max_instances``.
3. assemble: each part's probabilities joined to its customers by line number (checked, not
   assumed), drivers computed for the customers at risk from the part's features, and the
   same outputs written as the local engine's.

Here prepare and assemble stream part by part in the churn-score process, on every core, a
few parts in memory at a time: memory stays flat and no disk is used whatever the base's
size; time grows with the base on one machine (docs/scoring-cost.md gives the figures,
and why the next step is running churn-score inside AWS rather than Processing jobs).
"""

from __future__ import annotations

import io
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import boto3
import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from churn import artifacts, contract, storage
from churn.bundles import ServingBundle
from churn.errors import DependencyError
from churn.score.limits import request_problems

if TYPE_CHECKING:
    from mypy_boto3_sagemaker import SageMakerClient

    from churn.score.validation import CheckedChunk

MAX_PAYLOAD_MB: Final = 6  # a mini-batch; the default, and far above one record (~150 bytes)
INPUT_FILTER: Final = "$[1:]"
OUTPUT_FILTER: Final = "$[0,-1]"
FEATURES: Final = "features"
CUSTOMERS: Final = "customers"
PREDICTIONS: Final = "predictions"
OUT_SUFFIX: Final = ".out"  # what Batch Transform appends to each input object's name
DONE_STATES: Final = frozenset({"Completed", "Failed", "Stopped"})
_CONFIG: Final = Config(retries={"max_attempts": 5, "mode": "standard"})


class TransformError(DependencyError):
    """The transform job could not run or its output is not what was sent; one line."""


@dataclass(frozen=True)
class TransformSettings:
    role_arn: str
    """The role SageMaker assumes for the job: read the features, write the predictions."""
    image_uri: str
    """sagemaker-xgboost:1.7-1 in the job's region (Terraform's prebuilt-image lookup)."""
    work: str
    """s3://bucket/prefix for the job's inputs and outputs."""
    name_prefix: str
    instance_type: str = "ml.m5.xlarge"
    # An ml.m5.xlarge decodes and scores about 200,000 rows a second (bench/score.py replays
    # the container's CSV decoding): 25M rows are two minutes of work against about five of
    # start-up, so more instances would mostly pay for start-ups (README: the cost plan).
    rows_per_instance: int = 25_000_000
    max_instances: int = 20
    poll_seconds: float = 30.0
    timeout_seconds: float = 6 * 3600.0


def part_name(number: int) -> str:
    return f"part-{number:05d}.csv"


def instance_count(rows: int, settings: TransformSettings) -> int:
    return max(1, min(settings.max_instances, math.ceil(rows / settings.rows_per_instance)))


class Preparation:
    """Writes each checked chunk's feature rows and customers as one part on S3; ``put`` is
    safe on any worker thread (boto3's clients are), the caller numbers the parts."""

    def __init__(self, work: storage.S3Location) -> None:
        self.work = work
        self._client = storage.s3_client()

    def put(self, number: int, checked: CheckedChunk, matrix: np.ndarray[Any, Any]) -> str:
        """Part ``number`` of the job's input; its name."""
        name = part_name(number)
        lines = pa.array(checked.lines)
        columns = {"line": lines} | {
            str(position): pa.array(matrix[:, position]) for position in range(matrix.shape[1])
        }
        self._put(FEATURES, name, pa.table(columns))
        self._put(CUSTOMERS, name, pa.table({"line": lines, contract.ID_COLUMN: checked.ids}))
        return name

    def _put(self, folder: str, name: str, table: pa.Table) -> None:
        body = io.BytesIO()
        # No header and no quoting of numbers: the container parses each line as floats.
        pcsv.write_csv(table, body, pcsv.WriteOptions(include_header=False))
        key = self.work.child(f"{folder}/{name}")
        try:
            self._client.put_object(Bucket=key.bucket, Key=key.key, Body=body.getvalue())
        except (ClientError, BotoCoreError) as error:
            raise storage.StorageError(f"{key}: cannot write ({error})") from None


def job_request(
    bundle: ServingBundle, settings: TransformSettings, rows: int, model_name: str
) -> dict[str, Any]:
    """CreateTransformJob's request (the constraints AWS enforces are checked by the tests
    and in policies; moto does not check them)."""
    work = storage.S3Location.parse(settings.work)
    return {
        "TransformJobName": f"{model_name}-{secrets.token_hex(3)}",
        "ModelName": model_name,
        "BatchStrategy": "MultiRecord",
        "MaxPayloadInMB": MAX_PAYLOAD_MB,
        "TransformInput": {
            "DataSource": {
                "S3DataSource": {
                    "S3DataType": "S3Prefix",
                    "S3Uri": f"{work.child(FEATURES)}/",
                }
            },
            "ContentType": "text/csv",
            "CompressionType": "None",
            "SplitType": "Line",
        },
        "TransformOutput": {
            "S3OutputPath": f"{work.child(PREDICTIONS)}/",
            "Accept": "text/csv",
            "AssembleWith": "Line",
        },
        "TransformResources": {
            "InstanceType": settings.instance_type,
            "InstanceCount": instance_count(rows, settings),
        },
        "DataProcessing": {
            "InputFilter": INPUT_FILTER,
            "JoinSource": "Input",
            "OutputFilter": OUTPUT_FILTER,
        },
        "Tags": [{"Key": "model_version", "Value": bundle.version}],
    }


def check_request(request: dict[str, Any]) -> None:
    """Refuse, before AWS does, a request that breaks CreateTransformJob's constraints."""
    if problems := request_problems(request, MAX_PAYLOAD_MB):
        raise TransformError(f"the job request breaks SageMaker's limits: {problems[0]}")


def model_name(bundle: ServingBundle, settings: TransformSettings) -> str:
    return f"{settings.name_prefix}score-{bundle.version}"


def run_job(
    bundle: ServingBundle,
    settings: TransformSettings,
    rows: int,
    progress: Callable[[str], None],
) -> str:
    """Create the model (once per bundle version) and the job, and wait for it to finish."""
    client: SageMakerClient = boto3.client("sagemaker", config=_CONFIG)
    name = model_name(bundle, settings)
    archive = storage.S3Location.parse(bundle.location).child(artifacts.MODEL_ARCHIVE)
    request = job_request(bundle, settings, rows, name)
    check_request(request)
    try:
        _ensure_model(client, name, str(archive), settings)
        client.create_transform_job(**request)
        job = request["TransformJobName"]
        progress(
            f"transform job {job}: {request['TransformResources']['InstanceCount']} instance(s)"
        )
        return _wait(client, job, settings)
    except ClientError as error:
        details = error.response.get("Error", {})
        raise TransformError(
            f"SageMaker said {details.get('Code')}: {details.get('Message')}"
        ) from None
    except BotoCoreError as error:
        raise TransformError(f"cannot reach SageMaker ({error})") from None


def _ensure_model(
    client: SageMakerClient, name: str, archive: str, settings: TransformSettings
) -> None:
    try:
        client.describe_model(ModelName=name)
        return
    except ClientError as error:
        # DescribeModel answers an unknown name with ValidationException ("Could not find").
        if error.response.get("Error", {}).get("Code") != "ValidationException":
            raise
    client.create_model(
        ModelName=name,
        PrimaryContainer={"Image": settings.image_uri, "ModelDataUrl": archive},
        ExecutionRoleArn=settings.role_arn,
    )


def _wait(client: SageMakerClient, job: str, settings: TransformSettings) -> str:
    deadline = time.monotonic() + settings.timeout_seconds
    while True:
        described = client.describe_transform_job(TransformJobName=job)
        status = described["TransformJobStatus"]
        if status == "Completed":
            return job
        if status in DONE_STATES:
            reason = described.get("FailureReason", "no reason given")
            raise TransformError(f"transform job {job} ended {status}: {reason}")
        if time.monotonic() > deadline:
            client.stop_transform_job(TransformJobName=job)
            raise TransformError(f"transform job {job} took over {settings.timeout_seconds:g} s")
        time.sleep(settings.poll_seconds)


@dataclass(frozen=True)
class AssembledPart:
    lines: np.ndarray[Any, Any]
    ids: pa.StringArray
    probabilities: np.ndarray[Any, Any]
    features: np.ndarray[Any, Any]


def assembled(work: storage.S3Location, name: str, rows: int) -> AssembledPart:
    """One part's customers with the job's probabilities, joined by line number."""
    features = _read_csv(work.child(f"{FEATURES}/{name}"))
    customers = _read_csv(work.child(f"{CUSTOMERS}/{name}"), text_column=1)
    predicted = _read_csv(work.child(f"{PREDICTIONS}/{name}{OUT_SUFFIX}"))
    lines = customers.column(0).to_numpy()
    if predicted.num_rows != rows or not np.array_equal(predicted.column(0).to_numpy(), lines):
        raise TransformError(
            f"{PREDICTIONS}/{name}{OUT_SUFFIX}: {predicted.num_rows} predictions for "
            f"{rows} customers, or not in their order"
        )
    matrix = np.column_stack([column.to_numpy() for column in features.columns[1:]])
    return AssembledPart(
        lines=lines,
        ids=customers.column(1),
        probabilities=predicted.column(1).to_numpy().astype(np.float64),
        features=np.ascontiguousarray(matrix, dtype=np.float64),
    )


def _read_csv(location: storage.S3Location, text_column: int | None = None) -> pa.Table:
    try:
        body = storage.read_bytes(str(location))
    except storage.StorageError as error:
        raise TransformError(str(error)) from None
    types = {"f1": pa.string()} if text_column is not None else {}
    return pcsv.read_csv(
        pa.BufferReader(body),
        read_options=pcsv.ReadOptions(autogenerate_column_names=True),
        convert_options=pcsv.ConvertOptions(column_types={"f0": pa.int64(), **types}),
    )
