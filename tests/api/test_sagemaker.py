"""The SageMaker predictor: answers through a moto server, failures through a local endpoint
that speaks SageMaker Runtime's wire format, all with real boto3 over real HTTP."""

from __future__ import annotations

import contextlib
import http.server
import json
import logging
import math
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from pydantic import ValidationError

from churn import contract
from churn.api.app import create_app
from churn.api.predictors import LocalPredictor
from churn.api.schemas import MAX_BATCH_ROWS
from churn.api.settings import Settings
from churn.bundles import load_bundle
from churn.train.training import TrainingResult
from tests.support.live import serve
from tests.support.servers import LOOPBACK, TEST_REGION, MotoServer

ENDPOINT = "teleco-customer-churn-xgboost-endpoint"


def sagemaker_settings(bundle_dir: Path, **overrides: Any) -> Settings:
    return Settings(
        bundle=str(bundle_dir),
        predictor="sagemaker",
        sagemaker_endpoint=ENDPOINT,
        **overrides,
    )


# ---------------------------------------------------------------------------------------
# Through moto: the request path and the readiness check
# ---------------------------------------------------------------------------------------


def create_moto_endpoint() -> None:
    """The serverless endpoint in moto (once per server: it lives for the session)."""
    client = boto3.client("sagemaker")
    if client.list_endpoints(NameContains=ENDPOINT)["Endpoints"]:
        return
    image = "492215442770.dkr.ecr.eu-central-1.amazonaws.com/sagemaker-xgboost:1.7-1"
    client.create_model(
        ModelName="churn-model",
        ExecutionRoleArn="arn:aws:iam::123456789012:role/teleco-customer-churn-sagemaker-role",
        PrimaryContainer={"Image": image},
    )
    client.create_endpoint_config(
        EndpointConfigName="churn-config",
        ProductionVariants=[
            {
                "VariantName": "AllTraffic",
                "ModelName": "churn-model",
                "ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 5},
            }
        ],
    )
    client.create_endpoint(EndpointName=ENDPOINT, EndpointConfigName="churn-config")


def queue_moto_results(server: MotoServer, *bodies: str) -> None:
    """Queue answers for the next distinct invocations. moto then answers an identical
    invocation (same endpoint and body) with the same result for the rest of the session,
    so each test that uses this scores customers that no other test sends to moto."""
    results = [{"Body": body, "ContentType": "text/csv"} for body in bodies]
    answer = httpx.post(
        f"{server.endpoint}/moto-api/static/sagemaker/endpoint-results",
        json={"region": TEST_REGION, "results": results},
    )
    answer.raise_for_status()


def test_predictions_come_from_the_endpoint(
    aws_env: dict[str, str],
    moto_server: MotoServer,
    bundle_dir: Path,
    customers: list[dict[str, Any]],
) -> None:
    create_moto_endpoint()
    queue_moto_results(moto_server, "0.8125", "0.25\n0.75")
    with serve(create_app(sagemaker_settings(bundle_dir))) as url:
        single = httpx.post(f"{url}/v1/predictions", json=customers[0]).json()
        batch = httpx.post(f"{url}/v1/predictions/batch", json={"customers": customers[1:3]}).json()
        health = httpx.get(f"{url}/v1/health").json()

    assert (single["churn_probability"], single["risk_band"]) == (0.8125, "high")
    assert [r["prediction"]["churn_probability"] for r in batch["results"]] == [0.25, 0.75]
    assert health["ready"] is True and health["predictor"] == "sagemaker"


