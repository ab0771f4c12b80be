"""top.csv: the riskiest customers of a run, riskiest first (what the API pages through)."""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from churn.score.rows import SCORE_SCHEMA


class TopRows:
    """The riskiest ``size`` rows seen so far (ties: the earlier line first)."""

    ORDER: Final = [("churn_probability", "descending"), ("line", "ascending")]

    def __init__(self, size: int) -> None:
        self.size = size
        self.table = SCORE_SCHEMA.empty_table()

    def add(self, table: pa.Table) -> None:
        if self.size == 0:
            return
        if self.table.num_rows == self.size:
            floor = self.table["churn_probability"][-1]
            table = table.filter(pc.greater(table["churn_probability"], floor))
        merged = pa.concat_tables([self.table, table])
        self.table = merged.sort_by(self.ORDER).slice(0, self.size)

    def write(self, path: Path) -> None:
        pcsv.write_csv(self.table, str(path))
