"""Malformed requests: the right status, one readable message, and the field named."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

Customer = dict[str, Any]
JSON = "application/json"


def body(payload: Any) -> bytes:
    return json.dumps(payload).encode()


def without(field: str) -> Callable[[Customer], bytes]:
    return lambda c: body({k: v for k, v in c.items() if k != field})


def changed(**values: Any) -> Callable[[Customer], bytes]:
    return lambda c: body(c | values)


def raw_number(field: str, literal: str) -> Callable[[Customer], bytes]:
    # Python's json writes NaN/Infinity literals that strict JSON parsers refuse.
    return lambda c: body(c | {field: 0}).replace(
        f'"{field}": 0'.encode(), f'"{field}": {literal}'.encode()
    )


# name: (path, body builder, content type, status, field named, message fragment)
CASES: dict[str, tuple[str, Callable[[Customer], bytes], str, int, str, str]] = {
    "missing field": ("", without("tenure"), JSON, 422, "tenure", "Field required"),
    "wrong type": ("", changed(tenure="twelve"), JSON, 422, "tenure", "valid integer"),
    "number as a string": ("", changed(MonthlyCharges="29.85"), JSON, 422, "MonthlyCharges", "valid number"),
    "boolean as a number": ("", changed(tenure=True), JSON, 422, "tenure", "valid integer"),
    "unknown enum value": ("", changed(Contract="Weekly"), JSON, 422, "Contract", "'Month-to-month'"),
    "inconsistent internet": ("", changed(InternetService="No"), JSON, 422, "OnlineSecurity", "No internet service"),
    "inconsistent phone": ("", changed(PhoneService="No", MultipleLines="Yes"), JSON, 422, "MultipleLines", "No phone service"),
    "negative tenure": ("", changed(tenure=-1), JSON, 422, "tenure", "greater than or equal to 0"),
    "fractional tenure": ("", changed(tenure=1.5), JSON, 422, "tenure", "valid integer"),
    "NaN": ("", raw_number("MonthlyCharges", "NaN"), JSON, 422, "MonthlyCharges", "finite number"),
    "Infinity": ("", raw_number("TotalCharges", "Infinity"), JSON, 422, "TotalCharges", "finite number"),
    "charges too high": ("", changed(MonthlyCharges=1e6), JSON, 422, "MonthlyCharges", "less than or equal"),
    "unknown field": ("", changed(Region="north"), JSON, 422, "Region", "Extra inputs are not permitted"),
    "null field": ("", changed(gender=None), JSON, 422, "gender", "Input should be"),
    "empty body": ("", lambda c: b"", JSON, 422, "body", "Field required"),
    "not JSON": ("", lambda c: b"gender=Female&tenure=1", JSON, 422, "body", "not valid JSON"),
    "JSON array": ("", lambda c: body([c]), JSON, 422, "body", "valid dictionary"),
    "wrong content type": ("", lambda c: body(c), "text/plain", 415, "", "must be application/json"),
    "no content type": ("", lambda c: body(c), "", 415, "", "not none"),
    "1,001-row batch": ("/batch", lambda c: body({"customers": [c] * 1001}), JSON, 422, "customers", "at most 1000"),
    "empty batch": ("/batch", lambda c: body({"customers": []}), JSON, 422, "customers", "at least 1"),
    "batch of scalars": ("/batch", lambda c: body({"customers": [1, 2]}), JSON, 422, "customers", "valid dictionary"),
    "unknown batch field": ("/batch", lambda c: body({"customers": [c], "x": 1}), JSON, 422, "x", "Extra inputs"),
    "oversized body": ("/batch", lambda c: body({"customers": [c | {"customerID": "x" * 3_000_000}]}), JSON, 413, "", "larger than"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(CASES))
def test_malformed_request(case: str, api: httpx.Client, customers: list[Customer]) -> None:
    path, build, content_type, status, field, fragment = CASES[case]
    headers = {"content-type": content_type} if content_type else {}
    answer = api.post(f"/v1/predictions{path}", content=build(customers[0]), headers=headers)

    assert answer.status_code == status, answer.text
    error = answer.json()
    assert fragment in error["message"]
    assert "\n" not in error["message"] and "Traceback" not in answer.text
    if field:
        assert error["message"].startswith(f"invalid request: {field}: ")
        assert field in [entry["field"] for entry in error["detail"]]


def test_the_table_covers_at_least_fifteen_kinds() -> None:
    assert len(CASES) >= 15


def test_unknown_paths_and_methods_answer_in_the_same_shape(api: httpx.Client) -> None:
    assert api.get("/v1/nothing").json() == {"message": "Not Found"}
    assert api.get("/v1/predictions").json() == {"message": "Method Not Allowed"}
