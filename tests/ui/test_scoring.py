"""File parsing and evaluation, without Streamlit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sklearn.metrics import roc_auc_score

from churn import contract
from churn.ui.client import ApiClient
from churn.ui.scoring import (
    FILE_DRIVERS,
    FileError,
    ParsedFile,
    Problem,
    confusion,
    parse_file,
    roc_auc,
    score_file,
)
from churn.ui.settings import MAX_FILE_MB, MAX_FILE_ROWS, UiSettings
from tests.support.customers import read_rows, spaced_header, write_rows


def csv_bytes(tmp_path: Path, header: list[str], rows: list[dict[str, str]]) -> bytes:
    return write_rows(tmp_path / "f.csv", header, rows).read_bytes()


def test_real_rows_parse_into_api_payloads(data_path: Path, tmp_path: Path) -> None:
    header, rows = read_rows(data_path, limit=50)
    parsed = parse_file(csv_bytes(tmp_path, header, rows))
    assert len(parsed.payloads) == 50 and parsed.problems == []
    assert parsed.lines == list(range(2, 52))
    assert parsed.labels == [contract.label_to_int(row["Churn"]) for row in rows]
    first = parsed.payloads[0]
    assert first["customerID"] == rows[0]["customerID"]
    assert first["SeniorCitizen"] in ("No", "Yes") and isinstance(first["tenure"], int)


def test_bad_rows_are_set_aside_with_their_reason(data_path: Path, tmp_path: Path) -> None:
    header, rows = read_rows(data_path, limit=20)
    rows[3]["Contract"] = "Weekly"
    rows[7]["tenure"] = "-2"
    parsed = parse_file(csv_bytes(tmp_path, header, rows))
    assert len(parsed.payloads) == 18
    assert [(p.line, p.customer_id) for p in parsed.problems] == [
        (5, rows[3]["customerID"]),
        (9, rows[7]["customerID"]),
    ]
    assert parsed.problems[0].reason.startswith("Contract: 'Weekly' is not one of")


def test_a_file_without_churn_has_no_labels_and_extra_columns_are_reported(
    data_path: Path, tmp_path: Path
) -> None:
    header, rows = read_rows(data_path, limit=5)
    header = [name for name in header if name != "Churn"] + ["Region"]
    parsed = parse_file(csv_bytes(tmp_path, header, [row | {"Region": "x"} for row in rows]))
    assert parsed.labels is None and parsed.ignored_columns == ["Region"]


FIRST_FIVE = "'gender', 'SeniorCitizen', 'Partner', 'Dependents', 'tenure'"
MISSING_17 = (
    "missing column(s) 'SeniorCitizen', 'Partner', 'Dependents', 'PhoneService', "
    "'MultipleLines' and 12 more"
)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"  \n", "the file is empty"),
        (b"gender,tenure\nFemale,1\n", MISSING_17),
        (
            "tenure\n\xe9".encode("latin-1"),
            "the file is not UTF-8 text (byte 7); save it as UTF-8 CSV",
        ),
    ],
)
def test_unusable_files_are_refused_whole(content: bytes, message: str) -> None:
    with pytest.raises(FileError) as refused:
        parse_file(content)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("dropped", "message"),
    [
        (5, f"missing column(s) {FIRST_FIVE}"),
        (6, f"missing column(s) {FIRST_FIVE} and 1 more"),
    ],
)
def test_missing_columns_are_named_up_to_five(dropped: int, message: str) -> None:
    header = ",".join(contract.FIELD_NAMES[dropped:])
    with pytest.raises(FileError) as refused:
        parse_file(f"{header}\n".encode())
    assert str(refused.value) == message


def test_header_only_is_refused(data_path: Path, tmp_path: Path) -> None:
    header, _ = read_rows(data_path, limit=1)
    with pytest.raises(FileError) as refused:
        parse_file(csv_bytes(tmp_path, header, []))
    assert str(refused.value) == "the file has a header but no rows"


def test_rows_without_an_id_column_carry_no_id(data_path: Path, tmp_path: Path) -> None:
    header, rows = read_rows(data_path, limit=2)
    rows[1]["tenure"] = "-2"
    parsed = parse_file(csv_bytes(tmp_path, [h for h in header if h != "customerID"], rows))
    assert "customerID" not in parsed.payloads[0]
    assert parsed.problems[0].customer_id == ""


def test_a_line_break_inside_a_quoted_field_is_kept_as_written(
    data_path: Path, tmp_path: Path
) -> None:
    """RFC 4180: a quoted field may hold a line break, and it is the field's own."""
    header, rows = read_rows(data_path, limit=1)
    rows[0]["customerID"] = "7590\r\nVHVEG"
    parsed = parse_file(csv_bytes(tmp_path, header, rows))
    assert parsed.payloads[0]["customerID"] == "7590\r\nVHVEG"


