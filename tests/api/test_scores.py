"""GET /v1/scores/latest and /latest/customers: the latest published run of churn-score,
read from a folder or S3 (moto), over real HTTP: its counts and drift report, and its
riskiest customers a page at a time, filtered; a 404 in one line when there is no run."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest

from churn.api.app import create_app
from churn.api.scores import RunCache
from churn.api.settings import Settings
from churn.score import cli
from tests.support.live import serve
from tests.support.servers import make_bucket


@pytest.fixture(scope="module")
def runs(data_path: Path, bundle_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two published runs and one that never finished (no summary.json)."""
    root = tmp_path_factory.mktemp("scores")
    base = root.parent / "base.csv"
    lines = data_path.read_text().splitlines()
    base.write_text("\n".join(lines[:2001]) + "\n")
    arguments = ["--input", str(base), "--bundle", str(bundle_dir), "--top", "300"]
    assert cli.main([*arguments, "--output", str(root / "2026-11-30-1")]) == 0
    assert cli.main([*arguments, "--output", str(root / "2026-12-07-2"), "--top", "500"]) == 0
    (root / "2026-12-14-3").mkdir()  # a run still being written: no summary yet
    (root / "2026-12-14-3" / "scores.csv").write_text("line\n")
    return root


@pytest.fixture
def client(runs: Path, bundle_dir: Path) -> Iterator[httpx.Client]:
    with (
        serve(create_app(Settings(bundle=str(bundle_dir), scores=str(runs)))) as url,
        httpx.Client(base_url=url, timeout=30) as http,
    ):
        yield http


def test_the_latest_published_run_is_summarised_with_its_drift(
    client: httpx.Client, runs: Path
) -> None:
    answer = client.get("/v1/scores/latest")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    summary = json.loads((runs / "2026-12-07-2" / "summary.json").read_text())
    assert body["run"] == "2026-12-07-2"
    assert (body["model_version"], body["engine"]) == (summary["model_version"], "local")
    assert body["bands"] == summary["bands"]
    assert body["rows"]["scored"] == 2000
    fields = body["drift"]["fields"]
    assert len(fields) == 19
    assert [f["psi"] for f in fields] == sorted((f["psi"] for f in fields), reverse=True)
    assert body["drift"]["status"] in {"stable", "watch", "act"}


def test_the_riskiest_customers_come_a_page_at_a_time(client: httpx.Client, runs: Path) -> None:
    top = (runs / "2026-12-07-2" / "top.csv").read_text().splitlines()[1:]
    first = client.get("/v1/scores/latest/customers", params={"limit": 10}).json()
    assert (first["total"], first["offset"], first["limit"]) == (500, 0, 10)
    assert [c["customerID"] for c in first["customers"]] == [
        line.split(",")[1].strip('"') for line in top[:10]
    ]
    riskiest = first["customers"][0]
    assert riskiest["risk_band"] == "high" and riskiest["churn"] is True
    assert len(riskiest["drivers"]) == 3
    assert riskiest["drivers"][0]["label"]  # in plain words
    second = client.get("/v1/scores/latest/customers", params={"limit": 10, "offset": 10})
    assert second.json()["customers"][0]["customerID"] == top[10].split(",")[1].strip('"')
    beyond = client.get("/v1/scores/latest/customers", params={"offset": 500}).json()
    assert (beyond["total"], beyond["customers"]) == (500, [])


def test_customers_are_filtered_by_band_and_id(client: httpx.Client) -> None:
    medium = client.get("/v1/scores/latest/customers", params={"band": "medium", "limit": 200})
    assert {c["risk_band"] for c in medium.json()["customers"]} <= {"medium"}
    some = client.get("/v1/scores/latest/customers", params={"limit": 1}).json()["customers"][0]
    found = client.get("/v1/scores/latest/customers", params={"search": some["customerID"][:6]})
    assert some["customerID"] in [c["customerID"] for c in found.json()["customers"]]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"limit": 201}, "limit"), ({"offset": -1}, "offset"), ({"band": "red"}, "band")],
)
def test_a_bad_page_is_a_422_naming_the_parameter(
    client: httpx.Client, params: dict[str, Any], field: str
) -> None:
    answer = client.get("/v1/scores/latest/customers", params=params)
    assert answer.status_code == 422
    assert answer.json()["message"].startswith(f"invalid request: {field}: ")


def test_no_run_is_a_404_in_one_line(bundle_dir: Path, tmp_path: Path) -> None:
    for scores, said in (
        (None, "no scoring run: no scoring runs are configured here (CHURN_SCORES is not set)"),
        (str(tmp_path), "no scoring run: no scoring run published yet (churn-score writes them)"),
    ):
        with serve(create_app(Settings(bundle=str(bundle_dir), scores=scores))) as url:
            for path in ("/v1/scores/latest", "/v1/scores/latest/customers"):
                answer = httpx.get(url + path, timeout=30)
                assert (answer.status_code, answer.json()["message"]) == (404, said)


def test_runs_are_read_from_s3(aws_env: dict[str, str], runs: Path, bundle_dir: Path) -> None:
    make_bucket("churn-scores")
    s3 = boto3.client("s3")
    for path in (runs / "2026-12-07-2").iterdir():
        s3.upload_file(str(path), "churn-scores", f"scores/2026-12-07-2/{path.name}")
    settings = Settings(bundle=str(bundle_dir), scores="s3://churn-scores/scores")
    with serve(create_app(settings)) as url:
        body = httpx.get(f"{url}/v1/scores/latest", timeout=30).json()
        page = httpx.get(f"{url}/v1/scores/latest/customers", timeout=30).json()
    assert (body["run"], page["total"]) == ("2026-12-07-2", 500)


def test_a_new_run_is_served_once_the_cache_expires(runs: Path, tmp_path: Path) -> None:

    root = tmp_path / "scores"
    shutil.copytree(runs / "2026-11-30-1", root / "2026-11-30-1")
    cache = RunCache(str(root), seconds=0.0)
    assert cache.get().name == "2026-11-30-1"
    shutil.copytree(runs / "2026-12-07-2", root / "2026-12-07-2")
    assert cache.get().name == "2026-12-07-2"
    kept = RunCache(str(root), seconds=3600.0)
    assert kept.get().name == "2026-12-07-2"
    shutil.copytree(runs / "2026-11-30-1", root / "2026-12-31-9")
    assert kept.get().name == "2026-12-07-2"  # read once an hour at most
