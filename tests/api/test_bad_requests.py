"""Malformed requests: the right status, one readable message, and the field named."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, NamedTuple

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


class Bad(NamedTuple):
    build: Callable[[Customer], bytes]
    status: int
    field: str  # the field the 422 must name; "" when there is none
    fragment: str  # part of the one-line message
    path: str = ""
    content_type: str = JSON


SINGLE, BATCH = "", "/batch"
CASES: dict[str, Bad] = {
    "missing field": Bad(without("tenure"), 422, "tenure", "Field required"),
    "wrong type": Bad(changed(tenure="twelve"), 422, "tenure", "valid integer"),
    "number as a string": Bad(
        changed(MonthlyCharges="29.85"), 422, "MonthlyCharges", "valid number"
    ),
    "boolean as a number": Bad(changed(tenure=True), 422, "tenure", "valid integer"),
    "unknown enum value": Bad(changed(Contract="Weekly"), 422, "Contract", "'Month-to-month'"),
    "inconsistent internet": Bad(
        changed(InternetService="No"), 422, "OnlineSecurity", "No internet service"
    ),
    "inconsistent phone": Bad(
        changed(PhoneService="No", MultipleLines="Yes"), 422, "MultipleLines", "No phone service"
    ),
    "negative tenure": Bad(changed(tenure=-1), 422, "tenure", "greater than or equal to 0"),
    "fractional tenure": Bad(changed(tenure=1.5), 422, "tenure", "valid integer"),
    "tenure as a string": Bad(changed(tenure="12"), 422, "tenure", "valid integer"),
    "NaN": Bad(raw_number("MonthlyCharges", "NaN"), 422, "MonthlyCharges", "finite number"),
    "Infinity": Bad(raw_number("TotalCharges", "Infinity"), 422, "TotalCharges", "finite number"),
    "charges too high": Bad(
        changed(MonthlyCharges=1e6), 422, "MonthlyCharges", "less than or equal"
    ),
    "unknown field": Bad(changed(Region="north"), 422, "Region", "Extra inputs are not permitted"),
    "null field": Bad(changed(gender=None), 422, "gender", "Input should be"),
    "empty body": Bad(lambda c: b"", 422, "body", "Field required"),
    "not JSON": Bad(lambda c: b"gender=Female&tenure=1", 422, "body", "not valid JSON"),
    "JSON array": Bad(lambda c: body([c]), 422, "body", "valid dictionary"),
    "wrong content type": Bad(body, 415, "", "must be application/json", SINGLE, "text/plain"),
    "no content type": Bad(body, 415, "", "not none", SINGLE, ""),
    "1,001-row batch": Bad(
        lambda c: body({"customers": [c] * 1001}), 422, "customers", "at most 1000", BATCH
    ),
    "empty batch": Bad(lambda c: body({"customers": []}), 422, "customers", "at least 1", BATCH),
    "batch of scalars": Bad(
        lambda c: body({"customers": [1, 2]}), 422, "customers", "valid dictionary", BATCH
    ),
    "unknown batch field": Bad(
        lambda c: body({"customers": [c], "x": 1}), 422, "x", "Extra inputs", BATCH
    ),
    "oversized body": Bad(
        lambda c: body({"customers": [c | {"customerID": "x" * 3_000_000}]}),
        413,
        "",
        "larger than",
        BATCH,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_malformed_request(case: str, api: httpx.Client, customers: list[Customer]) -> None:
    bad = CASES[case]
    headers = {"content-type": bad.content_type} if bad.content_type else {}
    answer = api.post(
        f"/v1/predictions{bad.path}", content=bad.build(customers[0]), headers=headers
    )

    assert answer.status_code == bad.status, answer.text
    error = answer.json()
    assert bad.fragment in error["message"]
    assert "\n" not in error["message"] and "Traceback" not in answer.text
    if bad.field:
        assert error["message"].startswith(f"invalid request: {bad.field}: ")
        assert bad.field in [entry["field"] for entry in error["detail"]]


def test_unknown_paths_and_methods_answer_in_the_same_shape(api: httpx.Client) -> None:
    assert api.get("/v1/nothing").json() == {"message": "Not Found"}
    assert api.get("/v1/predictions").json() == {"message": "Method Not Allowed"}


def test_thousands_of_errors_answer_a_bounded_body(
    api: httpx.Client, customers: list[Customer]
) -> None:
    """150,000 unknown keys once answered 16 MB (over Lambda's 6 MB response limit)."""
    flood = customers[0] | {f"unknown_{n}": n for n in range(20_000)}
    answer = api.post("/v1/predictions", content=body(flood), headers={"content-type": JSON})
    assert answer.status_code == 422
    error = answer.json()
    assert len(error["detail"]) == 20
    assert error["message"].endswith("; the first 20 of 20000 errors are listed")
    assert error["message"].startswith("invalid request: unknown_0: Extra inputs")
    assert len(answer.content) < 10_000
