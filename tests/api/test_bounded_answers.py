"""Every answer stays bounded whatever the request holds: Lambda refuses responses over
6 MB, which in AWS turns a too-big answer into a 5xx with nothing useful for the client.
The API over real HTTP: a batch row's errors capped per row and in all (with how many were
left out), long names cut, and each other route's worst case measured."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from churn import contract
from churn.api.app import create_app
from churn.api.bounds import MAX_ANSWER_ERRORS, MAX_NAME_CHARS, MAX_ROW_ERRORS
from churn.api.settings import Settings
from churn.score import cli
from tests.support.live import serve

Customer = dict[str, Any]
LAMBDA_LIMIT = 6 * 1024 * 1024
HEADROOM = LAMBDA_LIMIT // 6  # every answer below stays under 1 MB


def post(
    api: httpx.Client, path: str, payload: Any, limit: int = HEADROOM, **params: Any
) -> httpx.Response:
    answer = api.post(
        f"/v1/predictions{path}",
        content=json.dumps(payload, separators=(",", ":")),
        params=params,
        headers={"content-type": "application/json"},
    )
    assert len(answer.content) < limit, f"{len(answer.content):,} bytes"
    return answer


def test_one_row_with_120000_unknown_keys_lists_twenty_and_counts_the_rest(
    api: httpx.Client, customers: list[Customer]
) -> None:
    row = customers[0] | dict.fromkeys((f"u{n}" for n in range(120_000)), 0)
    answer = post(api, "/batch", {"customers": [row, customers[1]]})
    assert answer.status_code == 200
    body = answer.json()
    rejected, scored = body["results"]
    assert (body["scored"], body["rejected"]) == (1, 1) and "prediction" in scored
    assert [e["field"] for e in rejected["errors"]] == [f"u{n}" for n in range(20)]
    assert rejected["errors_omitted"] == 120_000 - MAX_ROW_ERRORS == body["errors_omitted"]


def test_a_thousand_rows_with_100_unknown_keys_each_list_at_most_1000_errors(
    api: httpx.Client, customers: list[Customer]
) -> None:
    rows = [c | dict.fromkeys((f"u{n}" for n in range(100)), 0) for c in customers[:1_000]]
    body = post(api, "/batch", {"customers": rows}).json()
    listed = [len(result.get("errors", [])) for result in body["results"]]
    assert body["rejected"] == 1_000 and sum(listed) == MAX_ANSWER_ERRORS
    assert listed[:50] == [MAX_ROW_ERRORS] * 50 and set(listed[50:]) == {0}
    omitted = sum(result["errors_omitted"] for result in body["results"])
    assert omitted == body["errors_omitted"] == 100_000 - MAX_ANSWER_ERRORS


@pytest.mark.parametrize("path", ["", "/levers", "/batch", "original"])
def test_a_key_of_a_million_characters_is_named_cut_short(
    path: str, api: httpx.Client, customers: list[Customer]
) -> None:
    key = "k" * 1_000_000
    customer = customers[0] | {key: 1}
    if path == "original":
        answer = api.post("/v1/predict", json={key: 1})
    elif path == "/batch":
        answer = post(api, path, {"customers": [customer]})
    else:
        answer = post(api, path, customer)
    assert len(answer.content) < 10_000
    text = answer.text
    assert "k" * MAX_NAME_CHARS not in text and "k" * (MAX_NAME_CHARS - 1) + "…" in text


def test_the_largest_good_batch_answer_is_well_under_lambdas_limit(
    api: httpx.Client, customers: list[Customer]
) -> None:
    """1,000 customers with every field's contribution: the biggest answer a valid request
    can get (2.2 MB)."""
    everything = {"customers": customers[:1_000]}
    body = post(api, "/batch", everything, LAMBDA_LIMIT // 2, top=len(contract.FIELDS))
    assert body.json()["scored"] == 1_000


def test_a_page_of_the_riskiest_customers_is_bounded(
    data_path: Path, bundle_dir: Path, tmp_path: Path
) -> None:
    """churn-score refuses ids over the contract's length, so a page of the API's largest
    size stays small; a run whose top.csv holds a longer id (not churn-score's) is refused
    as unreadable rather than served."""
    base = tmp_path / "base.csv"
    lines = data_path.read_text().splitlines()[:301]
    long_id = "x" * (contract.ID_MAX_LENGTH + 1)
    lines[2] = long_id + lines[2][lines[2].index(",") :]
    base.write_text("\n".join(lines) + "\n")
    output = tmp_path / "scores" / "2026-12-07-1"
    arguments = ["--input", str(base), "--output", str(output), "--bundle", str(bundle_dir)]
    assert cli.main([*arguments, "--max-reject-share", "0.01"]) == 0
    assert long_id in (output / "rejects.csv").read_text()
    settings = Settings(bundle=str(bundle_dir), scores=str(tmp_path / "scores"))
    with serve(create_app(settings)) as url:
        page = httpx.get(f"{url}/v1/scores/latest/customers", params={"limit": 200}, timeout=30)
        assert page.status_code == 200 and len(page.content) < 200 * 1_000
    top = output / "top.csv"
    rows = top.read_text().splitlines()
    first = rows[1].split(",")
    first[1] = long_id
    top.write_text("\n".join([rows[0], ",".join(first), *rows[2:]]) + "\n")
    with serve(create_app(settings)) as url:
        refused = httpx.get(f"{url}/v1/scores/latest/customers", timeout=30)
    assert refused.status_code == 404
    assert refused.json()["message"] == "no scoring run: the scoring runs cannot be read"
