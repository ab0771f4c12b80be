"""churn-score with the local engine, end to end: the same probabilities, bands and drivers
as the API for every customer, the outputs published all at once or not at all, and a
readable line and exit code for each way a run can fail."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pandas as pd
import pytest

from churn import artifacts, contract
from churn.api.predictors import LocalPredictor
from churn.api.service import PredictionService
from churn.artifacts import DRIFT_JSON, DRIFT_MD, REJECTS, SCORES, SUMMARY, TOP
from churn.bundles import load_bundle
from churn.errors import ExitCode
from churn.score import cli, report
from churn.storage import multipart
from tests.support.servers import make_bucket, read_prefix
from tests.support.synthetic import real_table, write_base

OUTPUTS = {SCORES, TOP, REJECTS, SUMMARY, DRIFT_JSON, DRIFT_MD}


def run(*arguments: str) -> int:
    return cli.main(list(arguments))


@pytest.fixture(scope="module")
def scored(data_path: Path, bundle_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("runs") / "today"
    code = run("--input", str(data_path), "--output", str(output), "--bundle", str(bundle_dir))
    assert code == 0
    return output


def scores_of(output: Path, name: str = SCORES) -> pd.DataFrame:
    drivers = {f"driver_{rank}": str for rank in range(1, 4)}
    table = pd.read_csv(output / name, dtype={contract.ID_COLUMN: str, **drivers})
    table[list(drivers)] = table[list(drivers)].fillna("")
    return table


def test_every_customer_gets_the_apis_probability_band_and_label(
    scored: Path, bundle_dir: Path, customers: list[dict[str, Any]]
) -> None:
    bundle = load_bundle(str(bundle_dir))
    service = PredictionService(bundle, LocalPredictor(bundle.booster))
    table = scores_of(scored)
    assert table[contract.ID_COLUMN].tolist() == [c[contract.ID_COLUMN] for c in customers]
    assert table["line"].tolist() == list(range(2, len(customers) + 2))
    records = [{name: c[name] for name in contract.FIELD_NAMES} for c in customers]
    expected = service.predictor.predict([service.vectorizer.vector(r) for r in records])
    assert table["churn_probability"].tolist() == expected  # float for float
    assert table["risk_band"].tolist() == [service.risk_band(p) for p in expected]
    assert table["churn"].tolist() == [p >= bundle.threshold for p in expected]


def test_customers_at_risk_get_the_apis_top_three_drivers_and_no_one_else(
    scored: Path, bundle_dir: Path, customers: list[dict[str, Any]]
) -> None:
    bundle = load_bundle(str(bundle_dir))
    service = PredictionService(bundle, LocalPredictor(bundle.booster))
    table = scores_of(scored)
    assert (table.loc[~table["churn"], "driver_1"] == "").all()
    churners = table[table["churn"]]
    assert len(churners) > 1000
    by_id = {c[contract.ID_COLUMN]: c for c in customers}
    for row in churners.itertuples():
        record = {name: by_id[row.customerID][name] for name in contract.FIELD_NAMES}
        explanation = service.explanation(record, 4)
        drivers = explanation.drivers
        for rank in range(3):
            expected = drivers[rank]
            assert getattr(row, f"contribution_{rank + 1}") == pytest.approx(
                expected.contribution, abs=1e-5
            )
            # Fields whose effects tie within float error may swap; otherwise the same field.
            if abs(abs(drivers[rank].contribution) - abs(drivers[rank + 1].contribution)) > 1e-5:
                assert getattr(row, f"driver_{rank + 1}") == expected.field


def test_top_holds_the_riskiest_customers_riskiest_first(scored: Path) -> None:
    table = scores_of(scored)
    top = scores_of(scored, TOP)
    expected = table.sort_values(
        ["churn_probability", "line"], ascending=[False, True], kind="stable"
    ).head(1000)
    assert top.reset_index(drop=True).equals(expected.reset_index(drop=True))


def test_the_summary_counts_bands_and_fingerprints_the_input(scored: Path, data_path: Path) -> None:
    summary = json.loads((scored / SUMMARY).read_text())
    table = scores_of(scored)
    assert summary["rows"]["scored"] == 7043
    assert summary["rows"]["rejected"] == 0
    assert summary["bands"] == table["risk_band"].value_counts().to_dict()
    assert summary["rows"]["churners"] == int(table["churn"].sum())
    assert summary["input"]["sha256"] == hashlib.sha256(data_path.read_bytes()).hexdigest()
    assert summary["input"]["ignored_columns"] == [contract.LABEL_COLUMN]
    assert sorted(summary["outputs"]) == sorted(OUTPUTS)
    assert {path.name for path in scored.iterdir()} == OUTPUTS


def test_a_gzip_input_scores_the_same(
    scored: Path, data_path: Path, bundle_dir: Path, tmp_path: Path
) -> None:
    compressed = tmp_path / "base.csv.gz"
    compressed.write_bytes(gzip.compress(data_path.read_bytes()))
    output = tmp_path / "run"
    assert (
        run("--input", str(compressed), "--output", str(output), "--bundle", str(bundle_dir)) == 0
    )
    assert (output / SCORES).read_bytes() == (scored / SCORES).read_bytes()
    assert json.loads((output / SUMMARY).read_text())["input"]["gzip"] is True


def test_from_s3_to_s3_through_the_moto_server(
    aws_env: dict[str, str], scored: Path, data_path: Path, bundle_dir: Path
) -> None:
    make_bucket("customers")
    boto3.client("s3").upload_file(str(data_path), "customers", "base/customers.csv")
    output = "s3://customers/scores/2026-12-03"
    arguments = ("--input", "s3://customers/base/customers.csv", "--output", output)
    assert run(*arguments, "--bundle", str(bundle_dir)) == 0
    published = read_prefix("customers", "scores/2026-12-03/")
    assert set(published) == OUTPUTS
    assert published[SCORES] == (scored / SCORES).read_bytes()
    # A run is never published over another.
    assert run(*arguments, "--bundle", str(bundle_dir)) == ExitCode.REFUSED


def test_a_run_of_many_parts_streams_to_s3_and_a_failed_one_leaves_nothing(
    aws_env: dict[str, str],
    data_path: Path,
    bundle_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(multipart, "PART_BYTES", 5 << 20)  # S3's smallest; 16 MiB by default
    base = write_base(real_table(data_path), tmp_path / "base.csv", 120_000, seed=3)
    local = tmp_path / "local"
    assert run("--input", str(base), "--output", str(local), "--bundle", str(bundle_dir)) == 0
    make_bucket("streamed-runs")
    arguments = ("--input", str(base), "--bundle", str(bundle_dir))
    assert run(*arguments, "--output", "s3://streamed-runs/scores/whole") == 0
    published = read_prefix("streamed-runs", "scores/whole/")
    assert published[SCORES] == (local / SCORES).read_bytes()
    head = boto3.client("s3").head_object(Bucket="streamed-runs", Key="scores/whole/scores.csv")
    parts = int(head["ETag"].strip('"').rpartition("-")[2])
    assert parts == -(-len(published[SCORES]) // (5 << 20)) >= 2

    with base.open("a", encoding="utf-8") as extra:  # one refused row, and none allowed
        extra.write(data_path.read_text().splitlines()[1].replace("Month-to-month", "Monthly"))
    failed = ("--output", "s3://streamed-runs/scores/failed", "--max-reject-share", "0")
    assert run(*arguments, *failed) == ExitCode.REFUSED
    assert read_prefix("streamed-runs", "scores/failed/") == {}
    uploads = boto3.client("s3").list_multipart_uploads(Bucket="streamed-runs")
    assert uploads.get("Uploads", []) == []


def test_too_many_rejects_fail_the_run_and_publish_nothing(
    data_path: Path, bundle_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = data_path.read_text().splitlines()
    lines[5] = lines[5].replace("Month-to-month", "Monthly")
    lines[9] = lines[9].replace("Month-to-month", "monthly")
    base = tmp_path / "base.csv"
    base.write_text("\n".join(lines[:101]) + "\n")
    output = tmp_path / "run"
    code = run("--input", str(base), "--output", str(output), "--bundle", str(bundle_dir))
    message = capsys.readouterr().err.strip().splitlines()[-1]
    assert code == ExitCode.REFUSED
    assert message.startswith("churn-score: error: 2 of 100 rows refused (2.0%), above ")
    assert "first: line 6: Contract: 'Monthly' is not one of" in message
    assert not output.exists()
    assert list(tmp_path.iterdir()) == [base]  # no staging left behind
    # Allowed by the flag, the same file is scored and its rejects listed.
    arguments = ("--input", str(base), "--output", str(output), "--bundle", str(bundle_dir))
    assert run(*arguments, "--max-reject-share", "0.05") == 0
    rejects = pd.read_csv(output / REJECTS)
    assert rejects["line"].tolist() == [6, 10]
    assert rejects["field"].tolist() == ["Contract", "Contract"]
    assert rejects["reason"][1].startswith("'monthly' is not one of")


@pytest.mark.parametrize(
    ("change", "code", "message"),
    [
        ("no input", ExitCode.REFUSED, "invalid input: {input}: no such file"),
        ("not a table", ExitCode.REFUSED, "invalid input: {input}: missing column(s)"),
        ("header only", ExitCode.REFUSED, "the file has a header but no customers"),
        ("no bundle", ExitCode.REFUSED, "no model to score with: "),
        ("output exists", ExitCode.REFUSED, "cannot write the outputs: {output}: already exists"),
    ],
)
def test_each_failure_is_one_line_and_an_exit_code(
    change: str,
    code: int,
    message: str,
    data_path: Path,
    bundle_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base, output, bundle = tmp_path / "base.csv", tmp_path / "run", str(bundle_dir)
    shutil.copy(data_path, base)
    if change == "no input":
        base.unlink()
    elif change == "not a table":
        base.write_text("a,b\n1,2\n")
    elif change == "header only":
        base.write_text(data_path.read_text().splitlines()[0] + "\n")
    elif change == "no bundle":
        bundle = str(tmp_path / "no-bundles")
    else:
        output.mkdir()
    assert run("--input", str(base), "--output", str(output), "--bundle", bundle) == code
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("churn-score: error: ")
    assert message.format(input=base, output=output) in lines[0]


def test_explain_none_and_all(data_path: Path, bundle_dir: Path, tmp_path: Path) -> None:
    base = tmp_path / "base.csv"
    base.write_text("\n".join(data_path.read_text().splitlines()[:201]) + "\n")
    tables = {}
    for explain in ("none", "all"):
        output = tmp_path / explain
        arguments = ("--input", str(base), "--output", str(output), "--bundle", str(bundle_dir))
        assert run(*arguments, "--explain", explain, "--top", "10") == 0
        tables[explain] = scores_of(output)
        assert len(scores_of(output, TOP)) == 10
    assert (tables["none"]["driver_1"] == "").all()
    assert (tables["all"]["driver_1"] != "").all()
    assert tables["none"]["churn_probability"].equals(tables["all"]["churn_probability"])


def test_a_bundle_without_reference_distributions_scores_without_a_drift_report(
    data_path: Path, bundle_dir: Path, tmp_path: Path
) -> None:
    old = tmp_path / "bundles" / bundle_dir.name
    shutil.copytree(bundle_dir, old)
    (old / artifacts.REFERENCE).unlink()
    manifest = json.loads((old / artifacts.MANIFEST).read_text())
    del manifest["sha256"][artifacts.REFERENCE]
    (old / artifacts.MANIFEST).write_text(json.dumps(manifest))
    output = tmp_path / "run"
    assert run("--input", str(data_path), "--output", str(output), "--bundle", str(old)) == 0
    assert json.loads((output / DRIFT_JSON).read_text())["status"] == "unavailable"
    assert "retrain to get one" in (output / DRIFT_MD).read_text()


def test_a_report_folder_gets_the_published_runs_summary_and_drift(
    scored: Path, data_path: Path, bundle_dir: Path, tmp_path: Path
) -> None:
    output, report = tmp_path / "run", tmp_path / "report"
    arguments = ("--input", str(data_path), "--output", str(output), "--bundle", str(bundle_dir))
    assert run(*arguments, "--report", str(report)) == 0
    assert (report / DRIFT_MD).read_bytes() == (output / DRIFT_MD).read_bytes()
    assert (report / "drift-status").read_text() == "stable\n"
    words = (report / "SUMMARY.md").read_text()
    summary = json.loads((output / SUMMARY).read_text())
    assert f"## Scoring run: model {summary['model_version']} (local engine)" in words
    assert "7,043 customers scored, 0 rejected (0.00%)" in words
    assert f"| high | {summary['bands']['high']:,} |" in words
    # A failed run reports nothing: no report of what was never published.
    failed = tmp_path / "failed-report"
    assert run(*arguments, "--report", str(failed)) == ExitCode.REFUSED  # the output exists
    assert not failed.exists()


def test_the_drift_report_names_the_run_before_it(
    data_path: Path, bundle_dir: Path, tmp_path: Path
) -> None:
    """A schedule that stopped is seen in the next report: it names the run published
    before it (a folder without summary.json was never published, and is passed over)."""
    runs = tmp_path / "scores"
    arguments = ("--input", str(data_path), "--bundle", str(bundle_dir))
    assert run(*arguments, "--output", str(runs / "2026-11-30-1")) == 0
    (runs / "2026-12-01-2").mkdir()  # a failed run's leftovers, never published
    assert "First published scoring run here." in (runs / "2026-11-30-1" / DRIFT_MD).read_text()
    assert run(*arguments, "--output", str(runs / "2026-12-07-3")) == 0
    first = json.loads((runs / "2026-11-30-1" / SUMMARY).read_text())
    second = json.loads((runs / "2026-12-07-3" / SUMMARY).read_text())
    assert first["previous_run"] is None
    assert second["previous_run"] == {"name": "2026-11-30-1", "created_at": first["created_at"]}
    line = f"Previous scoring run: {first['created_at'][:10]} (`2026-11-30-1`), 0 days before"
    assert line in (runs / "2026-12-07-3" / DRIFT_MD).read_text()


def test_a_gap_longer_than_the_schedule_says_how_to_enable_it_again() -> None:
    previous = {"name": "2026-10-05-1", "created_at": "2026-10-05T05:17:00+00:00"}
    week = datetime(2026, 10, 13, 5, 17, tzinfo=UTC)
    assert report.previous_run_line(previous, week) == (
        "Previous scoring run: 2026-10-05 (`2026-10-05-1`), 8 days before this one."
    )
    later = report.previous_run_line(previous, week + timedelta(seconds=1))
    assert later.startswith("Previous scoring run: 2026-10-05 (`2026-10-05-1`), 8 days before")
    assert "Weekly runs were missed" in later and "Actions > score > Enable workflow" in later
