"""What a run keeps of each chunk, in input order on one thread: its rows streamed into
scores.csv, its rejects into rejects.csv, the riskiest into top.csv, and the counts and
drift that summary.json and the drift report are made of."""

from __future__ import annotations

import csv
import io
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.csv as pcsv

from churn import bands, contract, storage
from churn.artifacts import REJECTS, SCORES
from churn.bundles import ServingBundle
from churn.distributions import Reference, band_counts
from churn.score import drift
from churn.score.rows import SCORE_SCHEMA, ScoredChunk
from churn.score.top import TopRows
from churn.score.validation import CheckedChunk, Reject

REJECT_COLUMNS: Final = ("line", contract.ID_COLUMN, "field", "reason")


@dataclass
class Tally:
    accepted: int = 0
    scored: int = 0
    blank: int = 0
    churners: int = 0
    explained: int = 0
    bands: Counter[str] = field(default_factory=Counter)
    rejected_fields: Counter[str] = field(default_factory=Counter)
    seconds: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    first_reject: Reject | None = None

    @property
    def rejected(self) -> int:
        return sum(self.rejected_fields.values())


class Recorder:
    def __init__(
        self,
        publication: storage.Publication,
        bundle: ServingBundle,
        reference: Reference | None,
        top: int,
    ) -> None:
        self.threshold = bundle.threshold
        self.version = bundle.version
        self.tally = Tally()
        self.drift = drift.DriftCounter(reference, bundle.threshold) if reference else None
        self.top = TopRows(top)
        # The two files that grow with the base are streamed: no disk for them on S3.
        self.scores = pcsv.CSVWriter(publication.stream(SCORES), SCORE_SCHEMA)
        self._rejects_file = io.TextIOWrapper(
            publication.stream(REJECTS), encoding="utf-8", newline=""
        )
        self.rejects = csv.writer(self._rejects_file)
        self.rejects.writerow(REJECT_COLUMNS)

    def record(self, scored: ScoredChunk) -> None:
        """A chunk the local engine scored: its checks, then its scores."""
        clock = time.perf_counter()
        self.record_checked(scored.checked)
        self.record_scores(scored.table, scored.probabilities, scored.explained)
        for stage, seconds in scored.seconds.items():
            self.tally.seconds[stage] += seconds
        self.tally.seconds["write"] += time.perf_counter() - clock

    def record_checked(self, checked: CheckedChunk) -> None:
        """What the contract check of a chunk tells: its rejects and its fields' drift."""
        self._write_rejects(checked.rejects)
        self.tally.accepted += len(checked)
        self.tally.blank += checked.blank
        if self.drift:
            self.drift.add_fields(checked)

    def record_scores(
        self, table: pa.Table, probabilities: npt.NDArray[np.float64], explained: int
    ) -> None:
        """What scoring a chunk tells: its rows, the riskiest of them, the scores' drift."""
        self.scores.write_table(table)
        self.top.add(table)
        if self.drift:
            self.drift.add_scores(probabilities)
        self.tally.scored += len(probabilities)
        self.tally.churners += int((probabilities >= self.threshold).sum())
        self.tally.explained += explained
        counts = band_counts(probabilities, self.threshold)
        self.tally.bands.update(dict(zip(bands.BANDS, counts.tolist(), strict=True)))

    def _write_rejects(self, rejects: list[Reject]) -> None:
        for reject in sorted(rejects, key=lambda reject: reject.line):
            self.rejects.writerow((reject.line, reject.customer_id, reject.field, reject.reason))
            self.tally.rejected_fields[reject.field or "(row)"] += 1
            if self.tally.first_reject is None:
                self.tally.first_reject = reject

    def drift_report(self) -> dict[str, Any]:
        return self.drift.report(self.version) if self.drift else drift.unavailable(self.version)

    def close(self) -> None:
        """Flush and close the files written chunk by chunk (again: a no-op)."""
        if not self._rejects_file.closed:
            self.scores.close()
            self._rejects_file.close()

    def __enter__(self) -> Recorder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
