"""Stream a customer base in chunks, in bounded memory: CSV in the data set's format,
optionally gzip-compressed, from a path, ``s3://`` or ``https://``.

Values stay bytes (Arrow binary arrays) until the contract has looked at them, so one badly
encoded value makes one bad row instead of a failed run. Rows are numbered as the file's
lines (header = line 1), counting CSV records: the same unless a quoted value holds a line
break.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO, Final, cast

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.csv as pcsv

from churn import contract, storage
from churn.errors import RefusedError

GZIP_MAGIC: Final = b"\x1f\x8b"
# About 60,000 rows of the data set's width per chunk: large enough for vectorized work to
# pay, small enough that memory stays flat whatever the file's size.
BLOCK_BYTES: Final = 8 << 20
COLUMNS: Final = (contract.ID_COLUMN, *contract.FIELD_NAMES)


class InputError(RefusedError):
    """The file as a whole cannot be scored; the message is one readable line."""


@dataclass(frozen=True)
class Malformed:
    """A row the CSV parser itself refused: too few or too many values."""

    line: int
    values: int
    expected: int


@dataclass(frozen=True)
class Chunk:
    columns: dict[str, pa.BinaryArray]
    """customerID and the 19 contract fields, raw."""
    lines: npt.NDArray[np.int64]
    malformed: list[Malformed]
    """Rows refused by the parser since the previous chunk."""

    def __len__(self) -> int:
        return len(self.lines)


@dataclass
class SourceStats:
    bytes_read: int = 0
    digest: hashlib._Hash = field(default_factory=hashlib.sha256)

    @property
    def sha256(self) -> str:
        return self.digest.hexdigest()


class _Source:
    """The raw source, fingerprinted as it passes, with a look at its first bytes."""

    def __init__(self, source: BinaryIO, stats: SourceStats) -> None:
        self._source = source
        self._stats = stats
        self._ahead = b""
        self.closed = False  # Arrow's PythonFile asks

    def peek(self, size: int) -> bytes:
        if len(self._ahead) < size:
            self._ahead += self._take(size - len(self._ahead))
        return self._ahead[:size]

    def read(self, size: int = -1) -> bytes:
        ahead, self._ahead = self._ahead, b""
        if size >= 0 and len(ahead) >= size:
            self._ahead = ahead[size:]
            return ahead[:size]
        return ahead + self._take(size - len(ahead) if size >= 0 else -1)

    def readline(self, limit: int) -> bytes:
        line = b""
        while not line.endswith(b"\n") and len(line) < limit:
            piece = self.read(1 << 16)
            if not piece:
                break
            end = piece.find(b"\n") + 1 or len(piece)
            line, self._ahead = line + piece[:end], piece[end:] + self._ahead
        return line

    def _take(self, size: int) -> bytes:
        data = self._source.read(size)
        self._stats.bytes_read += len(data)
        self._stats.digest.update(data)
        return data


class CustomerBase:
    """One pass over a source: ``header`` and ``ignored_columns`` once open, then ``chunks()``."""

    def __init__(self, uri: str, block_bytes: int = BLOCK_BYTES) -> None:
        self.uri = uri
        self.block_bytes = block_bytes
        self.stats = SourceStats()
        self.compressed = False
        self.header: list[str] = []
        self.ignored_columns: list[str] = []
        self._stack = contextlib.ExitStack()
        self._text: _Source | gzip.GzipFile | None = None

    def __enter__(self) -> CustomerBase:
        with contextlib.ExitStack() as stack:
            try:
                raw = stack.enter_context(storage.open_stream(self.uri))
            except storage.StorageError as error:
                raise InputError(str(error)) from None
            source = _Source(raw, self.stats)
            self.compressed = source.peek(2) == GZIP_MAGIC
            text: _Source | gzip.GzipFile = (
                gzip.GzipFile(fileobj=cast("BinaryIO", source), mode="rb")
                if self.compressed
                else source
            )
            self.header = self._read_header(text)
            self._text = text
            self._stack = stack.pop_all()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def _read_header(self, text: _Source | gzip.GzipFile) -> list[str]:
        try:
            first = text.readline(1 << 20)
        except (OSError, EOFError, gzip.BadGzipFile) as error:
            raise InputError(f"{self.uri}: cannot read ({error})") from None
        if not first.strip():
            raise InputError(f"{self.uri}: the file is empty")
        try:
            line = first.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(f"{self.uri}: the header is not UTF-8 text") from None
        try:
            header = contract.check_header(
                next(csv.reader([line])), label="ignored", needs_id=True, extra_columns=True
            )
        except contract.HeaderError as error:
            raise InputError(f"{self.uri}: {error}") from None
        self.ignored_columns = list(header.ignored)
        return list(header.names)

    def chunks(self) -> Iterator[Chunk]:
        assert self._text is not None, "open the base with `with` first"
        malformed: list[Malformed] = []

        def refuse(row: pcsv.InvalidRow) -> str:
            # The parser numbers records from 1 after the header we read ourselves.
            malformed.append(
                Malformed(int(row.number) + 1, row.actual_columns, row.expected_columns)
            )
            return "skip"

        try:
            reader = pcsv.open_csv(
                pa.PythonFile(self._text, mode="r"),
                read_options=pcsv.ReadOptions(
                    column_names=self.header, block_size=self.block_bytes, use_threads=False
                ),
                # Blank lines are kept as rows of empty values (and skipped by the checks) so
                # that the parser's record numbers stay the file's line numbers.
                parse_options=pcsv.ParseOptions(
                    newlines_in_values=True, ignore_empty_lines=False, invalid_row_handler=refuse
                ),
                convert_options=pcsv.ConvertOptions(
                    include_columns=list(COLUMNS),
                    column_types=dict.fromkeys(COLUMNS, pa.binary()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
        except pa.ArrowInvalid as error:
            if "Empty CSV file" in str(error):
                return  # a header and nothing else
            raise InputError(f"{self.uri}: cannot read ({_first_line(error)})") from None
        numbering = _Numbering()
        try:
            for batch in reader:
                refused, malformed[:] = list(malformed), []
                numbering.skip(row.line for row in refused)
                yield Chunk(
                    columns={name: batch.column(name) for name in COLUMNS},
                    lines=numbering.take(batch.num_rows),
                    malformed=refused,
                )
        except (pa.ArrowInvalid, OSError, EOFError, gzip.BadGzipFile) as error:
            raise InputError(f"{self.uri}: cannot read ({_first_line(error)})") from None
        if malformed:
            numbering.skip(row.line for row in malformed)
            yield Chunk(
                columns={name: pa.array([], pa.binary()) for name in COLUMNS},
                lines=np.empty(0, dtype=np.int64),
                malformed=malformed,
            )


class _Numbering:
    """Line numbers of the rows the parser keeps: consecutive, minus those it refused."""

    def __init__(self) -> None:
        self._next = 2  # line 1 is the header
        self._refused: set[int] = set()

    def skip(self, lines: Iterator[int] | list[int]) -> None:
        self._refused.update(lines)

    def take(self, count: int) -> npt.NDArray[np.int64]:
        candidates = np.arange(self._next, self._next + count + len(self._refused), dtype=np.int64)
        if self._refused:
            candidates = candidates[~np.isin(candidates, list(self._refused))]
        lines = candidates[:count]
        if count:
            self._next = int(lines[-1]) + 1
            self._refused = {line for line in self._refused if line >= self._next}
        return lines


def _first_line(error: BaseException) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0]
