"""The contract over a whole chunk at once, with the per-record check as the authority.

``check_record`` is the per-record path: the contract's own ``normalize_record`` plus the
two rules a scoring run adds (every value UTF-8 text, a customerID that is not blank).
``check_chunk`` clears, with vectorized Arrow and NumPy operations, the rows whose every
value is spelt exactly as the contract's canonical form (a level as written, a plain decimal
number in range, the dependent values consistent), and hands every other row to
``check_record``: rows it clears are ones ``check_record`` would accept with the same
values, and every reason a row is refused for is ``check_record``'s own. A test holds the
two paths equal on every row of the data set and on every kind of bad row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from churn import contract
from churn.features import NumericFeature, PreprocessingSpec
from churn.score.reader import COLUMNS, Chunk

# A plain decimal: Arrow's cast and Python's float() both round it correctly, so the two
# paths read the same float. Anything else (signs, exponents, spaces, "1_000", "nan")
# takes the per-record path and its reasons.
PLAIN_NUMBER: Final = r"^[0-9]{1,12}(\.[0-9]{1,12})?$"
BLANK_ID: Final = r"^[ \t]*$"
NOT_UTF8: Final = "is not UTF-8 text"
TOO_LONG_ID: Final = f"is longer than {contract.ID_MAX_LENGTH} characters"
# SeniorCitizen's 0/1 (the data set's spelling) read as the canonical No/Yes.
_ALIASES: Final = {"SeniorCitizen": {"0": "No", "1": "Yes"}}

Codes = npt.NDArray[np.int8]
Numbers = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Reject:
    line: int
    customer_id: str
    field: str
    reason: str


@dataclass(frozen=True)
class CheckedChunk:
    """The accepted rows in canonical form, column by column, and the refused ones."""

    lines: npt.NDArray[np.int64]
    ids: pa.StringArray
    codes: dict[str, Codes]
    """Each categorical field as the index of its level in the contract."""
    numbers: dict[str, Numbers]
    rejects: list[Reject]
    blank: int
    """Rows with every value empty (blank lines), skipped."""

    def __len__(self) -> int:
        return len(self.lines)


def check_record(raw: Mapping[str, bytes]) -> tuple[str, contract.Record]:
    """One row's customerID and canonical record; ``ContractError`` names what is wrong."""
    text: dict[str, contract.RawValue] = {}
    for name in COLUMNS:
        try:
            text[name] = raw[name].decode("utf-8")
        except UnicodeDecodeError:
            raise contract.ContractError(name, NOT_UTF8) from None
    customer_id = str(text.pop(contract.ID_COLUMN))
    if not customer_id.strip(" \t"):
        raise contract.ContractError(contract.ID_COLUMN, "is blank")
    if len(customer_id) > contract.ID_MAX_LENGTH:
        raise contract.ContractError(contract.ID_COLUMN, TOO_LONG_ID)
    return customer_id, contract.normalize_record(text)


def is_blank(raw: Mapping[str, bytes]) -> bool:
    return not any(raw[name] for name in COLUMNS)


def check_chunk(chunk: Chunk) -> CheckedChunk:
    count = len(chunk)
    clear = np.ones(count, dtype=bool)
    codes: dict[str, Codes] = {}
    numbers: dict[str, Numbers] = {}
    for field in contract.FIELDS:
        column = chunk.columns[field.name]
        if isinstance(field, contract.CategoricalField):
            codes[field.name], known = _level_codes(field, column)
            clear &= known
        else:
            numbers[field.name], plain = _plain_numbers(field, column)
            clear &= plain
    clear &= _consistent(codes)
    ids, readable = _ids(chunk.columns[contract.ID_COLUMN])
    clear &= readable

    rejects = [
        Reject(row.line, "", "", f"{row.values} values where the header has {row.expected}")
        for row in chunk.malformed
    ]
    accepted = clear.copy()
    blank = 0
    for index in np.flatnonzero(~clear):
        raw = {name: chunk.columns[name][index].as_py() for name in COLUMNS}
        if is_blank(raw):
            blank += 1
            continue
        line = int(chunk.lines[index])
        try:
            # An accepted id is UTF-8, so ``ids`` already holds check_record's text for it.
            _, record = check_record(raw)
        except contract.ContractError as error:
            shown = raw[contract.ID_COLUMN].decode("utf-8", errors="replace")
            rejects.append(Reject(line, shown, error.field, error.message))
            continue
        accepted[index] = True
        _store(record, int(index), codes, numbers)
    if accepted.all():  # the common case: no copies
        return CheckedChunk(chunk.lines, ids, codes, numbers, rejects, blank)
    keep = np.flatnonzero(accepted)
    return CheckedChunk(
        lines=chunk.lines[keep],
        ids=ids.take(pa.array(keep)),
        codes={name: values[keep] for name, values in codes.items()},
        numbers={name: values[keep] for name, values in numbers.items()},
        rejects=rejects,
        blank=blank,
    )


