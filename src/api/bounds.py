"""What an answer may echo of a request: bounded, whatever the request holds.

API Gateway and Lambda refuse a response over 6 MB (a 5xx with nothing useful for the
client), and a request can name any number of unknown keys of any length. So every answer
lists at most a few errors per customer and a fixed number in all, cuts long names and
messages short, and says how many it left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from churn import contract

MAX_NAME_CHARS: Final = 64
"""A field name as echoed back: the contract's are at most 16, an unknown key may be MBs."""
MAX_MESSAGE_CHARS: Final = 200
MAX_ROW_ERRORS: Final = len(contract.FIELDS) + 1
"""The errors a rejected batch row lists, the rest counted: one per field and the id, so a
customer whose only faults are in known fields has every one listed."""
MAX_ANSWER_ERRORS: Final = 1_000
"""The errors a whole batch answer lists (about 100 KB); the rest are counted."""
MAX_REPORTED: Final = MAX_ROW_ERRORS
"""The errors a 422 lists in full."""
MAX_LOC_PARTS: Final = 8

INCONSISTENT: Final = "inconsistent_fields"
"""The error type of the contract's consistency rule (the Customer models raise it)."""
# Where FastAPI says an error was (the first part of its loc), before the field's name.
REQUEST_PARTS: Final = frozenset({"body", "query", "path", "header", "cookie"})


def shown(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, the cut marked."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def field_name(error: Any) -> str:
    """The field an error is about: the consistency rule's field, else the first name in
    loc after where it was ("body", or "query" for a query parameter); later names are
    union members, such as "literal['No','Yes']"."""
    if error.get("type") == INCONSISTENT:
        return shown(str(error["ctx"]["field"]), MAX_NAME_CHARS)
    loc = list(error.get("loc", ()))
    if loc[:1] and loc[0] in REQUEST_PARTS:
        loc = loc[1:]
    names = [part for part in loc if isinstance(part, str)]
    return shown(names[0], MAX_NAME_CHARS) if names else "body"


def message(error: Any) -> str:
    return shown(str(error["msg"]), MAX_MESSAGE_CHARS)


def location(error: Any) -> list[str]:
    return [shown(str(part), MAX_NAME_CHARS) for part in error.get("loc", ())][:MAX_LOC_PARTS]


class ErrorBudget:
    """How many more errors a batch answer may list; what it could not is counted."""

    def __init__(self, total: int = MAX_ANSWER_ERRORS) -> None:
        self.left = total
        self.omitted = 0

    def take(self, errors: Sequence[Any]) -> tuple[Sequence[Any], int]:
        """The errors of a row to list (at most MAX_ROW_ERRORS, within the budget), and how
        many of them are left out."""
        room = min(MAX_ROW_ERRORS, self.left, len(errors))
        self.left -= room
        self.omitted += len(errors) - room
        return errors[:room], len(errors) - room
