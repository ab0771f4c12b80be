"""A front of SageMaker in front of moto, doing two things moto leaves out.

Batch Transform's run of a job. The real service starts the
job's instances with the model's container (sagemaker-xgboost:1.7-1 on model.tar.gz),
splits every input object into lines, sends MultiRecord batches through InputFilter, joins
each answer to its input line (JoinSource=Input), applies OutputFilter and writes
``<input name>.out`` under S3OutputPath. moto records CreateTransformJob (and answers
"Completed" at once) but runs nothing; this does that work, with the model's own archive,
right after moto has recorded the job: a front that forwards every SageMaker call to moto
(the endpoint AWS_ENDPOINT_URL_SAGEMAKER names) and runs each job it sees created.

UpdateEndpoint (a deploy that changes the model): AWS moves the endpoint to the new
endpoint configuration, keeping its name, ARN and tags; moto answers NotImplementedError.
The front does it in moto: the endpoint deleted and created again, same name and tags, on
the new configuration (moto's endpoints are InService at once, as AWS's become).
"""

from __future__ import annotations

import http.server
import io
import json
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import httpx
from botocore.exceptions import ClientError

from churn import artifacts
from churn.storage import S3Location
from tests.support.moto import moto_admin
from tests.support.servers import LOOPBACK, send_json, serve_http

if TYPE_CHECKING:
    import xgboost as xgb

# xgboost and numpy are imported by the job's run only: every rehearsal world serves this
# front, and the shared account's setup, which no job reaches, starts 2 CPU-seconds sooner.


def _booster(s3: Any, model_data_url: str) -> xgb.Booster:
    import xgboost as xgb  # noqa: PLC0415 (see above)

    archive = S3Location.parse(model_data_url)
    body = s3.get_object(Bucket=archive.bucket, Key=archive.key)["Body"].read()
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


def run_transform_job(name: str, moto_endpoint: str) -> list[str]:
    """Do what the job ``name`` asks, as AWS would (as moto's administrator: AWS acts with
    the job's role, which the front does not check); returns the output keys written."""
    import numpy as np  # noqa: PLC0415 (see above)
    import xgboost as xgb  # noqa: PLC0415

    admin = moto_admin()
    sagemaker = admin.client("sagemaker", endpoint_url=moto_endpoint)
    s3 = admin.client("s3", endpoint_url=moto_endpoint)
    job = sagemaker.describe_transform_job(TransformJobName=name)
    model = sagemaker.describe_model(ModelName=job["ModelName"])
    booster = _booster(s3, model["PrimaryContainer"]["ModelDataUrl"])
    processing = job["DataProcessing"]
    assert job["TransformInput"]["SplitType"] == "Line"
    assert processing["JoinSource"] == "Input"
    source = S3Location.parse(job["TransformInput"]["DataSource"]["S3DataSource"]["S3Uri"])
    output = S3Location.parse(job["TransformOutput"]["S3OutputPath"])
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


def update_endpoint(request: dict[str, Any], moto_endpoint: str) -> tuple[int, bytes]:
    """UpdateEndpoint, done in moto (see the module's docstring): status and answer (a
    missing endpoint or configuration is refused as moto refuses it, nothing changed)."""
    sagemaker = moto_admin().client("sagemaker", endpoint_url=moto_endpoint)
    name, config = request["EndpointName"], request["EndpointConfigName"]
    try:
        endpoint = sagemaker.describe_endpoint(EndpointName=name)
        sagemaker.describe_endpoint_config(EndpointConfigName=config)
    except ClientError as error:
        status = error.response["ResponseMetadata"]["HTTPStatusCode"]
        refused = {"__type": error.response["Error"]["Code"], "message": str(error)}
        return status, json.dumps(refused).encode()
    tags = sagemaker.list_tags(ResourceArn=endpoint["EndpointArn"]).get("Tags", [])
    sagemaker.delete_endpoint(EndpointName=name)
    created = sagemaker.create_endpoint(EndpointName=name, EndpointConfigName=config, Tags=tags)
    return 200, json.dumps({"EndpointArn": created["EndpointArn"]}).encode()


def sagemaker_front(moto_endpoint: str) -> type[http.server.BaseHTTPRequestHandler]:
    """SageMaker as the jobs reach it: every call forwarded to moto as it came; when moto
    has recorded a CreateTransformJob, the job's work is done before the answer returns,
    so whoever then sees "Completed" finds the outputs, as in AWS."""

    class SageMaker(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            target = self.headers.get("x-amz-target", "")
            if target.endswith(".UpdateEndpoint"):
                status, updated = update_endpoint(json.loads(body), moto_endpoint)
                send_json(self, status, updated, {"content-type": "application/x-amz-json-1.1"})
                return
            headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
            answer = httpx.post(
                moto_endpoint + self.path, content=body, headers=headers, timeout=60
            )
            if target.endswith(".CreateTransformJob") and answer.is_success:
                run_transform_job(json.loads(body)["TransformJobName"], moto_endpoint)
            kind = {"content-type": answer.headers.get("content-type", "application/json")}
            send_json(self, answer.status_code, answer.content, kind)

        def log_message(self, *_: object) -> None:
            pass

    return SageMaker


@contextmanager
def serve_sagemaker(moto_endpoint: str) -> Iterator[str]:
    """The front running; yields its URL, for AWS_ENDPOINT_URL_SAGEMAKER."""
    with serve_http(sagemaker_front(moto_endpoint)) as server:
        yield f"http://{LOOPBACK}:{server.server_port}"