def _level_codes(
    field: contract.CategoricalField, column: pa.BinaryArray
) -> tuple[Codes, npt.NDArray[np.bool_]]:
    aliases = _ALIASES.get(field.name, {})
    spellings = [*field.levels, *aliases]
    found = pc.index_in(column, value_set=pa.array([s.encode() for s in spellings], pa.binary()))
    known = found.is_valid().to_numpy(zero_copy_only=False)
    positions = found.fill_null(0).cast(pa.int8()).to_numpy(zero_copy_only=False, writable=True)
    if aliases:
        canonical = np.array(
            [*range(len(field.levels)), *(field.levels.index(level) for level in aliases.values())],
            dtype=np.int8,
        )
        positions = canonical[positions]
    return positions, known


def _plain_numbers(
    field: contract.NumericField, column: pa.BinaryArray
) -> tuple[Numbers, npt.NDArray[np.bool_]]:
    plain = pc.match_substring_regex(column, PLAIN_NUMBER).to_numpy(zero_copy_only=False)
    readable = pc.if_else(pa.array(plain), column, pa.scalar(b"0", pa.binary()))
    values = pc.cast(pc.cast(readable, pa.string()), pa.float64()).to_numpy(
        zero_copy_only=False, writable=True
    )
    in_range = (values >= field.minimum) & (values <= field.maximum)
    if field.integer:
        in_range &= values == np.floor(values)
    return values, plain & in_range


def _consistent(codes: Mapping[str, Codes]) -> npt.NDArray[np.bool_]:
    """check_consistency's rules over whole columns."""
    has_phone = codes["PhoneService"] == _level("PhoneService", "Yes")
    no_phone = codes["MultipleLines"] == _level("MultipleLines", contract.NO_PHONE)
    consistent: npt.NDArray[np.bool_] = has_phone != no_phone
    has_internet = codes["InternetService"] != _level("InternetService", "No")
    for name in contract.INTERNET_ADDONS:
        consistent &= has_internet != (codes[name] == _level(name, contract.NO_INTERNET))
    return consistent


def _level(name: str, level: str) -> int:
    field = contract.FIELDS_BY_NAME[name]
    assert isinstance(field, contract.CategoricalField)
    return field.levels.index(level)


def _ids(column: pa.BinaryArray) -> tuple[pa.StringArray, npt.NDArray[np.bool_]]:
    """The ids as text, and which are clear: UTF-8, not blank and not too long."""
    try:
        ids = pc.cast(column, pa.string())
    except pa.ArrowInvalid:  # some value is not UTF-8: those rows take the per-record path
        raw = column.to_pylist()
        ids = pa.array([value.decode("utf-8", errors="replace") for value in raw], pa.string())
        valid = np.array(
            [value.decode("utf-8", errors="replace").encode() == value for value in raw]
        )
        return ids, valid & _usable(ids)
    return ids, _usable(ids)


def _usable(ids: pa.StringArray) -> npt.NDArray[np.bool_]:
    blank: npt.NDArray[np.bool_] = pc.match_substring_regex(ids, BLANK_ID).to_numpy(
        zero_copy_only=False
    )
    short: npt.NDArray[np.bool_] = pc.less_equal(
        pc.utf8_length(ids), contract.ID_MAX_LENGTH
    ).to_numpy(zero_copy_only=False)
    return ~blank & short


def _store(
    record: contract.Record, index: int, codes: dict[str, Codes], numbers: dict[str, Numbers]
) -> None:
    for field in contract.FIELDS:
        value = record[field.name]
        if isinstance(field, contract.CategoricalField):
            codes[field.name][index] = field.levels.index(str(value))
        else:
            numbers[field.name][index] = float(value)


def feature_matrix(
    spec: PreprocessingSpec, checked: CheckedChunk, buffer: npt.NDArray[np.float64] | None = None
) -> npt.NDArray[np.float64]:
    """The spec applied to whole columns: row i equals ``Vectorizer.vector`` of row i.
    ``buffer``: memory to fill (at least as many rows), reused from chunk to chunk because
    touching fresh pages costs more here than the arithmetic."""
    shape = (len(checked), len(spec.features))
    matrix = buffer[: shape[0]] if buffer is not None else np.empty(shape, dtype=np.float64)
    assert matrix.shape == shape, "the buffer is too small"
    for position, feature in enumerate(spec.features):
        if isinstance(feature, NumericFeature):
            matrix[:, position] = checked.numbers[feature.source]
        else:
            field = contract.FIELDS_BY_NAME[feature.source]
            assert isinstance(field, contract.CategoricalField)
            matrix[:, position] = checked.codes[feature.source] == field.levels.index(feature.level)
    return matrix
