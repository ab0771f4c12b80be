"""The one check of a customer CSV's header, for training, scoring and the UI."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from churn.contract.fields import FIELD_NAMES, ID_COLUMN, LABEL_COLUMN
from churn.errors import RefusedError


@dataclass(frozen=True)
class Header:
    """A customer table's header as the contract reads it."""

    names: tuple[str, ...]
    """The column names, spaces around each removed: the keys to read its rows by."""
    ignored: tuple[str, ...]
    """The columns that are neither a field, the id nor the label (listed, never read)."""


class HeaderError(RefusedError, ValueError):
    """A file's header is not a customer table's; the message is one line."""


LabelUse = Literal["required", "optional", "ignored"]
"""What a reader does with the ``Churn`` column: needs it (training), reads it when present
(the UI's evaluation), or leaves it unread and lists it with the ignored columns (scoring)."""


def check_header(
    raw_names: Sequence[str], *, label: LabelUse, needs_id: bool, extra_columns: bool
) -> Header:
    """The one check of a customer CSV's header, for training, scoring and the UI: every
    field present once (the label and the id when asked), nothing unknown unless
    ``extra_columns``. Names are compared without the spaces around them, and the returned
    ``names`` are what rows must be read by (a header ``customerID, gender`` has ``gender``)."""
    names = tuple(name.strip() for name in raw_names)
    if problem := _delimiter_problem(names):
        raise HeaderError(problem)
    required = (
        *((ID_COLUMN,) if needs_id else ()),
        *FIELD_NAMES,
        *((LABEL_COLUMN,) if label == "required" else ()),
    )
    if missing := [name for name in required if name not in names]:
        raise HeaderError(f"missing column(s) {_some(missing)}")
    unknown = [name for name in names if name not in {*FIELD_NAMES, ID_COLUMN, LABEL_COLUMN}]
    if unknown and not extra_columns:
        raise HeaderError(f"unknown column(s) {_some(unknown)}")
    if repeated := sorted({name for name in names if names.count(name) > 1}):
        raise HeaderError(f"column(s) {_some(repeated)} appear twice")
    unread = {*unknown, *((LABEL_COLUMN,) if label == "ignored" else ())}
    return Header(names, tuple(name for name in names if name in unread))


def _some(names: Sequence[str], shown: int = 5) -> str:
    """Up to ``shown`` names quoted, and how many more."""
    more = len(names) - shown
    return ", ".join(map(repr, names[:shown])) + (f" and {more} more" if more > 0 else "")


def _delimiter_problem(header: Sequence[str]) -> str | None:
    """Why a CSV header read as one column is not the data set's: it is split by another
    separator (a spreadsheet export in another locale, say). None when it looks comma-separated."""
    if len(header) == 1:
        for delimiter, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "pipes")):
            if delimiter in header[0]:
                return f"the header is separated by {name}; the file must be comma-separated"
    return None
