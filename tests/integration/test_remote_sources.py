"""s3:// and https:// round trips against real servers on loopback (moto, a TLS server)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from churn.errors import ExitCode
from tests.integration.test_train_cli import QUICK, check_bundle_files, run_train
from tests.support.servers import (
    TlsFileServer,
    make_bucket,
    read_prefix,
    serve_directory_over_tls,
)


def test_s3_in_s3_out(aws_env: dict[str, str], data_path: Path) -> None:
    make_bucket("churn-data")
    make_bucket("churn-models")
    boto3.client("s3").upload_file(str(data_path), "churn-data", "raw/telco.csv")

    finished = run_train(
        "--data", "s3://churn-data/raw/telco.csv",
        "--output", "s3://churn-models/models",
        *QUICK,
        env=aws_env,
    )  # fmt: skip

    assert finished.returncode == 0, finished.stderr
    location = finished.stdout.strip().splitlines()[-1]
    assert location.startswith("s3://churn-models/models/")
    version = location.rsplit("/", 1)[1]
    files = read_prefix("churn-models", f"models/{version}/")
    check_bundle_files(files, data_path.read_bytes())


def test_s3_output_to_a_missing_bucket_is_refused(aws_env: dict[str, str], data_path: Path) -> None:
    finished = run_train(
        "--data", str(data_path), "--output", "s3://no-bucket-for-models/m", *QUICK, env=aws_env
    )
    assert finished.returncode == ExitCode.REFUSED
    assert "bucket 'no-bucket-for-models' does not exist" in finished.stderr.splitlines()[-1]


@pytest.fixture(scope="module")
def data_over_tls(
    data_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TlsFileServer]:
    root = tmp_path_factory.mktemp("www")
    (root / "telco.csv").write_bytes(data_path.read_bytes())
    with serve_directory_over_tls(root, tmp_path_factory.mktemp("tls")) as server:
        yield server


def test_https_in(data_over_tls: TlsFileServer, data_path: Path, tmp_path: Path) -> None:
    finished = run_train(
        "--data", f"{data_over_tls.base_url}/telco.csv",
        "--output", str(tmp_path),
        *QUICK,
        env={"SSL_CERT_FILE": str(data_over_tls.ca_file)},
    )  # fmt: skip
    assert finished.returncode == 0, finished.stderr
    location = Path(finished.stdout.strip().splitlines()[-1])
    check_bundle_files({p.name: p.read_bytes() for p in location.iterdir()}, data_path.read_bytes())


def test_https_with_an_untrusted_certificate_is_refused(
    data_over_tls: TlsFileServer, tmp_path: Path
) -> None:
    finished = run_train(
        "--data", f"{data_over_tls.base_url}/telco.csv", "--output", str(tmp_path), *QUICK
    )
    assert finished.returncode == ExitCode.DEPENDENCY  # the server's TLS failed
    assert "CERTIFICATE_VERIFY_FAILED" in finished.stderr.splitlines()[-1]
    assert list(tmp_path.iterdir()) == []
