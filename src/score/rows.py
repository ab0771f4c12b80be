"""The rows a chunk of scored customers becomes: one per customer, with its probability,
label, risk band and (for those explained) its top drivers, as scores.csv holds them. The
same steps whichever engine computed the probabilities."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from churn import bands, contract
from churn.bundles import ServingBundle
from churn.distributions import bands_of
from churn.score.local import DRIVERS, ChunkModel, Explain, Matrix, explained_rows
from churn.score.reader import Chunk
from churn.score.validation import CheckedChunk, check_chunk, feature_matrix

SCORE_SCHEMA: Final = pa.schema(
    [
        ("line", pa.int64()),
        (contract.ID_COLUMN, pa.string()),
        ("churn_probability", pa.float64()),
        ("churn", pa.bool_()),
        ("risk_band", pa.string()),
        *(
            pair
            for rank in range(1, DRIVERS + 1)
            for pair in ((f"driver_{rank}", pa.string()), (f"contribution_{rank}", pa.float64()))
        ),
    ]
)


def scored_rows(
    model: ChunkModel,
    threshold: float,
    explain: Explain,
    *,
    lines: npt.NDArray[np.int64],
    ids: pa.StringArray,
    probabilities: Matrix,
    features: Matrix,
) -> tuple[pa.Table, int]:
    """The chunk's rows in ``SCORE_SCHEMA``, and how many of them were explained."""
    churn = probabilities >= threshold
    explained = explained_rows(explain, churn)
    ranked, contributions = model.drivers(features[explained])
    band_index = bands_of(probabilities, threshold)
    table = pa.table(
        {
            "line": pa.array(lines),
            contract.ID_COLUMN: ids,
            "churn_probability": pa.array(probabilities),
            "churn": pa.array(churn),
            "risk_band": pc.take(pa.array(bands.BANDS), pa.array(np.asarray(band_index))),
        }
    )
    return _with_drivers(table, explained, ranked, contributions), len(explained)


def _with_drivers(
    table: pa.Table,
    explained: npt.NDArray[np.intp],
    ranked: npt.NDArray[np.int64],
    contributions: Matrix,
) -> pa.Table:
    rows = table.num_rows
    missing = np.ones(rows, dtype=bool)
    missing[explained] = False
    names = pa.array(contract.FIELD_NAMES)
    for rank in range(DRIVERS):
        fields = np.zeros(rows, dtype=np.int64)
        fields[explained] = ranked[:, rank]
        values = np.zeros(rows, dtype=np.float64)
        values[explained] = contributions[:, rank]
        table = table.append_column(
            f"driver_{rank + 1}", pc.take(names, pa.array(fields, mask=missing))
        )
        table = table.append_column(f"contribution_{rank + 1}", pa.array(values, mask=missing))
    return table


@dataclass(frozen=True)
class ScoredChunk:
    checked: CheckedChunk
    probabilities: Matrix
    table: pa.Table
    explained: int
    seconds: dict[str, float]


class ChunkScorer:
    """Everything one chunk needs that no other chunk does, for the local engine: safe on
    any worker thread (XGBoost's predictions are thread-safe for tree models)."""

    def __init__(self, bundle: ServingBundle, model: ChunkModel, explain: Explain) -> None:
        self.bundle = bundle
        self.model = model
        self.explain = explain
        self.width = len(bundle.spec.features)
        self._buffers = threading.local()  # each worker's feature matrix, reused per chunk

    def score(self, chunk: Chunk) -> ScoredChunk:
        clock = time.perf_counter()
        checked = check_chunk(chunk)
        buffer = getattr(self._buffers, "matrix", None)
        if buffer is None or len(buffer) < len(checked):
            buffer = self._buffers.matrix = np.empty((len(checked), self.width))
        matrix = feature_matrix(self.bundle.spec, checked, buffer)
        probabilities = self.model.probabilities(matrix)
        predicted = time.perf_counter()
        table, explained = scored_rows(
            self.model,
            self.bundle.threshold,
            self.explain,
            lines=checked.lines,
            ids=checked.ids,
            probabilities=probabilities,
            features=matrix,
        )
        seconds = {"predict": predicted - clock, "explain": time.perf_counter() - predicted}
        return ScoredChunk(checked, probabilities, table, explained, seconds)
