"""A run's summary (summary.json), and the report a machine that ran it keeps: SUMMARY.md
in words, the drift report, and the drift status in one word for a shell to test."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from churn import bands
from churn.artifacts import DRIFT_JSON, DRIFT_MD, REJECTS, SCORES, SUMMARY, TOP
from churn.bundles import ServingBundle
from churn.score.reader import CustomerBase
from churn.score.recorder import Tally


def summary(
    tally: Tally,
    *,
    engine: str,
    bundle: ServingBundle,
    base: CustomerBase,
    source: str,
    seconds: float,
    drift_report: dict[str, Any],
    options: dict[str, Any],
) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "engine": engine,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "model_version": bundle.version,
        "bundle": bundle.location,
        "threshold": bundle.threshold,
        "risk_bands": bands.band_rules(bundle.threshold),
        "input": {
            "source": source,
            "sha256": base.stats.sha256,
            "bytes": base.stats.bytes_read,
            "gzip": base.compressed,
            "ignored_columns": base.ignored_columns,
        },
        "rows": {
            "scored": tally.scored,
            "rejected": tally.rejected,
            "blank": tally.blank,
            "churners": tally.churners,
            "explained": tally.explained,
        },
        "bands": {band: tally.bands[band] for band in bands.BANDS},
        "rejects_by_field": dict(tally.rejected_fields.most_common()),
        "options": options,
        "timings": {
            "seconds": round(seconds, 3),
            "rows_per_second": round(tally.scored / seconds) if seconds else None,
            **{f"{stage}_seconds": round(value, 3) for stage, value in tally.seconds.items()},
        },
        "drift": {"status": drift_report["status"], "advice": drift_report["advice"]},
        "outputs": [SCORES, TOP, REJECTS, DRIFT_JSON, DRIFT_MD, SUMMARY],
    }


def summary_markdown(summary: dict[str, Any], output: str) -> str:
    rows = summary["rows"]
    seen = rows["scored"] + rows["rejected"]
    bands_table = "\n".join(
        f"| {band} | {count:,} | {count / rows['scored']:.1%} |" if rows["scored"] else ""
        for band, count in summary["bands"].items()
    )
    rejected = f"{rows['rejected']:,} rejected ({rows['rejected'] / seen:.2%})" if seen else ""
    return (
        f"## Scoring run: model {summary['model_version']} ({summary['engine']} engine)\n\n"
        f"{rows['scored']:,} customers scored, {rejected}, {rows['churners']:,} at or above "
        f"the threshold {summary['threshold']:g}; {summary['timings']['seconds']:,.0f} s. "
        f"Input `{summary['input']['source']}` (sha256 `{summary['input']['sha256'][:16]}…`); "
        f"outputs `{output}`.\n\n"
        f"| band | customers | share |\n|---|---:|---:|\n{bands_table}\n\n"
        f"Drift: **{summary['drift']['status']}**. {summary['drift']['advice']}\n"
    )


def write_report(
    folder: Path, summary: dict[str, Any], output: str, reported: dict[str, bytes]
) -> None:
    """A published run's report for the machine that ran it (a workflow's job summary):
    SUMMARY.md in words, DRIFT.md and drift.json as published, and drift-status, one word
    (stable, watch, act or unavailable) for a shell to test."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in reported.items():
        (folder / name).write_bytes(content)
    (folder / "SUMMARY.md").write_text(summary_markdown(summary, output), encoding="utf-8")
    (folder / "drift-status").write_text(summary["drift"]["status"] + "\n", encoding="utf-8")


def write_json(path: Path, document: Any) -> None:
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
