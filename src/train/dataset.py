"""Load the raw customer table and check it against the contract before any training.

The CSV is read with the standard csv module rather than pandas so that every problem can
be reported with its line number; each row goes through ``contract.normalize_record``, the
same check the API applies to a request.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from churn import contract, storage
from churn.errors import RefusedError


class DataError(RefusedError):
    """The data cannot be trained on; the message is one line naming source, row, column."""


@dataclass(frozen=True)
class Dataset:
    features: pd.DataFrame
    """Canonical values of the contract fields, in contract order."""
    labels: pd.Series
    """1 for churn, 0 otherwise."""
    customer_ids: pd.Series | None
    source: str
    sha256: str


def load_dataset(source: str) -> Dataset:
    """Read ``source`` (path, ``s3://`` or ``https://``) and validate every row.
    ``StorageError`` when it cannot be read, ``DataError`` when it is not trainable."""
    return parse_dataset(storage.read_bytes(source), source)


def parse_dataset(raw: bytes, source: str) -> Dataset:
    text = _decode(raw, source)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    rows = [row for row in rows if row]  # csv yields [] for blank lines, e.g. a final one
    if not rows:
        raise DataError(f"{source}: the file is empty")
    try:
        header = contract.check_header(
            rows[0], label="required", needs_id=False, extra_columns=False
        ).names
    except contract.HeaderError as error:
        raise DataError(f"{source}: {error}") from None
    if len(rows) == 1:
        raise DataError(f"{source}: the file has a header but no data rows")

    records: list[contract.Record] = []
    labels: list[int] = []
    ids: list[str] = []
    problems: list[str] = []
    for line_number, values in enumerate(rows[1:], start=2):
        if len(values) != len(header):
            problems.append(
                f"line {line_number}: {len(values)} values where the header has {len(header)}"
            )
            continue
        raw_row = dict(zip(header, values, strict=True))
        where = _where(line_number, raw_row)
        try:
            records.append(contract.normalize_record(raw_row))
            labels.append(contract.label_to_int(raw_row[contract.LABEL_COLUMN]))
        except contract.ContractError as violation:
            problems.append(f"{where}, column {violation.field!r}: {violation.message}")
            continue
        if contract.ID_COLUMN in raw_row:
            ids.append(raw_row[contract.ID_COLUMN])
    _raise_if_any(problems, source)
    _check_ids(ids, source)
    _check_classes(labels, source)

    features = pd.DataFrame.from_records(records, columns=list(contract.FIELD_NAMES))
    return Dataset(
        features=features,
        labels=pd.Series(labels, name=contract.LABEL_COLUMN, dtype="int64"),
        customer_ids=pd.Series(ids, name=contract.ID_COLUMN) if ids else None,
        source=source,
        sha256=hashlib.sha256(raw).hexdigest(),
    )


def _decode(raw: bytes, source: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise DataError(
            f"{source}: line {line}: byte 0x{raw[error.start]:02x} at offset {error.start} "
            "is not valid UTF-8; save the file as UTF-8"
        ) from None


def _where(line_number: int, raw_row: dict[str, str]) -> str:
    customer = raw_row.get(contract.ID_COLUMN)
    return f"line {line_number} (customerID {customer})" if customer else f"line {line_number}"


def _raise_if_any(problems: list[str], source: str) -> None:
    if not problems:
        return
    # One line for a person: the first problem, and how many more rows have one.
    more = len(problems) - 1
    suffix = f" (and {more} more problem row(s))" if more else ""
    raise DataError(f"{source}: {problems[0]}{suffix}")


def _check_ids(ids: list[str], source: str) -> None:
    duplicates = [customer for customer, count in Counter(ids).items() if count > 1]
    if duplicates:
        shown = ", ".join(map(repr, duplicates[:3]))
        raise DataError(
            f"{source}: column {contract.ID_COLUMN!r}: {len(duplicates)} duplicated id(s), "
            f"e.g. {shown}"
        )


def _check_classes(labels: list[int], source: str) -> None:
    present = set(labels)
    if len(present) < 2:
        only = contract.LABEL_VALUES[present.pop()] if present else "none"
        raise DataError(
            f"{source}: column {contract.LABEL_COLUMN!r}: every row is {only!r}; "
            "training needs both churners and non-churners"
        )
