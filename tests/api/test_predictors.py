"""The predictors one at a time: the booster in process, and the SageMaker predictor's
request, its reading of the endpoint's answer and every failure's status and line (the
endpoint's answers are given by botocore's Stubber on the real client, its failures raised
by that client, its status read through a recorded describe call)."""

from __future__ import annotations

import io
import json
import logging
import time
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from botocore.response import StreamingBody
from botocore.stub import Stubber

from churn.api import predictors
from churn.api.predictors import LocalPredictor, PredictorError, SageMakerPredictor
from churn.bundles import load_bundle

ENDPOINT = "teleco-customer-churn-endpoint"


@pytest.fixture
def sagemaker(monkeypatch: pytest.MonkeyPatch) -> SageMakerPredictor:
    for name, value in {
        "AWS_DEFAULT_REGION": "eu-central-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }.items():
        monkeypatch.setenv(name, value)
    return SageMakerPredictor(ENDPOINT, connect_timeout=2, read_timeout=7.5, max_attempts=3)


def test_the_clients_wait_and_retry_as_configured(sagemaker: SageMakerPredictor) -> None:
    for client in (sagemaker._runtime, sagemaker._control):
        config: Any = client.meta.config  # botocore's stubs omit its attributes
        assert (config.connect_timeout, config.read_timeout) == (2, 7.5)
        assert config.retries == {"total_max_attempts": 3, "mode": "standard"}
    assert (sagemaker.name, sagemaker.blocking) == ("sagemaker", True)


def answered(text: str) -> StreamingBody:
    raw = text.encode()
    return StreamingBody(io.BytesIO(raw), len(raw))


def test_the_endpoint_gets_text_csv_and_its_answer_is_read(sagemaker: SageMakerPredictor) -> None:
    with Stubber(sagemaker._runtime) as stub:
        stub.add_response(
            "invoke_endpoint",
            {"Body": answered("0.25\n0.75\n")},
            {
                "EndpointName": ENDPOINT,
                "ContentType": "text/csv",
                "Accept": "text/csv",
                "Body": b"1.0,0.0,12.0\n0.0,1.0,0.1",
            },
        )
        assert sagemaker.predict([[1, 0, 12], [0.0, 1.0, 0.1]]) == [0.25, 0.75]
        stub.assert_no_pending_responses()


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("0.1,0.2,0.3", [0.1, 0.2, 0.3]),
        ("0.1\n0.2\n0.3\n", [0.1, 0.2, 0.3]),
        (" 0.1 ,\n0.2,, 0.3\n\n", [0.1, 0.2, 0.3]),
        ("0,1,0.5", [0.0, 1.0, 0.5]),
    ],
)
def test_one_value_per_line_or_comma_separated(answer: str, expected: list[float]) -> None:
    assert predictors._parse_probabilities(answer, expected=3) == expected


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("0.1,0.2", "the model endpoint answered 2 values for 3 rows"),
        ("0.1,0.2,0.3,0.4", "the model endpoint answered 4 values for 3 rows"),
        ("0.1,oops,0.3", "the model endpoint answered something other than numbers"),
        ("0.1,-0.01,0.3", "the model endpoint answered values outside 0..1"),
        ("0.1,1.01,0.3", "the model endpoint answered values outside 0..1"),
    ],
)
def test_an_answer_that_is_not_probabilities_is_a_502(answer: str, message: str) -> None:
    with pytest.raises(PredictorError) as failed:
        predictors._parse_probabilities(answer, expected=3)
    assert (failed.value.status, failed.value.message, failed.value.retry_after) == (
        502,
        message,
        None,
    )
    assert failed.value.logged == message


def raising(error: Exception) -> Any:
    def invoke(**_: Any) -> Any:
        raise error

    return invoke


@pytest.mark.parametrize(
    ("error", "status", "message", "retry_after"),
    [
        (
            ReadTimeoutError(endpoint_url="https://x"),
            503,
            "the model endpoint did not answer within 7.5 s",
            5,
        ),
        (
            ConnectTimeoutError(endpoint_url="https://x"),
            503,
            "the model endpoint did not answer within 7.5 s",
            5,
        ),
        (
            EndpointConnectionError(endpoint_url="https://x"),
            503,
            "the model endpoint cannot be reached",
            5,
        ),
        (BotoCoreError(), 502, "the model endpoint call failed (see the server's log)", None),
    ],
)
def test_a_call_that_fails_on_the_way_says_how(
    sagemaker: SageMakerPredictor,
    monkeypatch: pytest.MonkeyPatch,
    error: Exception,
    status: int,
    message: str,
    retry_after: int | None,
) -> None:
    monkeypatch.setattr(sagemaker._runtime, "invoke_endpoint", raising(error))
    with pytest.raises(PredictorError) as failed:
        sagemaker.predict([[1.0]])
    assert (failed.value.status, failed.value.message, failed.value.retry_after) == (
        status,
        message,
        retry_after,
    )
    if isinstance(error, BotoCoreError) and status == 502:
        assert failed.value.logged == str(error)


