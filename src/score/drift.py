"""The drift report of a scoring run: each field's population stability index against the
training data, the shift of the scores, and the customers per band, as ``drift.json`` and
``DRIFT.md``. Counting is per chunk into the reference's bins, so memory stays flat."""

from __future__ import annotations

import itertools
import math
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt

from churn import bands, contract
from churn.distributions import (
    ACT_FROM,
    WATCH_FROM,
    CategoricalReference,
    Counts,
    NumericReference,
    Reference,
    band_counts,
    level_counts,
    psi,
)
from churn.score.validation import CheckedChunk

Status = Literal["stable", "watch", "act"]
ADVICE: Final[dict[Status, str]] = {
    "stable": "No retraining needed: the scored customers look like the training data.",
    "watch": "Retraining not yet advised: some fields are moving; watch the next runs.",
    "act": "Retraining advised: the scored customers differ from the training data.",
}


def status_of(value: float) -> Status:
    if value >= ACT_FROM:
        return "act"
    return "watch" if value >= WATCH_FROM else "stable"


class DriftCounter:
    """Counts the scored customers into the reference's bins, chunk by chunk."""

    def __init__(self, reference: Reference, threshold: float) -> None:
        self.reference = reference
        self.threshold = threshold
        self.fields: dict[str, Counts] = {
            name: np.zeros(len(field_reference.shares), dtype=np.int64)
            for name, field_reference in reference.fields.items()
        }
        self.scores = np.zeros(len(reference.score.shares), dtype=np.int64)
        self.bands = np.zeros(len(bands.BANDS), dtype=np.int64)
        self.rows = 0
        self.probability_sum = 0.0

    def add_fields(self, checked: CheckedChunk) -> None:
        for name, field_reference in self.reference.fields.items():
            if isinstance(field_reference, CategoricalReference):
                counts = level_counts(checked.codes[name], len(field_reference.levels))
            else:
                counts = field_reference.counts(checked.numbers[name])
            self.fields[name] += counts

    def add_scores(self, probabilities: npt.NDArray[np.float64]) -> None:
        self.scores += self.reference.score.counts(probabilities)
        self.bands += band_counts(probabilities, self.threshold)
        self.rows += len(probabilities)
        self.probability_sum += float(probabilities.sum())

    def report(self, model_version: str) -> dict[str, Any]:
        fields = sorted(
            (self._field_entry(name) for name in contract.FIELD_NAMES),
            key=lambda entry: -float(entry["psi"]),
        )
        score = self.reference.score
        score_psi = psi(score.shares, self.scores)
        worst = max([score_psi, *(float(entry["psi"]) for entry in fields)], default=0.0)
        status = status_of(worst) if self.rows else "stable"
        return {
            "schema_version": 1,
            "model_version": model_version,
            "rows": self.rows,
            "reference_rows": self.reference.rows,
            "status": status,
            "advice": ADVICE[status],
            "thresholds": {"watch": WATCH_FROM, "act": ACT_FROM},
            "fields": fields,
            "score": {
                "psi": round(score_psi, 6),
                "status": status_of(score_psi),
                "mean": round(self.probability_sum / self.rows, 6) if self.rows else None,
                "reference_mean": round(score.mean, 6),
                "bins": _bins(_numeric_labels(score), score.shares, self.scores),
            },
            "bands": {
                band: {"reference": round(score.band_shares[band], 6), "scored": share}
                for band, share in zip(bands.BANDS, _shares(self.bands), strict=True)
            },
        }

    def _field_entry(self, name: str) -> dict[str, Any]:
        field_reference = self.reference.fields[name]
        counts = self.fields[name]
        labels = (
            list(field_reference.levels)
            if isinstance(field_reference, CategoricalReference)
            else _numeric_labels(field_reference)
        )
        value = psi(field_reference.shares, counts)
        return {
            "field": name,
            "label": contract.FIELDS_BY_NAME[name].label,
            "psi": round(value, 6),
            "status": status_of(value),
            "bins": _bins(labels, field_reference.shares, counts),
        }


def _shares(counts: Counts) -> list[float]:
    total = int(counts.sum())
    return [round(int(count) / total, 6) if total else 0.0 for count in counts]


def _bins(labels: list[str], reference: tuple[float, ...], counts: Counts) -> list[dict[str, Any]]:
    return [
        {"bin": label, "reference": round(expected, 6), "scored": share, "count": int(count)}
        for label, expected, share, count in zip(
            labels, reference, _shares(counts), counts, strict=True
        )
    ]


def _numeric_labels(reference: NumericReference) -> list[str]:
    bounds = [-math.inf, *reference.edges, math.inf]
    return [
        f"({_number(low)}, {_number(high)}]" if math.isfinite(high) else f"> {_number(low)}"
        for low, high in itertools.pairwise(bounds)
    ]


def _number(value: float) -> str:
    return "-inf" if value == -math.inf else f"{value:g}"


def unavailable(model_version: str) -> dict[str, Any]:
    """The report of a run whose bundle predates reference distributions."""
    return {
        "schema_version": 1,
        "model_version": model_version,
        "status": "unavailable",
        "advice": "No drift report: this model's bundle has no reference distributions "
        "(trained before they existed); retrain to get one.",
    }


def markdown(report: dict[str, Any], previous_run: str) -> str:
    """DRIFT.md: the verdict in one line and when the run before was made, then the fields
    ranked by PSI."""
    lines = [
        f"# Drift report: model {report['model_version']}",
        "",
        f"**{report['advice']}**",
        "",
        previous_run,
    ]
    if report["status"] == "unavailable":
        return "\n".join(lines) + "\n"
    thresholds = report["thresholds"]
    score = report["score"]
    lines += [
        "",
        f"{report['rows']:,} scored customers against {report['reference_rows']:,} in the "
        f"training data. Population stability index (PSI): watch from {thresholds['watch']}, "
        f"act from {thresholds['act']}.",
        "",
        "| field | PSI | status | largest move |",
        "|---|---:|---|---|",
        *(
            f"| {entry['label']} (`{entry['field']}`) | {entry['psi']:.4f} | "
            f"{_flag(entry['status'])} | {_largest_move(entry['bins'])} |"
            for entry in report["fields"]
        ),
        "",
        "## Scores",
        f"Score PSI {score['psi']:.4f} ({_flag(score['status'])}); mean churn probability "
        f"{_percent(score['mean'])} against {_percent(score['reference_mean'])} on held-out "
        "training customers.",
        "",
        "| band | training | scored |",
        "|---|---:|---:|",
        *(
            f"| {band} | {_percent(shares['reference'])} | {_percent(shares['scored'])} |"
            for band, shares in report["bands"].items()
        ),
    ]
    return "\n".join(lines) + "\n"


def _flag(status: str) -> str:
    return {"act": "**act**", "watch": "watch"}.get(status, "stable")


def _largest_move(bins: list[dict[str, Any]]) -> str:
    moved = max(bins, key=lambda entry: abs(entry["scored"] - entry["reference"]))
    return f"{moved['bin']}: {_percent(moved['reference'])} → {_percent(moved['scored'])}"


def _percent(share: float | None) -> str:
    return "n/a" if share is None else f"{share:.1%}"
