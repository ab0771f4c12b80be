"""s3:// and https:// round trips against real servers on loopback (moto, a TLS server)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError

from churn import artifacts, storage
from churn.train.cli import EXIT_BAD_INPUT, EXIT_OUTPUT
from tests.integration.test_train_cli import QUICK, check_bundle_files, run_train
from tests.support.servers import TlsFileServer, make_bucket, serve_directory_over_tls


def read_prefix(bucket: str, prefix: str) -> dict[str, bytes]:
    client = boto3.client("s3")
    listed = client.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
    return {
        item["Key"].removeprefix(prefix): client.get_object(Bucket=bucket, Key=item["Key"])[
            "Body"
        ].read()
        for item in listed
    }


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


def test_s3_output_to_a_missing_bucket_exits_4(aws_env: dict[str, str], data_path: Path) -> None:
    finished = run_train(
        "--data", str(data_path), "--output", "s3://no-bucket-for-models/m", *QUICK, env=aws_env
    )
    assert finished.returncode == EXIT_OUTPUT
    assert "bucket 'no-bucket-for-models' does not exist" in finished.stderr.splitlines()[-1]


def intercept_puts(monkeypatch: pytest.MonkeyPatch, before: Callable[[str], None]) -> list[str]:
    """Make storage use an S3 client whose put_object calls ``before(key)`` first (which
    may raise to simulate a failure); returns the keys in the order they were put."""
    client = storage.s3_client()
    real_put = client.put_object
    keys: list[str] = []

    def put(*, Bucket: str, Key: str, **rest: Any) -> object:  # noqa: N803 - boto3's names
        keys.append(Key)
        before(Key)
        return real_put(Bucket=Bucket, Key=Key, **rest)

    monkeypatch.setattr(client, "put_object", put)
    monkeypatch.setattr(storage, "s3_client", lambda: client)
    return keys


def bundle_like(directory: Path) -> Path:
    for name in artifacts.BUNDLE_FILES:
        (directory / name).write_text(name)
    return directory


@pytest.mark.usefixtures("aws_env")
def test_a_failed_upload_removes_what_it_put_and_never_writes_the_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_bucket("churn-partial")

    def fail_on_the_third(key: str) -> None:
        if len(uploads) == 3:
            raise EndpointConnectionError(endpoint_url="http://s3.test")

    uploads = intercept_puts(monkeypatch, fail_on_the_third)
    with pytest.raises(storage.StorageError, match="upload failed"):
        storage.publish_directory(
            bundle_like(tmp_path), "s3://churn-partial/v1", last=artifacts.MANIFEST
        )
    assert read_prefix("churn-partial", "") == {}
    assert artifacts.MANIFEST not in {key.rsplit("/", 1)[1] for key in uploads}


@pytest.mark.usefixtures("aws_env")
def test_the_manifest_is_uploaded_last(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_bucket("churn-order")
    order = intercept_puts(monkeypatch, lambda key: None)
    storage.publish_directory(bundle_like(tmp_path), "s3://churn-order/v1", last=artifacts.MANIFEST)
    assert order[-1].rsplit("/", 1)[1] == artifacts.MANIFEST
    assert sorted(read_prefix("churn-order", "v1/")) == sorted(artifacts.BUNDLE_FILES)


@pytest.mark.usefixtures("aws_env")
def test_a_published_bundle_is_never_replaced(tmp_path: Path) -> None:
    make_bucket("churn-immutable")
    first, second = tmp_path / "first", tmp_path / "second"
    for directory, text in ((first, "first"), (second, "second")):
        directory.mkdir()
        for name in artifacts.BUNDLE_FILES:
            (directory / name).write_text(f"{text} {name}")
    storage.publish_directory(first, "s3://churn-immutable/v1", last=artifacts.MANIFEST)
    with pytest.raises(storage.StorageError, match="already published"):
        storage.publish_directory(second, "s3://churn-immutable/v1", last=artifacts.MANIFEST)
    assert read_prefix("churn-immutable", "v1/") == {
        name: f"first {name}".encode() for name in artifacts.BUNDLE_FILES
    }


@pytest.mark.parametrize("taken", ["a published bundle", "an empty folder"])
def test_a_local_bundle_is_never_replaced(tmp_path: Path, taken: str) -> None:
    """Locally too: a folder already at the destination, even an empty one (which a rename
    would silently replace), is refused, and the new bundle stays where it was."""
    destination = tmp_path / "artifacts" / "v1"
    destination.mkdir(parents=True)
    if taken == "a published bundle":
        (destination / artifacts.MANIFEST).write_text("first")
    (tmp_path / "second").mkdir()
    second = bundle_like(tmp_path / "second")
    with pytest.raises(storage.StorageError, match="already exists; refusing to overwrite it"):
        storage.publish_directory(second, str(destination), last=artifacts.MANIFEST)
    assert sorted(p.name for p in second.iterdir()) == sorted(artifacts.BUNDLE_FILES)
    expected = [artifacts.MANIFEST] if taken == "a published bundle" else []
    assert [p.name for p in destination.iterdir()] == expected


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
    assert finished.returncode == EXIT_BAD_INPUT
    assert "CERTIFICATE_VERIFY_FAILED" in finished.stderr.splitlines()[-1]
    assert list(tmp_path.iterdir()) == []
