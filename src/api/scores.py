"""The latest published scoring run (churn-score's outputs), for the UI's "Customer base"
page: its summary and drift report, and its riskiest customers (top.csv) a page at a time.

Pure standard library through ``storage`` (the Lambda imports it). A run is a folder under
``Settings.scores`` whose ``summary.json`` exists (written last: a run without it is not
published); runs are named so that the latest sorts last (``<date>-<run id>``). What is
read is kept for ``CACHE_SECONDS``: runs are weekly, and a page turn must not reread S3.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import threading
import time
from dataclasses import dataclass
from typing import Any, Final

from churn import contract, storage
from churn.artifacts import DRIFT_JSON, SUMMARY, TOP
from churn.errors import RefusedError

CACHE_SECONDS: Final = 300.0


class ScoringRunError(RefusedError):
    """No run to show; the message says why, in one line, for the server's log (it may name
    buckets); ``public`` is what a client is told."""

    def __init__(self, message: str, public: str = "the scoring runs cannot be read") -> None:
        super().__init__(message)
        self.public = public


@dataclass(frozen=True)
class ScoringRun:
    name: str
    summary: dict[str, Any]
    drift: dict[str, Any]
    customers: list[dict[str, Any]]
    """top.csv: the riskiest customers, riskiest first."""


def _read(uri: str) -> bytes:
    try:
        return storage.read_bytes(uri)
    except storage.StorageError as error:
        raise ScoringRunError(str(error)) from None


def latest_run(root: str) -> ScoringRun:
    """The last published run under ``root`` (a folder or an s3:// prefix)."""
    try:
        names = storage.list_folders(root)
    except storage.StorageError as error:
        raise ScoringRunError(str(error)) from None
    for name in reversed(names):
        folder = storage.child(root, name)
        try:
            summary = json.loads(storage.read_bytes(storage.child(folder, SUMMARY)))
        except storage.StorageError:
            continue  # not published (yet): its summary is written last
        drift = json.loads(_read(storage.child(folder, DRIFT_JSON)))
        top = storage.child(folder, TOP)
        customers = _customers(_read(top), top)
        return ScoringRun(name, summary, drift, customers)
    none_yet = "no scoring run published yet (churn-score writes them)"
    raise ScoringRunError(f"{root}: {none_yet}", public=none_yet)


def _customers(document: bytes, uri: str) -> list[dict[str, Any]]:
    rows = csv.DictReader(io.StringIO(document.decode("utf-8"), newline=""))
    customers = [_customer(row) for row in rows]
    # churn-score keeps no longer id; a page of customers must stay small whatever the file.
    if any(len(c[contract.ID_COLUMN]) > contract.ID_MAX_LENGTH for c in customers):
        too_long = f"a customerID is longer than {contract.ID_MAX_LENGTH} characters"
        raise ScoringRunError(f"{uri}: {too_long}")
    return customers


def _customer(row: dict[str, str]) -> dict[str, Any]:
    # driver_1, contribution_1, driver_2, ...: as many as the run wrote (blank: none).
    ranks = itertools.takewhile(lambda rank: f"driver_{rank}" in row, itertools.count(1))
    drivers = [
        {
            "field": row[f"driver_{rank}"],
            "label": contract.FIELDS_BY_NAME[row[f"driver_{rank}"]].label,
            "contribution": float(row[f"contribution_{rank}"]),
        }
        for rank in ranks
        if row[f"driver_{rank}"]
    ]
    return {
        "line": int(row["line"]),
        contract.ID_COLUMN: row[contract.ID_COLUMN],
        "churn_probability": float(row["churn_probability"]),
        "churn": row["churn"] == "true",
        "risk_band": row["risk_band"],
        "drivers": drivers,
    }


class RunCache:
    """The latest run, reread at most every ``seconds``; thread-safe."""

    def __init__(self, root: str | None, seconds: float = CACHE_SECONDS) -> None:
        self.root = root
        self.seconds = seconds
        self._run: ScoringRun | None = None
        self._read_at = 0.0
        self._lock = threading.Lock()

    def get(self) -> ScoringRun:
        if self.root is None:
            unset = "no scoring runs are configured here (CHURN_SCORES is not set)"
            raise ScoringRunError(unset, public=unset)
        with self._lock:
            if self._run is None or time.monotonic() - self._read_at > self.seconds:
                self._run = latest_run(self.root)
                self._read_at = time.monotonic()
            return self._run
