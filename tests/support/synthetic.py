"""Synthetic customer bases made from the real data: real customers sampled with
replacement and perturbed within the contract, for scoring tests and ``bench/score.py``."""

from __future__ import annotations

import csv
import gzip
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from churn import contract

Shift = Callable[[pd.DataFrame, np.random.Generator], pd.DataFrame]


def real_table(data_path: Path) -> pd.DataFrame:
    return pd.read_csv(data_path, dtype=str, keep_default_na=False)


def perturbed(
    table: pd.DataFrame, rows: int, rng: np.random.Generator, first_id: int = 0
) -> pd.DataFrame:
    """``rows`` customers drawn from ``table``, charges moved by up to 5 % (rounded to cents,
    within the contract's bounds), each with a new id. Every row passes the contract."""
    sample = table.iloc[rng.integers(0, len(table), rows)].reset_index(drop=True)
    for name in ("MonthlyCharges", "TotalCharges"):
        values = pd.to_numeric(sample[name].str.strip(), errors="coerce")
        moved = (values * rng.uniform(0.95, 1.05, rows)).round(2).clip(upper=_maximum(name))
        sample[name] = moved.map(lambda value: "" if np.isnan(value) else f"{value:.2f}")
    sample[contract.ID_COLUMN] = [f"S{index:010d}" for index in range(first_id, first_id + rows)]
    return sample


def _maximum(name: str) -> float:
    field = contract.FIELDS_BY_NAME[name]
    assert isinstance(field, contract.NumericField)
    return field.maximum


def write_base(
    table: pd.DataFrame,
    path: Path,
    rows: int,
    *,
    seed: int = 0,
    shift: Shift | None = None,
    chunk_rows: int = 500_000,
) -> Path:
    """Write a base of ``rows`` customers in chunks (memory stays flat at any size);
    gzip-compressed when ``path`` ends in .gz."""
    rng = np.random.default_rng(seed)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(table.columns)
        for first, size in _chunks(rows, chunk_rows):
            sample = perturbed(table, size, rng, first)
            if shift is not None:
                sample = shift(sample, rng)
            writer.writerows(sample.itertuples(index=False, name=None))
    return path


def _chunks(rows: int, size: int) -> Iterator[tuple[int, int]]:
    for first in range(0, rows, size):
        yield first, min(size, rows - first)


def moved(table: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """A base that has drifted in two fields: most customers on electronic checks, and
    tenure halved; the other fields as they were."""
    manual = table["PaymentMethod"] != "Electronic check"
    switch = manual & (rng.random(len(table)) < 0.7)
    table.loc[switch, "PaymentMethod"] = "Electronic check"
    table["tenure"] = (table["tenure"].astype(int) // 2).astype(str)
    return table
