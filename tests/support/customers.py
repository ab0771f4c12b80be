"""Real customers from the data set, as raw dicts, for building test inputs."""

from __future__ import annotations

import csv
from pathlib import Path


def read_rows(path: Path, limit: int | None = None) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = [row for _, row in zip(range(limit or 10**9), reader, strict=False)]
        return list(reader.fieldnames or []), rows


def write_rows(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def spaced_header(path: Path) -> Path:
    """The file with a space after each comma of its header (``customerID, gender, …``), as
    some spreadsheets export it; the rows are left as they are."""
    header, _, rows = path.read_text(encoding="utf-8").partition("\n")
    spaced = path.with_name(f"spaced-{path.name}")
    spaced.write_text(header.replace(",", ", ") + "\n" + rows, encoding="utf-8")
    return spaced
