"""Bad data of every kind: exit code 2, one readable line naming the place, nothing written."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from churn.errors import ExitCode
from churn.train.cli import main
from tests.support.customers import read_rows, write_rows
from tests.support.servers import TlsFileServer, make_bucket, serve_directory_over_tls


@dataclass(frozen=True)
class Sources:
    """Where a case may put its bad data: a local folder, the TLS server, the moto server."""

    local: Path
    header: list[str]
    rows: list[dict[str, str]]
    https: TlsFileServer

    def csv(self, rows: list[dict[str, str]] | None = None, header: list[str] | None = None) -> str:
        return str(write_rows(self.local / "bad.csv", header or self.header, rows or self.rows))

    def raw(self, content: bytes) -> str:
        path = self.local / "bad.csv"
        path.write_bytes(content)
        return str(path)

    def changed(self, index: int, **values: str) -> str:
        rows = [dict(row) for row in self.rows]
        rows[index].update(values)
        return self.csv(rows)


Case = Callable[[Sources], str]


def _without_column(s: Sources) -> str:
    return s.csv(header=[name for name in s.header if name != "tenure"])


def _extra_column(s: Sources) -> str:
    return s.csv([row | {"Region": "north"} for row in s.rows], [*s.header, "Region"])


def _semicolons(s: Sources) -> str:
    lines = [";".join(s.header)] + [";".join(row[h] for h in s.header) for row in s.rows]
    return s.raw("\n".join(lines).encode())


def _latin1(s: Sources) -> str:
    text = Path(s.csv()).read_text().replace("Female", "Fémale", 1)
    return s.raw(text.encode("latin-1"))


def _ragged(s: Sources) -> str:
    text = Path(s.csv()).read_text().splitlines()
    text[3] += ",surplus"
    return s.raw("\n".join(text).encode())


def _s3_missing_bucket(s: Sources) -> str:
    return "s3://no-such-bucket-here/telco.csv"


def _s3_missing_key(s: Sources) -> str:
    make_bucket("churn-bad-input")
    return "s3://churn-bad-input/nothing/here.csv"


# Expected fragments may name real customers: {ids[i]} is the id of data row i.
CASES: dict[str, tuple[Case, str]] = {
    "missing column": (_without_column, "missing column(s) 'tenure'"),
    "unknown column": (_extra_column, "unknown column(s) 'Region'"),
    "empty file": (lambda s: s.raw(b""), "the file is empty"),
    "header only": (lambda s: s.raw((",".join(s.header) + "\n").encode()), "no data rows"),
    "non-numeric tenure": (
        lambda s: s.changed(4, tenure="twelve"),
        "line 6 (customerID {ids[4]}), column 'tenure': 'twelve' is not a number",
    ),
    "negative charges": (
        lambda s: s.changed(9, MonthlyCharges="-20.5"),
        "line 11 (customerID {ids[9]}), column 'MonthlyCharges': -20.5 is outside 0..1000",
    ),
    "unknown category": (
        lambda s: s.changed(2, Contract="Weekly"),
        "column 'Contract': 'Weekly' is not one of",
    ),
    "inconsistent internet": (
        lambda s: s.changed(0, InternetService="No"),
        "line 2 (customerID {ids[0]}), column 'OnlineSecurity': must be 'No internet service'",
    ),
    "inconsistent phone": (
        lambda s: s.changed(1, PhoneService="No"),
        "column 'MultipleLines': must be 'No phone service' when PhoneService is 'No'",
    ),
    "label not yes/no": (lambda s: s.changed(3, Churn="Maybe"), "column 'Churn': 'Maybe'"),
    "single class": (
        lambda s: s.csv([row for row in s.rows if row["Churn"] == "No"]),
        "every row is 'No'",
    ),
    "duplicate ids": (
        lambda s: s.changed(7, customerID=s.rows[6]["customerID"]),
        "column 'customerID': 1 duplicated id(s), e.g. '{ids[6]}'",
    ),
    "wrong delimiter": (_semicolons, "separated by semicolons"),
    "non-utf-8 bytes": (_latin1, "line 2: byte 0xe9 at offset"),
    "ragged row": (_ragged, "line 4: 22 values where the header has 21"),
    "missing local file": (lambda s: str(s.local / "absent.csv"), "absent.csv: no such file"),
    "unsupported scheme": (lambda s: "ftp://example.test/x.csv", "unsupported scheme 'ftp'"),
    "s3 bucket missing": (_s3_missing_bucket, "bucket 'no-such-bucket-here' does not exist"),
    "s3 key missing": (_s3_missing_key, "no object 'nothing/here.csv' in bucket"),
    "https 404": (lambda s: f"{s.https.base_url}/missing.csv", "HTTP 404"),
}


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsFileServer]:
    root = tmp_path_factory.mktemp("www")
    with serve_directory_over_tls(root, tmp_path_factory.mktemp("tls")) as server:
        yield server


@pytest.mark.usefixtures("aws_env")
@pytest.mark.parametrize("case", list(CASES))
def test_bad_data_fails_cleanly_and_writes_nothing(
    case: str,
    data_path: Path,
    tls_server: TlsFileServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_server.ca_file))
    header, rows = read_rows(data_path, limit=300)
    build, expected = CASES[case]
    source = build(Sources(tmp_path, header, rows, tls_server))
    output = tmp_path / "bundles"
    output.mkdir()
    (output / "existing-bundle").mkdir()

    code = main(["--data", source, "--output", str(output)])

    stderr = capsys.readouterr().err
    errors = [line for line in stderr.splitlines() if "error" in line.lower()]
    assert code == ExitCode.REFUSED, stderr
    assert errors == [f"churn-train: error: invalid data: {errors[0].split('invalid data: ')[1]}"]
    assert expected.format(ids=[row["customerID"] for row in rows]) in errors[0]
    assert "Traceback" not in stderr
    assert sorted(p.name for p in output.iterdir()) == ["existing-bundle"]


def test_a_missing_output_directory_is_not_created(tmp_path: Path) -> None:
    bad = tmp_path / "empty.csv"
    bad.write_bytes(b"")
    assert main(["--data", str(bad), "--output", str(tmp_path / "out")]) == ExitCode.REFUSED
    assert not (tmp_path / "out").exists()


def test_bad_arguments_exit_2_with_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--data", "x.csv", "--min-roc-auc", "1.5"])
    assert exited.value.code == ExitCode.USAGE
    assert "--min-roc-auc: 1.5 is outside 0.5..1" in capsys.readouterr().err