def client_error(code: str | None, message: str = "") -> ClientError:
    response: dict[str, Any] = {"Error": {"Code": code, "Message": message}} if code else {}
    return ClientError(response, "InvokeEndpoint")  # type: ignore[arg-type]


@pytest.mark.parametrize("code", sorted(predictors.TRANSIENT_CODES))
def test_a_busy_or_starting_endpoint_is_a_503_to_retry(
    sagemaker: SageMakerPredictor, monkeypatch: pytest.MonkeyPatch, code: str
) -> None:
    monkeypatch.setattr(sagemaker._runtime, "invoke_endpoint", raising(client_error(code, "x")))
    with pytest.raises(PredictorError) as failed:
        sagemaker.predict([[1.0]])
    assert (failed.value.status, failed.value.retry_after) == (503, 5)
    assert failed.value.message == f"the model endpoint is busy or starting ({code})"


@pytest.mark.parametrize(
    ("code", "said", "status", "message", "retry_after"),
    [
        ("ModelError", "boom", 502, "the model endpoint failed (ModelError)", None),
        (
            "ValidationError",
            f"Endpoint {ENDPOINT} of account 1 NOT FOUND.",
            503,
            "the model endpoint does not exist",
            30,
        ),
        (
            "ValidationError",
            "bad body",
            502,
            "the model endpoint call failed (ValidationError)",
            None,
        ),
        (
            "AccessDeniedException",
            "no",
            502,
            "the model endpoint call failed (AccessDeniedException)",
            None,
        ),
        (None, "", 502, "the model endpoint call failed ()", None),
    ],
)
def test_aws_refusals_keep_their_details_for_the_log(
    sagemaker: SageMakerPredictor,
    monkeypatch: pytest.MonkeyPatch,
    code: str | None,
    said: str,
    status: int,
    message: str,
    retry_after: int | None,
) -> None:
    monkeypatch.setattr(sagemaker._runtime, "invoke_endpoint", raising(client_error(code, said)))
    with pytest.raises(PredictorError) as failed:
        sagemaker.predict([[1.0]])
    assert (failed.value.status, failed.value.message, failed.value.retry_after) == (
        status,
        message,
        retry_after,
    )
    assert failed.value.logged == f"{code or ''}: {said} (endpoint {ENDPOINT})"


class Describer:
    def __init__(self, *answers: str | Exception) -> None:
        self.answers = list(answers)
        self.asked: list[str] = []

    def __call__(self, *, EndpointName: str) -> dict[str, str]:  # noqa: N803 - boto3's name
        self.asked.append(EndpointName)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return {"EndpointStatus": answer}


def test_readiness_is_the_endpoints_status_asked_at_most_every_30_s(
    sagemaker: SageMakerPredictor, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    now = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    describe = Describer("Creating", "InService", client_error("AccessDeniedException", "no"))
    monkeypatch.setattr(sagemaker._control, "describe_endpoint", describe)
    assert sagemaker.ready() == (False, "Creating")
    now[0] += 29.9
    assert sagemaker.ready() == (False, "Creating")  # not asked again yet
    assert describe.asked == [ENDPOINT]
    now[0] += 0.1
    assert sagemaker.ready() == (True, None)
    now[0] += 30
    with caplog.at_level(logging.WARNING, logger="churn.api"):
        assert sagemaker.ready() == (
            False,
            "the endpoint's status cannot be read (see the server's log)",
        )
    assert [r.getMessage() for r in caplog.records] == ["cannot describe the endpoint"]
    assert describe.asked == [ENDPOINT] * 3


def test_readiness_is_asked_at_the_first_call(
    sagemaker: SageMakerPredictor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(time, "monotonic", lambda: 5.0)  # a machine just booted
    monkeypatch.setattr(sagemaker._control, "describe_endpoint", Describer("InService"))
    assert sagemaker.ready() == (True, None)


def test_the_booster_in_process_scores_with_one_thread(bundle_dir: Path) -> None:
    served = load_bundle(str(bundle_dir))
    assert served.booster is not None
    local = LocalPredictor(served.booster)
    assert (local.name, local.blocking, local.ready()) == ("local", False, (True, None))
    width = len(served.spec.features)
    probabilities = local.predict([[0.0] * width, [1.0] * width])
    assert len(probabilities) == 2
    assert all(type(p) is float and 0 < p < 1 for p in probabilities)
    config = json.loads(local._booster.save_config())
    assert config["learner"]["generic_param"]["nthread"] == "1"


def test_an_error_says_one_thing_to_the_client_and_may_log_more() -> None:
    plain = PredictorError(502, "failed")
    assert (str(plain), plain.logged, plain.retry_after) == ("failed", "failed", None)
    detailed = PredictorError(503, "busy", retry_after=5, logged="ThrottlingException: x")
    assert (str(detailed), detailed.logged, detailed.retry_after) == (
        "busy",
        "ThrottlingException: x",
        5,
    )
