"""The Lambda entry point with API Gateway HTTP API payload-v2.0 events for the `v1` stage."""

from __future__ import annotations

import base64
import importlib
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.images.lambda_invoke import Context


def http_api_event(
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    base64_body: bool = False,
    query: str = "",
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """An HTTP API (payload format 2.0) event for the `$default` route of stage `v1`."""
    all_headers = {
        "accept": "application/json",
        "content-length": str(len(body or b"")),
        "host": "abc123.execute-api.eu-central-1.amazonaws.com",
        "user-agent": "python-httpx/0.28.1",
        "x-amzn-trace-id": "Root=1-5e6722a7-cc56xmpl46db7ae02d4da47e",
        "x-forwarded-for": "198.51.100.7",
        "x-forwarded-port": "443",
        "x-forwarded-proto": "https",
    } | (headers or {})
    encoded = base64.b64encode(body).decode() if body is not None and base64_body else None
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": all_headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123",
            "authorizer": {
                "iam": {
                    "accessKey": "ASIAXMPLE",
                    "accountId": "123456789012",
                    "callerId": "AROAXMPLE:ecs-task",
                    "userArn": "arn:aws:sts::123456789012:assumed-role/ui/task",
                    "userId": "AROAXMPLE:ecs-task",
                }
            },
            "domainName": "abc123.execute-api.eu-central-1.amazonaws.com",
            "domainPrefix": "abc123",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "198.51.100.7",
                "userAgent": "python-httpx/0.28.1",
            },
            "requestId": "JKJaXmPLvHcESHA=",
            "routeKey": "$default",
            "stage": "v1",
            "time": "24/Nov/2026:10:15:30 +0000",
            "timeEpoch": 1795515330000,
        },
        "isBase64Encoded": base64_body,
    }
    if query:
        event["queryStringParameters"] = dict(part.split("=", 1) for part in query.split("&"))
    if body is not None:
        event["body"] = encoded if base64_body else body.decode()
    return event


@pytest.fixture
def handler_module(bundle_dir: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """A fresh import of churn.api.handler, configured only through the environment."""
    monkeypatch.setenv("CHURN_BUNDLE", str(bundle_dir))
    monkeypatch.setenv("CHURN_PREDICTOR", "local")
    sys.modules.pop("churn.api.handler", None)
    return importlib.import_module("churn.api.handler")


def invoke(module: ModuleType, event: dict[str, Any], request_id: str = "req-1") -> Any:
    return module.handler(event, Context(request_id))


def json_event(method: str, path: str, payload: Any, **options: Any) -> dict[str, Any]:
    content = json.dumps(payload).encode()
    headers = {"content-type": "application/json"}
    return http_api_event(method, path, body=content, headers=headers, **options)


def test_a_prediction_through_the_v1_stage(
    handler_module: ModuleType, customers: list[dict[str, Any]]
) -> None:
    response = invoke(handler_module, json_event("POST", "/v1/predictions", customers[0]))
    assert response["statusCode"] == 200
    body = json.loads(response["body"])
    assert body["customerID"] == customers[0]["customerID"]
    assert response["headers"]["x-request-id"] == "req-1"


def test_a_base64_body_is_decoded(
    handler_module: ModuleType, customers: list[dict[str, Any]]
) -> None:
    plain = invoke(handler_module, json_event("POST", "/v1/predictions", customers[1]))
    encoded = invoke(
        handler_module, json_event("POST", "/v1/predictions", customers[1], base64_body=True)
    )
    assert encoded["statusCode"] == 200
    assert json.loads(encoded["body"]) == json.loads(plain["body"])


def test_query_strings_and_gets(handler_module: ModuleType, bundle_dir: Path) -> None:
    response = invoke(handler_module, http_api_event("GET", "/v1/health", query="verbose=1"))
    assert response["statusCode"] == 200
    assert json.loads(response["body"])["model_version"] == bundle_dir.name


def test_a_bad_request_is_a_422_naming_the_field(
    handler_module: ModuleType, customers: list[dict[str, Any]]
) -> None:
    event = json_event("POST", "/v1/predictions", customers[0] | {"Contract": "Weekly"})
    response = invoke(handler_module, event)
    assert response["statusCode"] == 422
    assert json.loads(response["body"])["detail"][0]["field"] == "Contract"


def test_an_unknown_route_is_a_404(handler_module: ModuleType) -> None:
    response = invoke(handler_module, http_api_event("GET", "/v1/nowhere"))
    assert response["statusCode"] == 404
    assert json.loads(response["body"]) == {"message": "Not Found"}


def test_the_bundle_loads_once_per_process(
    handler_module: ModuleType, customers: list[dict[str, Any]]
) -> None:
    holder = handler_module.handler.app.state.holder
    assert holder.loaded_version is None  # nothing is loaded at import (cold-start budget)
    invoke(handler_module, json_event("POST", "/v1/predictions", customers[0]), "a")
    first = holder.get()
    invoke(handler_module, json_event("POST", "/v1/predictions", customers[1]), "b")
    assert holder.get() is first


def test_logs_are_json_with_ids_and_never_customer_fields(
    capsys: pytest.CaptureFixture[str],
    handler_module: ModuleType,
    customers: list[dict[str, Any]],
) -> None:
    customer = customers[3]
    invoke(handler_module, json_event("POST", "/v1/predictions", customer), "req-log")
    invoke(handler_module, json_event("POST", "/v1/predictions", customer | {"tenure": -4}))
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]
    requests = [line for line in lines if line["message"] == "request"]
    assert requests[0]["request_id"] == "req-log"
    assert requests[0]["model_version"] and requests[0]["latency_ms"] >= 0
    assert [line["status"] for line in requests] == [200, 422]
    logged = json.dumps(lines)
    for value in (customer["customerID"], customer["PaymentMethod"], str(customer["TotalCharges"])):
        assert value not in logged
