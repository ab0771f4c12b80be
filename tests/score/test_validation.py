"""The vectorized chunk path against the per-record path: the same customers accepted with
the same feature vectors, the same rows refused for the same reasons, on every row of the
data set and on every kind of bad row."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from churn import contract
from churn.bundles import load_bundle
from churn.features import Vectorizer
from churn.score.reader import COLUMNS, CustomerBase, InputError
from churn.score.validation import Reject, check_chunk, check_record, feature_matrix
from tests.support.customers import spaced_header

Accepted = dict[int, tuple[str, list[float]]]


def per_record(raw: bytes, vectorizer: Vectorizer) -> tuple[Accepted, list[Reject]]:
    """The authority: Python's csv module, one row at a time through check_record."""
    text = raw.decode("utf-8", errors="surrogateescape")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = [name.strip() for name in rows[0]]
    accepted: Accepted = {}
    rejects: list[Reject] = []
    for line, values in enumerate(rows[1:], start=2):
        if not values:
            continue  # a blank line
        if len(values) != len(header):
            reason = f"{len(values)} values where the header has {len(header)}"
            rejects.append(Reject(line, "", "", reason))
            continue
        row = {
            name: value.encode("utf-8", errors="surrogateescape")
            for name, value in zip(header, values, strict=True)
        }
        if not any(row[name] for name in COLUMNS):
            continue
        try:
            customer_id, record = check_record(row)
        except contract.ContractError as error:
            shown = row[contract.ID_COLUMN].decode("utf-8", errors="replace")
            rejects.append(Reject(line, shown, error.field, error.message))
            continue
        accepted[line] = (customer_id, vectorizer.vector(record))
    return accepted, rejects


def vectorized(path: Path, bundle_dir: Path, block_bytes: int) -> tuple[Accepted, list[Reject]]:
    spec = load_bundle(str(bundle_dir)).spec
    accepted: Accepted = {}
    rejects: list[Reject] = []
    with CustomerBase(str(path), block_bytes) as base:
        for chunk in base.chunks():
            checked = check_chunk(chunk)
            matrix = feature_matrix(spec, checked)
            for line, customer_id, vector in zip(
                checked.lines.tolist(), checked.ids.to_pylist(), matrix.tolist(), strict=True
            ):
                accepted[line] = (customer_id, vector)
            rejects += checked.rejects
    return accepted, sorted(rejects, key=lambda reject: reject.line)


def assert_same(path: Path, bundle_dir: Path, block_bytes: int = 1 << 20) -> Accepted:
    vectorizer = Vectorizer(load_bundle(str(bundle_dir)).spec)
    expected = per_record(path.read_bytes(), vectorizer)
    accepted, rejects = vectorized(path, bundle_dir, block_bytes)
    assert rejects == expected[1]
    assert accepted.keys() == expected[0].keys()
    assert accepted == expected[0]  # ids, and every vector float for float
    return accepted


def test_every_customer_of_the_data_set_is_read_the_same_both_ways(
    data_path: Path, bundle_dir: Path
) -> None:
    # Small blocks: the data set spans many chunks, so numbering across chunks is checked.
    accepted = assert_same(data_path, bundle_dir, block_bytes=64 << 10)
    assert len(accepted) == 7043


GOOD = (
    "7590-VHVEG,Female,0,Yes,No,1,No,No phone service,DSL,No,Yes,No,No,No,No,Month-to-month,"
    "Yes,Electronic check,29.85,29.85"
)
HEADER = ",".join(COLUMNS)


def good(**changes: str) -> str:
    values = dict(zip(COLUMNS, next(csv.reader([GOOD])), strict=True)) | changes
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(values.values())
    return buffer.getvalue()


# Each a kind of row the vectorized checks do not clear: refused (with the contract's reason)
# or accepted by the per-record path in its canonical form.
ODD_ROWS = {
    "unknown level": good(Contract="Monthly"),
    "level in lower case": good(gender="female"),
    "level with spaces": good(Partner=" Yes"),
    "senior citizen as ' 1 '": good(SeniorCitizen=" 1 "),
    "senior citizen as 2": good(SeniorCitizen="2"),
    "tenure not a number": good(tenure="abc"),
    "tenure not whole": good(tenure="1.5"),
    "tenure written 12.0": good(tenure="12.0", TotalCharges="358.20"),
    "tenure negative": good(tenure="-1"),
    "tenure above the contract": good(tenure="121"),
    "charges with an exponent": good(MonthlyCharges="2.985e1"),
    "charges with underscores": good(MonthlyCharges="1_0"),
    "charges infinite": good(MonthlyCharges="inf"),
    "charges nan": good(MonthlyCharges="nan"),
    "charges with a sign": good(MonthlyCharges="+29.85"),
    "charges over the maximum": good(MonthlyCharges="1000.01"),
    "total charges blank with tenure": good(TotalCharges=" "),
    "total charges blank at tenure 0": good(tenure="0", TotalCharges=" "),
    "phone lines without phone": good(MultipleLines="Yes"),
    "no internet but an add-on": good(InternetService="No"),
    "blank customerID": good(customerID="  "),
    "customerID of 65 characters": good(customerID="é" * 65),
    "customerID of 64 characters": good(customerID="é" * 64),
    "empty value": good(PaymentMethod=""),
    "quoted value with a line break": good(Contract="Month-\nto-month"),
    "too few values": GOOD.rsplit(",", 1)[0],
    "too many values": GOOD + ",extra",
}


