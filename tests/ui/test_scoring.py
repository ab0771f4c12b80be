"""File parsing and evaluation, without Streamlit."""

from __future__ import annotations

from pathlib import Path

import pytest
from sklearn.metrics import roc_auc_score

from churn import contract
from churn.ui.client import ApiClient
from churn.ui.scoring import FileError, confusion, parse_file, roc_auc, score_file
from churn.ui.settings import MAX_FILE_MB, MAX_FILE_ROWS, UiSettings
from tests.support.customers import read_rows, write_rows


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


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"  \n", "empty"),
        (b"gender,tenure\nFemale,1\n", "lacks 17 contract column"),
        ("tenure\n\xe9".encode("latin-1"), "not UTF-8"),
    ],
)
def test_unusable_files_are_refused_whole(content: bytes, message: str) -> None:
    with pytest.raises(FileError, match=message):
        parse_file(content)


def test_header_only_is_refused(data_path: Path, tmp_path: Path) -> None:
    header, _ = read_rows(data_path, limit=1)
    with pytest.raises(FileError, match="no rows"):
        parse_file(csv_bytes(tmp_path, header, []))


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
