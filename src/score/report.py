"""A run's summary (summary.json), and the report a machine that ran it keeps: SUMMARY.md
in words, the drift report, and the drift status in one word for a shell to test; and the
run published before it, so that a schedule that stopped shows in the next report."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final

from churn import bands, storage
from churn.artifacts import DRIFT_JSON, DRIFT_MD, REJECTS, SCORES, SUMMARY, TOP
from churn.bundles import ServingBundle
from churn.score.reader import CustomerBase
from churn.score.recorder import Tally

# score.yml runs weekly: a longer gap means runs were missed. GitHub disables a fork's
# scheduled workflows, and a public repository's after 60 days without activity
# (docs.github.com, "Disabling and enabling a workflow").
SCHEDULE_GAP: Final = timedelta(days=8)


def previous_run(output: str) -> dict[str, str] | None:
    """The newest run published beside ``output`` (in its parent folder or prefix, names
    sorting by date): its name and when it was made; None for a first run."""
    parent, _, this = output.rstrip("/").rpartition("/")
    if not storage.is_s3(output):
        parent, this = str(Path(output).parent), Path(output).name
    for name in reversed(storage.list_folders(parent)):
        try:
            summary = json.loads(
                storage.read_bytes(storage.child(storage.child(parent, name), SUMMARY))
            )
        except storage.StorageError:
            continue  # not a published run: its summary is written last
        if name != this:
            return {"name": name, "created_at": str(summary["created_at"])}
    return None


def previous_run_line(previous: dict[str, str] | None, now: datetime) -> str:
    """One line for DRIFT.md: when the run before this one was made."""
    if previous is None:
        return "First published scoring run here."
    made = datetime.fromisoformat(previous["created_at"])
    line = (
        f"Previous scoring run: {made:%Y-%m-%d} (`{previous['name']}`), "
        f"{(now - made).days} days before this one."
    )
    if now - made > SCHEDULE_GAP:
        line += (
            " Weekly runs were missed: if the schedule stopped, enable it again (Actions > "
            "score > Enable workflow); GitHub turns a fork's schedules off, and a public "
            "repository's after 60 days without activity."
        )
    return line


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
    created_at: datetime,
    previous: dict[str, str] | None,
) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "engine": engine,
        "created_at": created_at.isoformat(timespec="seconds"),
        "previous_run": previous,
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
