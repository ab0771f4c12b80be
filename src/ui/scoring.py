"""Scoring a file: parse it against the contract, send good rows to the batch endpoint in
chunks, gather answers and rejections, and evaluate when the file carries ``Churn``.

No Streamlit here, so the page stays thin and this is tested on its own.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import pandas as pd

from churn import contract
from churn.errors import RefusedError
from churn.ui.client import ApiClient
from churn.ui.settings import MAX_FILE_MB, MAX_FILE_ROWS

FILE_DRIVERS: Final = 3
DRIVER_COLUMNS: Final = tuple(f"driver_{rank}" for rank in range(1, FILE_DRIVERS + 1))


class FileError(RefusedError):
    """The file as a whole cannot be scored; the message says why."""


@dataclass(frozen=True)
class Problem:
    line: int
    customer_id: str
    reason: str


@dataclass
class ParsedFile:
    payloads: list[dict[str, Any]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    labels: list[int] | None = None
    problems: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


def parse_file(raw: bytes) -> ParsedFile:
    """Rows in the data set's format, each checked with the contract; bad rows set aside."""
    if len(raw) > MAX_FILE_MB * 1024 * 1024:
        raise FileError(f"the file is over {MAX_FILE_MB} MB; split it into smaller files")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileError(
            f"the file is not UTF-8 text (byte {error.start}); save it as UTF-8 CSV"
        ) from None
    if not text.strip():
        raise FileError("the file is empty")
    stream = io.StringIO(text, newline="")
    try:
        header = contract.check_header(
            next(csv.reader(stream)), label="optional", needs_id=False, extra_columns=True
        )
    except contract.HeaderError as error:
        raise FileError(str(error)) from None
    # Rows are read by the header's names as the contract reads them (without spaces).
    reader = csv.DictReader(stream, fieldnames=header.names)
    parsed = ParsedFile(ignored_columns=list(header.ignored))
    has_labels = contract.LABEL_COLUMN in header.names
    labels: list[int] = []
    for line, row in enumerate(reader, start=2):
        if line - 1 > MAX_FILE_ROWS:
            raise FileError(
                f"the file has more than {MAX_FILE_ROWS:,} rows; split it into smaller files"
            )
        customer_id = (row.get(contract.ID_COLUMN) or "").strip()
        try:
            record = contract.normalize_record(row)
            label = contract.label_to_int(row[contract.LABEL_COLUMN]) if has_labels else None
        except contract.ContractError as error:
            parsed.problems.append(Problem(line, customer_id, f"{error.field}: {error.message}"))
            continue
        payload: dict[str, Any] = dict(record)
        if customer_id:
            payload[contract.ID_COLUMN] = customer_id
        parsed.payloads.append(payload)
        parsed.lines.append(line)
        if label is not None:
            labels.append(label)
    if not parsed.payloads and not parsed.problems:
        raise FileError("the file has a header but no rows")
    parsed.labels = labels if has_labels else None
    return parsed


@dataclass
class ScoredFile:
    table: pd.DataFrame
    """One row per scored customer, riskiest first."""
    problems: list[Problem]
    model_version: str
    threshold: float


Progress = Callable[[int, int], None]


def score_file(
    client: ApiClient, parsed: ParsedFile, chunk_rows: int, progress: Progress
) -> ScoredFile:
    records: list[dict[str, Any]] = []
    problems = list(parsed.problems)
    version, threshold = "", 0.5
    total = len(parsed.payloads)
    for start in range(0, total, chunk_rows):
        chunk = parsed.payloads[start : start + chunk_rows]
        answer = client.predict_batch(chunk, drivers=FILE_DRIVERS)
        version = answer["model_version"]
        for result in answer["results"]:
            position = start + result["row"]
            line = parsed.lines[position]
            customer_id = str(chunk[result["row"]].get(contract.ID_COLUMN, ""))
            if "prediction" in result:
                prediction = result["prediction"]
                threshold = prediction["threshold"]
                record = {
                    "line": line,
                    contract.ID_COLUMN: customer_id,
                    "churn_probability": prediction["churn_probability"],
                    "churn": prediction["churn"],
                    "risk_band": prediction["risk_band"],
                }
                if parsed.labels is not None:
                    record["actual_churn"] = parsed.labels[position]
                drivers = prediction["explanation"]["drivers"]
                record |= {
                    column: describe_driver(driver)
                    for column, driver in zip(DRIVER_COLUMNS, drivers, strict=True)
                }
                records.append(record)
            else:
                reasons = "; ".join(f"{e['field']}: {e['message']}" for e in result["errors"])
                problems.append(Problem(line, customer_id, reasons))
        progress(min(start + chunk_rows, total), total)
    table = pd.DataFrame.from_records(records)
    if not table.empty:
        table = table.sort_values("churn_probability", ascending=False, kind="stable")
    problems.sort(key=lambda problem: problem.line)
    return ScoredFile(table.reset_index(drop=True), problems, version, threshold)


def describe_driver(driver: dict[str, Any]) -> str:
    """A driver in plain words with the customer's value, e.g. "Contract = Month-to-month
    (+0.61)": its contribution to the log-odds, positive towards churn."""
    return f"{driver['label']} = {driver['value']} ({driver['contribution']:+.2f})"


def roc_auc(labels: Sequence[int], scores: Sequence[float]) -> float | None:
    """ROC-AUC by the rank-sum formula (ties share ranks); None with only one class."""
    frame = pd.DataFrame({"label": labels, "score": scores})
    positives = int(frame["label"].sum())
    negatives = len(frame) - positives
    if positives == 0 or negatives == 0:
        return None
    ranks = frame["score"].rank(method="average")
    rank_sum = float(ranks[frame["label"] == 1].sum())
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def confusion(labels: Sequence[int], predicted: Sequence[bool]) -> pd.DataFrame:
    actual = np.asarray(labels, dtype=bool)
    guess = np.asarray(predicted, dtype=bool)
    return pd.DataFrame(
        [[int((actual & guess).sum()), int((actual & ~guess).sum())],
         [int((~actual & guess).sum()), int((~actual & ~guess).sum())]],
        index=["churned", "stayed"],
        columns=["predicted churn", "predicted stay"],
    )  # fmt: skip
