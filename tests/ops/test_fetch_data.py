"""The data set's download for machines without ../shared (a CI runner, a fresh fork): the
file is kept only when its SHA-256 is the pinned one, and appears whole or not at all. The
HTTPS server is real, with a certificate from a CA made for the test."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from churn.errors import ExitCode
from churn.ops import fetch_data
from tests.support.environments import REPO_ROOT
from tests.support.servers import TlsFileServer, free_port, serve_directory_over_tls

CONTENT = b"customerID,gender\n7590-VHVEG,Female\n"


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TlsFileServer]:
    (tmp_path / "public").mkdir()
    (tmp_path / "public" / "data.csv").write_bytes(CONTENT)
    with serve_directory_over_tls(tmp_path / "public", tmp_path) as tls:
        monkeypatch.setenv("SSL_CERT_FILE", str(tls.ca_file))
        yield tls


def run(url: str, sha256: str, output: Path) -> int:
    return fetch_data.main(["--url", url, "--sha256", sha256, "--output", str(output)])


def test_the_pinned_file_is_written_once(
    server: TlsFileServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "cache" / "data.csv"
    pinned = hashlib.sha256(CONTENT).hexdigest()
    assert run(f"{server.base_url}/data.csv", pinned, output) == 0
    assert output.read_bytes() == CONTENT
    assert "sha256 verified" in capsys.readouterr().err
    assert run(f"{server.base_url}/data.csv", pinned, output) == 0
    assert "already the pinned file" in capsys.readouterr().err


def test_a_file_with_another_checksum_is_refused_and_nothing_is_written(
    server: TlsFileServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "cache" / "data.csv"
    assert run(f"{server.base_url}/data.csv", "0" * 64, output) == ExitCode.REFUSED
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "expected 0000" in error and "nothing was written" in error
    assert not output.exists() and not list((tmp_path).glob("cache/*"))


def test_an_unreachable_source_fails_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "data.csv"
    assert run(f"https://127.0.0.1:{free_port()}/data.csv", "0" * 64, output) == (
        ExitCode.DEPENDENCY
    )
    assert capsys.readouterr().err.startswith("churn-fetch-data: ")
    assert not output.exists()


def test_the_pin_is_the_shared_data_set(data_path: Path) -> None:
    """The public file the Makefile pins holds the same rows as the copy the tests read: only
    line endings differ (the shared copy has CRLF, the public file LF)."""
    makefile = (REPO_ROOT / "Makefile").read_text()
    pinned = re.search(r"^DATA_SHA256\s*:=\s*([0-9a-f]{64})$", makefile, re.M)
    assert pinned, "Makefile pins DATA_SHA256"
    lf = data_path.read_bytes().replace(b"\r\n", b"\n")
    assert hashlib.sha256(lf).hexdigest() == pinned.group(1)