def test_the_row_cap_is_exact(data_path: Path, tmp_path: Path) -> None:
    """Up to MAX_FILE_ROWS rows score; one more is refused whole, before the rest is read."""
    header, rows = read_rows(data_path)
    many = (rows * (MAX_FILE_ROWS // len(rows) + 1))[:MAX_FILE_ROWS]
    assert len(parse_file(csv_bytes(tmp_path, header, many)).lines) == MAX_FILE_ROWS
    with pytest.raises(FileError, match="more than 10,000 rows"):
        parse_file(csv_bytes(tmp_path, header, [*many, rows[0]]))


def test_a_file_over_the_size_cap_is_refused_before_parsing() -> None:
    oversized = b"customerID\n" + b"x" * (MAX_FILE_MB * 1024 * 1024)
    with pytest.raises(FileError, match=f"over {MAX_FILE_MB} MB"):
        parse_file(oversized)


def test_a_file_of_exactly_the_size_cap_is_read(data_path: Path, tmp_path: Path) -> None:
    header, rows = read_rows(data_path, limit=1)
    content = csv_bytes(tmp_path, header, rows)
    padded = content + b"\n" * (MAX_FILE_MB * 1024 * 1024 - len(content))  # blank lines
    assert len(parse_file(padded).payloads) == 1


def test_roc_auc_matches_scikit_learn_with_ties() -> None:
    labels = [0, 1, 1, 0, 1, 0, 0, 1, 1, 0]
    scores = [0.1, 0.4, 0.35, 0.8, 0.4, 0.2, 0.4, 0.9, 0.65, 0.3]
    assert roc_auc(labels, scores) == pytest.approx(roc_auc_score(labels, scores))
    assert roc_auc([1, 1], [0.2, 0.3]) is None
    assert roc_auc([0, 0], [0.2, 0.3]) is None
    assert roc_auc([0, 1, 0], [0.1, 0.9, 0.2]) == 1.0  # one churner is enough
    assert roc_auc([1, 0, 1], [0.1, 0.9, 0.2]) == 0.0


def test_confusion_counts() -> None:
    """Each cell its own count (3, 1, 2, 4), so no two cells can stand in for each other."""
    labels = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
    predicted = [True, True, True, False, True, True, False, False, False, False]
    table = confusion(labels, predicted)
    assert table.to_dict("index") == {
        "churned": {"predicted churn": 3, "predicted stay": 1},
        "stayed": {"predicted churn": 2, "predicted stay": 4},
    }


def test_every_chunk_keeps_its_rows_lines_and_labels(
    data_path: Path, tmp_path: Path, api_url: str
) -> None:
    """Scored in chunks of 7 through the live API: every row past the first chunk still
    carries its own file line, customer and label, and its own probability."""
    header, rows = read_rows(data_path, limit=30)
    rows[9]["Contract"] = "Weekly"  # set aside at parse time, in the second chunk
    parsed = parse_file(csv_bytes(tmp_path, header, rows))
    client = ApiClient(
        UiSettings.model_validate(
            {"API_ENDPOINT": api_url, "API_AUTH": "none", "AWS_REGION": "eu-central-1"}
        )
    )
    seen: list[tuple[int, int]] = []
    scored = score_file(client, parsed, chunk_rows=7, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(7, 29), (14, 29), (21, 29), (28, 29), (29, 29)]
    assert len(scored.table) == 29 and [p.line for p in scored.problems] == [11]
    by_id = {row["customerID"]: (line, row) for line, row in enumerate(rows, start=2)}
    alone = {
        r["prediction"]["customerID"]: r["prediction"]["churn_probability"]
        for r in client.predict_batch(parsed.payloads)["results"]
    }
    for record in scored.table.to_dict("records"):
        line, row = by_id[record["customerID"]]
        assert record["line"] == line
        assert record["actual_churn"] == contract.label_to_int(row["Churn"])
        assert record["churn_probability"] == alone[record["customerID"]]


class CannedApi:
    """The batch endpoint's answers, canned: each customer's probability is its "p" (a row
    whose "p" is None is refused with two field errors)."""

    def __init__(self) -> None:
        self.chunks: list[list[dict[str, Any]]] = []

    def predict_batch(self, customers: list[dict[str, Any]], *, drivers: int) -> dict[str, Any]:
        assert drivers == FILE_DRIVERS
        self.chunks.append(customers)
        results: list[dict[str, Any]] = []
        for row, customer in enumerate(customers):
            if customer["p"] is None:
                errors = [
                    {"field": "tenure", "message": "too big"},
                    {"field": "Contract", "message": "unknown"},
                ]
                results.append({"row": row, "errors": errors})
                continue
            prediction = {
                "churn_probability": customer["p"],
                "churn": customer["p"] >= 0.4,
                "risk_band": "high" if customer["p"] >= 0.5 else "low",
                "threshold": 0.4,
                "explanation": {"drivers": [
                    {"label": "Contract", "value": "Two year", "contribution": -customer["p"]},
                    {"label": "Tenure", "value": 3, "contribution": 0.125},
                    {"label": "Tech support", "value": "No", "contribution": 0.0},
                ]},
            }  # fmt: skip
            results.append({"row": row, "prediction": prediction})
        return {"model_version": "20261201T000000Z-abcdef", "results": results}


def test_a_file_is_scored_in_chunks_riskiest_first_with_every_refusal_by_line() -> None:
    probabilities = [0.2, 0.9, None, 0.5, 0.9, None, 0.1]
    parsed = ParsedFile(
        payloads=[
            {"p": p, **({"customerID": f"C{i}"} if i != 3 else {})}
            for i, p in enumerate(probabilities)
        ],
        lines=[10 + i for i in range(len(probabilities))],
        labels=[0, 1, 0, 1, 1, 0, 0],
        problems=[Problem(3, "X", "gender: bad")],
    )
    api, progress = CannedApi(), []
    scored = score_file(api, parsed, chunk_rows=3, progress=lambda d, t: progress.append((d, t)))  # type: ignore[arg-type]
    assert [len(chunk) for chunk in api.chunks] == [3, 3, 1]
    assert progress == [(3, 7), (6, 7), (7, 7)]
    assert scored.model_version == "20261201T000000Z-abcdef"
    assert scored.threshold == 0.4
    columns = ["line", "customerID", "churn_probability", "churn", "risk_band", "actual_churn"]
    assert list(scored.table.columns) == [*columns, "driver_1", "driver_2", "driver_3"]
    assert scored.table[columns].to_numpy().tolist() == [
        [11, "C1", 0.9, True, "high", 1],
        [14, "C4", 0.9, True, "high", 1],  # ties keep the file's order
        [13, "", 0.5, True, "high", 1],
        [10, "C0", 0.2, False, "low", 0],
        [16, "C6", 0.1, False, "low", 0],
    ]
    drivers = scored.table[["driver_1", "driver_2", "driver_3"]].to_numpy().tolist()
    assert drivers[0] == [
        "Contract = Two year (-0.90)",
        "Tenure = 3 (+0.12)",
        "Tech support = No (+0.00)",
    ]
    assert [row[0] for row in drivers[1:]] == [
        "Contract = Two year (-0.90)",
        "Contract = Two year (-0.50)",
        "Contract = Two year (-0.20)",
        "Contract = Two year (-0.10)",
    ]
    assert list(scored.table.index) == [0, 1, 2, 3, 4]
    assert scored.problems == [
        Problem(3, "X", "gender: bad"),
        Problem(12, "C2", "tenure: too big; Contract: unknown"),
        Problem(15, "C5", "tenure: too big; Contract: unknown"),
    ]


def test_ties_keep_the_files_order_in_a_file_of_many_rows() -> None:
    """Past a handful of rows a default (quick) sort reorders equal probabilities: the page's
    ranking would shuffle customers of equal risk from one upload to the next."""
    probabilities = [(i * 7) % 3 / 10 for i in range(200)]
    lines = list(range(2, 202))
    parsed = ParsedFile(
        payloads=[{"p": p} for p in probabilities], lines=lines, labels=None, problems=[]
    )
    scored = score_file(CannedApi(), parsed, chunk_rows=500, progress=lambda d, t: None)  # type: ignore[arg-type]
    expected = sorted(lines, key=lambda line: (-probabilities[line - 2], line))
    assert scored.table["line"].tolist() == expected


def test_a_file_without_labels_or_scored_rows() -> None:
    parsed = ParsedFile(payloads=[{"p": None}], lines=[2], labels=None, problems=[])
    scored = score_file(CannedApi(), parsed, chunk_rows=500, progress=lambda d, t: None)  # type: ignore[arg-type]
    assert scored.table.empty
    assert (scored.model_version, scored.threshold) == ("20261201T000000Z-abcdef", 0.5)
    assert scored.problems == [Problem(2, "", "tenure: too big; Contract: unknown")]
    parsed = ParsedFile(payloads=[{"p": 0.3}], lines=[2], labels=None, problems=[])
    scored = score_file(CannedApi(), parsed, chunk_rows=500, progress=lambda d, t: None)  # type: ignore[arg-type]
    assert "actual_churn" not in scored.table.columns


def test_nothing_to_score_asks_nothing() -> None:
    api = CannedApi()
    scored = score_file(api, ParsedFile(problems=[Problem(2, "", "x")]), 500, lambda d, t: None)  # type: ignore[arg-type]
    assert api.chunks == [] and scored.table.empty
    assert (scored.model_version, scored.threshold) == ("", 0.5)


def test_a_header_spaced_after_each_comma_parses_every_row(data_path: Path, tmp_path: Path) -> None:
    header, rows = read_rows(data_path, limit=200)
    plain = write_rows(tmp_path / "plain.csv", header, rows)
    spaced = spaced_header(plain).read_bytes()
    assert spaced.startswith(b"customerID, gender, SeniorCitizen,")
    parsed = parse_file(spaced)
    assert parsed.problems == [] and len(parsed.payloads) == 200
    assert parsed.payloads == parse_file(plain.read_bytes()).payloads
    assert parsed.labels is not None and len(parsed.labels) == 200