def write_file(path: Path, lines: list[str], *, raw_tail: bytes = b"") -> Path:
    path.write_bytes(("\n".join([HEADER, *lines]) + "\n").encode() + raw_tail)
    return path


@pytest.mark.parametrize("kind", list(ODD_ROWS))
def test_each_kind_of_odd_row_is_judged_the_same_both_ways(
    kind: str, bundle_dir: Path, tmp_path: Path
) -> None:
    # The odd row between good ones, so line numbers after it are checked too.
    path = write_file(tmp_path / "base.csv", [good(customerID="A"), ODD_ROWS[kind], GOOD])
    accepted = assert_same(path, bundle_dir)
    assert {2, *({3} if 3 in accepted else set())} <= accepted.keys()


def test_all_kinds_in_one_file_give_the_same_rejects_both_ways(
    bundle_dir: Path, tmp_path: Path
) -> None:
    lines = [good(customerID=f"C{index}") for index in range(3)]
    for index, row in enumerate(ODD_ROWS.values()):
        lines += [row, "", good(customerID=f"D{index}"), ",".join([""] * len(COLUMNS))]
    path = write_file(tmp_path / "base.csv", lines)
    accepted = assert_same(path, bundle_dir, block_bytes=512)  # many tiny chunks
    assert len(accepted) == 3 + len(ODD_ROWS) + 7  # the seven odd rows the contract accepts


@pytest.mark.parametrize("last", [ODD_ROWS["too few values"], ODD_ROWS["too many values"], ""])
def test_a_refused_or_blank_last_line_is_judged_the_same_both_ways(
    last: str, bundle_dir: Path, tmp_path: Path
) -> None:
    path = tmp_path / "base.csv"
    path.write_text("\n".join([HEADER, GOOD, last]) + "\n")
    assert len(assert_same(path, bundle_dir)) == 1


def test_bytes_that_are_not_utf8_make_a_bad_row_not_a_failed_run(
    bundle_dir: Path, tmp_path: Path
) -> None:
    bad_value = good(customerID="B").replace("Female", "F\xe9male").encode("latin-1")
    bad_id = good(customerID="Z\xe9").encode("latin-1")
    path = write_file(tmp_path / "base.csv", [GOOD], raw_tail=bad_value + b"\n" + bad_id + b"\n")
    assert_same(path, bundle_dir)
    _, rejects = vectorized(path, bundle_dir, 1 << 20)
    assert [(reject.line, reject.field, reject.reason) for reject in rejects] == [
        (3, "gender", "is not UTF-8 text"),
        (4, contract.ID_COLUMN, "is not UTF-8 text"),
    ]


def test_a_plain_decimal_reads_as_the_same_float_both_ways(
    bundle_dir: Path, tmp_path: Path
) -> None:
    rng = np.random.default_rng(7)
    charges = [
        f"{value:.{digits}f}"
        for value, digits in zip(rng.uniform(0, 1000, 2000), rng.integers(0, 12, 2000), strict=True)
    ]
    lines = [
        good(customerID=f"N{index}", MonthlyCharges=value) for index, value in enumerate(charges)
    ]
    accepted = assert_same(write_file(tmp_path / "base.csv", lines), bundle_dir)
    assert len(accepted) == len(charges)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (HEADER.replace(",tenure", ""), "missing column(s) 'tenure'"),
        (HEADER.removeprefix("customerID,"), "missing column(s) 'customerID'"),
        (HEADER + ",gender", "column(s) 'gender' appear twice"),
        (HEADER.replace(",", ";"), "separated by semicolons"),
    ],
)
def test_a_file_that_is_not_a_customer_table_fails_with_one_line(
    header: str, message: str, tmp_path: Path
) -> None:
    path = tmp_path / "base.csv"
    path.write_text(header + "\n" + GOOD + "\n")
    with pytest.raises(InputError, match=re.escape(message)), CustomerBase(str(path)):
        pass


def test_columns_beyond_the_contract_are_ignored_and_listed(
    bundle_dir: Path, tmp_path: Path
) -> None:
    path = tmp_path / "base.csv"
    path.write_text(f"{HEADER},Churn,segment\n{GOOD},Yes,gold\n")
    with CustomerBase(str(path)) as base:
        assert base.ignored_columns == ["Churn", "segment"]
        (chunk,) = list(base.chunks())
    assert check_chunk(chunk).ids.to_pylist() == ["7590-VHVEG"]


def test_a_header_spaced_after_each_comma_reads_the_same_customers(
    data_path: Path, tmp_path: Path
) -> None:
    def checked(path: Path) -> tuple[list[str], list[Reject], dict[str, list[int]]]:
        with CustomerBase(str(path)) as base:
            chunks = [check_chunk(chunk) for chunk in base.chunks()]
        ids = [i for chunk in chunks for i in chunk.ids.to_pylist()]
        codes = {
            name: [int(c) for chunk in chunks for c in chunk.codes[name]]
            for name in chunks[0].codes
        }
        return ids, [r for chunk in chunks for r in chunk.rejects], codes

    spaced = spaced_header(Path(shutil.copy(data_path, tmp_path / "base.csv")))
    assert spaced.read_text().startswith("customerID, gender, SeniorCitizen,")
    ids, rejects, codes = checked(spaced)
    assert len(ids) == 7_043 and rejects == []
    assert (ids, rejects, codes) == checked(data_path)