class Collected(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.reasons: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.reasons.append(str(record.__dict__.get("reason")))


def test_aws_error_text_stays_in_the_log(aws_env: dict[str, str], bundle_dir: Path) -> None:
    """An endpoint that cannot be described (in AWS: AccessDenied, naming the account and
    the role) is reported without AWS's text; the text goes to the log."""
    settings = Settings(
        bundle=str(bundle_dir), predictor="sagemaker", sagemaker_endpoint="teleco-no-such-endpoint"
    )
    app = create_app(settings)  # which sets the API's log handlers
    collected = Collected()
    logging.getLogger("churn.api").addHandler(collected)
    try:
        with serve(app) as url:
            health = httpx.get(f"{url}/v1/health")
    finally:
        logging.getLogger("churn.api").removeHandler(collected)
    assert health.status_code == 503
    assert health.json()["detail"] == "the endpoint's status cannot be read (see the server's log)"
    assert "teleco-no-such-endpoint" not in health.text
    assert any("teleco-no-such-endpoint" in reason for reason in collected.reasons)


# ---------------------------------------------------------------------------------------
# Through a local endpoint double: what the endpoint receives, and how failures surface
# ---------------------------------------------------------------------------------------


@dataclass
class EndpointDouble:
    url: str
    behaviour: str = "ok"
    requests: list[tuple[str, str, str]] = field(default_factory=list)
    # behaviour "model": what the real endpoint does, scoring each CSV row with the bundle's
    # booster (tests/compat shows the container's libraries give the same probabilities).
    model: LocalPredictor | None = None


ERRORS: dict[str, tuple[int, str, str]] = {
    "model_error": (424, "ModelError", "Received server error (500) from primary"),
    "cold": (429, "ModelNotReadyException", "Model is not ready"),
    "throttled": (400, "ThrottlingException", "Rate exceeded"),
    "missing": (400, "ValidationError", f"Endpoint {ENDPOINT} of account 123 not found."),
}


@pytest.fixture(scope="module")
def endpoint_double() -> Iterator[EndpointDouble]:
    double = EndpointDouble(url="")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", 0))
            payload = self.rfile.read(length).decode()
            double.requests.append((self.path, self.headers.get("content-type", ""), payload))
            rows = payload.count("\n") + 1
            if double.behaviour == "slow":
                time.sleep(2)
            if double.behaviour in ERRORS:
                status, code, message = ERRORS[double.behaviour]
                self._send(status, json.dumps({"message": message}).encode(), code)
            elif double.behaviour == "short":
                self._send(200, b"0.5")
            elif double.behaviour == "garbage":
                self._send(200, b"<html>oops</html>")
            elif double.behaviour == "model" and double.model:
                vectors = [[float(v) for v in line.split(",")] for line in payload.splitlines()]
                scored = double.model.predict(vectors)
                self._send(200, "\n".join(repr(p) for p in scored).encode())
            else:
                self._send(200, "\n".join(["0.375"] * rows).encode())

        def _send(self, status: int, content: bytes, error_type: str | None = None) -> None:
            # A client that timed out (the slow case) has gone: the late answer is dropped
            # quietly, as the real endpoint's would be, instead of a traceback printed into
            # whichever test runs next.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.send_response(status)
                self.send_header("content-type", "application/json" if error_type else "text/csv")
                if error_type:
                    self.send_header("x-amzn-errortype", error_type)
                self.send_header("content-length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer((LOOPBACK, 0), Handler)
    double.url = f"http://{LOOPBACK}:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield double
    server.shutdown()
    server.server_close()  # waits for a handler still sleeping (the slow case) to finish


@contextlib.contextmanager
def api_in_front_of(
    double: EndpointDouble, settings: Settings, monkeypatch: pytest.MonkeyPatch, behaviour: str
) -> Iterator[str]:
    """The API serving with ``settings``, its endpoint calls sent to ``double``."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME", double.url)
    double.behaviour = behaviour
    double.requests.clear()
    with serve(create_app(settings)) as url:
        yield url


@pytest.fixture
def api_via_double(
    endpoint_double: EndpointDouble,
    bundle_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    aws_env: dict[str, str],
) -> Iterator[str]:
    settings = sagemaker_settings(
        bundle_dir, sagemaker_read_timeout_seconds=0.5, sagemaker_max_attempts=2
    )
    with api_in_front_of(endpoint_double, settings, monkeypatch, "ok") as url:
        yield url


def test_the_endpoint_receives_the_spec_vector_as_text_csv(
    api_via_double: str,
    endpoint_double: EndpointDouble,
    customers: list[dict[str, Any]],
    trained: TrainingResult,
) -> None:
    answer = httpx.post(f"{api_via_double}/v1/predictions", json=customers[0])
    assert answer.json()["churn_probability"] == 0.375
    path, content_type, payload = endpoint_double.requests[-1]
    assert path == f"/endpoints/{ENDPOINT}/invocations"
    assert content_type == "text/csv"
    values = [float(cell) for cell in payload.split(",")]
    assert len(values) == len(trained.spec.features)
    assert set(values[:-3]) <= {0.0, 1.0}
    assert values[-3:] == [
        customers[0]["tenure"],
        customers[0]["MonthlyCharges"],
        customers[0]["TotalCharges"],
    ]


@pytest.mark.parametrize(
    ("behaviour", "status", "fragment", "retry"),
    [
        ("model_error", 502, "the model endpoint failed (ModelError)", False),
        ("cold", 503, "busy or starting (ModelNotReadyException)", True),
        ("throttled", 503, "busy or starting (ThrottlingException)", True),
        ("missing", 503, "the model endpoint does not exist", True),
        ("slow", 503, "did not answer within 0.5 s", True),
        ("short", 502, "answered 1 values for 2 rows", False),
        ("garbage", 502, "something other than numbers", False),
    ],
)
def test_endpoint_failures_become_clear_5xx(
    behaviour: str,
    status: int,
    fragment: str,
    retry: bool,
    api_via_double: str,
    endpoint_double: EndpointDouble,
    customers: list[dict[str, Any]],
) -> None:
    endpoint_double.behaviour = behaviour
    started = time.monotonic()
    answer = httpx.post(
        f"{api_via_double}/v1/predictions/batch",
        json={"customers": customers[:2]},
        timeout=60,
    )
    elapsed = time.monotonic() - started

    assert answer.status_code == status
    assert fragment in answer.json()["message"]
    assert ENDPOINT not in answer.text and "Received server error" not in answer.text
    assert ("retry-after" in answer.headers) is retry
    assert elapsed < 29  # the API Gateway limit, not a benchmark


def test_settings_refuse_timeouts_that_outlast_api_gateway(bundle_dir: Path) -> None:
    with pytest.raises(ValidationError, match="would outlast API Gateway's 29 s limit"):
        sagemaker_settings(bundle_dir, sagemaker_read_timeout_seconds=20, sagemaker_max_attempts=2)
    with pytest.raises(ValidationError, match="CHURN_SAGEMAKER_ENDPOINT is required"):
        Settings(bundle=str(bundle_dir), predictor="sagemaker")


# ---------------------------------------------------------------------------------------
# Drivers and levers in SageMaker mode: the probability from the endpoint, the drivers from
# the bundle's trees in the API, one endpoint call per request
# ---------------------------------------------------------------------------------------


@pytest.fixture
def api_via_model(
    endpoint_double: EndpointDouble,
    bundle_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    aws_env: dict[str, str],
) -> Iterator[str]:
    """The API in front of a double that scores with the real booster: the settings' own
    timeout, not the failure tests' 0.5 s, which a loaded machine's thousand-row batch can
    outlast (the client then retries, and the double counts one call more)."""
    endpoint_double.model = LocalPredictor(load_bundle(str(bundle_dir)).booster)
    settings = sagemaker_settings(bundle_dir)
    with api_in_front_of(endpoint_double, settings, monkeypatch, "model") as url:
        yield url
    endpoint_double.model = None


def test_drivers_add_up_to_the_endpoints_probability_for_every_customer(
    api_via_model: str, endpoint_double: EndpointDouble, customers: list[dict[str, Any]]
) -> None:
    worst = 0.0
    for start in range(0, len(customers), MAX_BATCH_ROWS):
        batch = customers[start : start + MAX_BATCH_ROWS]
        answer = httpx.post(
            f"{api_via_model}/v1/predictions/batch?top=3", json={"customers": batch}, timeout=60
        )
        assert answer.status_code == 200, answer.text
        for row in answer.json()["results"]:
            prediction = row["prediction"]
            explanation = prediction["explanation"]
            listed = sum(driver["contribution"] for driver in explanation["drivers"])
            total = explanation["base_value"] + listed + explanation["other_fields"]
            assert total == pytest.approx(explanation["margin"], abs=1e-9)
            served = 1.0 / (1.0 + math.exp(-explanation["margin"]))
            worst = max(worst, abs(served - prediction["churn_probability"]))
    assert worst <= 1e-6
    assert len(endpoint_double.requests) == -(-len(customers) // MAX_BATCH_ROWS)


def test_levers_cost_one_endpoint_call(
    api_via_model: str, endpoint_double: EndpointDouble, customers: list[dict[str, Any]]
) -> None:
    customer = customers[0]
    answer = httpx.post(f"{api_via_model}/v1/predictions/levers", json=customer, timeout=60)
    assert answer.status_code == 200, answer.text
    assert len(endpoint_double.requests) == 1
    (_, _, payload) = endpoint_double.requests[0]
    variants = contract.lever_variants(contract.normalize_record(customer))
    assert payload.count("\n") + 1 == 1 + len(variants)  # the customer, then each variant
    assert answer.json()["levers"]
