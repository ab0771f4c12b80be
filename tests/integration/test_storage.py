"""The storage module in this process: every location kind, every failure's one line, and
publication that is all-or-nothing. S3 is the moto server; S3 answers moto cannot be made to
give (403, a 412 race, an unknown code) come from botocore's own Stubber on a real client."""

from __future__ import annotations

import http.server
import io
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError
from botocore.response import StreamingBody
from botocore.stub import Stubber

from churn import artifacts, storage
from churn.errors import ExitCode
from churn.storage import multipart, reads, s3
from tests.support.servers import (
    TlsFileServer,
    intercept_puts,
    make_bucket,
    read_prefix,
    serve_over_tls,
)

# ---------------------------------------------------------------------------- locations


@pytest.mark.parametrize(
    ("uri", "bucket", "key"),
    [
        ("s3://models", "models", ""),
        ("s3://models/", "models", ""),
        ("s3://models/v1/model.tar.gz", "models", "v1/model.tar.gz"),
    ],
)
def test_an_s3_uri_parses_into_bucket_and_key(uri: str, bucket: str, key: str) -> None:
    location = storage.S3Location.parse(uri)
    assert (location.bucket, location.key) == (bucket, key)
    assert str(location) == f"s3://{bucket}/{key}"


def test_an_s3_uri_without_a_bucket_is_refused() -> None:
    with pytest.raises(storage.StorageError) as raised:
        storage.S3Location.parse("s3:///key")
    assert str(raised.value) == "s3:///key: an S3 URI needs a bucket, as in s3://bucket/key"


@pytest.mark.parametrize(
    ("key", "child"),
    [("", "m.json"), ("models", "models/m.json"), ("models/", "models/m.json"),
     ("modelsX", "modelsX/m.json")],
)  # fmt: skip
def test_a_child_is_one_level_under_the_prefix(key: str, child: str) -> None:
    assert storage.S3Location("b", key).child("m.json") == storage.S3Location("b", child)


@pytest.mark.parametrize(
    ("uri", "expected"), [("s3://b/k", True), ("S3://b/k", False), ("./s3://b", False)]
)
def test_only_the_s3_scheme_is_s3(uri: str, expected: bool) -> None:
    assert storage.is_s3(uri) is expected


def test_the_s3_client_waits_and_retries_as_configured() -> None:
    config: Any = storage.s3_client().meta.config  # botocore's stubs omit its attributes
    assert (config.connect_timeout, config.read_timeout) == (10, 60)
    assert config.retries == {"mode": "standard", "total_max_attempts": 4}  # 3 retries


# ---------------------------------------------------------------------------- local files


def test_a_local_file_is_read_whole(tmp_path: Path) -> None:
    (tmp_path / "f.csv").write_bytes(b"a,b\n1,2\n")
    assert storage.read_bytes(str(tmp_path / "f.csv")) == b"a,b\n1,2\n"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda root: root / "missing.csv", "no such file"),
        (lambda root: root, "is a directory, not a file"),
        (lambda root: root / "f.csv" / "below", "cannot read (Not a directory)"),
    ],
    ids=["missing", "directory", "below a file"],
)
def test_an_unreadable_local_path_is_one_line(
    tmp_path: Path, make: Callable[[Path], Path], message: str
) -> None:
    (tmp_path / "f.csv").write_text("x")
    path = make(tmp_path)
    with pytest.raises(storage.StorageError) as raised:
        storage.read_bytes(str(path))
    assert str(raised.value) == f"{path}: {message}"


@pytest.mark.parametrize(
    "uri", ["ftp://host/data.csv", "http://host/data.csv", "ftp://host/get?from=s3://b/k"]
)
def test_other_schemes_are_refused_by_name(uri: str) -> None:
    scheme = uri.split(":", 1)[0]
    with pytest.raises(storage.StorageError) as raised:
        storage.read_bytes(uri)
    assert str(raised.value) == (
        f"{uri}: unsupported scheme {scheme!r}; use a path, s3:// or https://"
    )


# ---------------------------------------------------------------------------- S3 reads


@pytest.mark.usefixtures("aws_env")
def test_an_s3_object_is_read_whole() -> None:
    make_bucket("churn-read")
    boto3.client("s3").put_object(Bucket="churn-read", Key="raw/t.csv", Body=b"a\n1\n")
    assert storage.read_bytes("s3://churn-read/raw/t.csv") == b"a\n1\n"


@pytest.mark.usefixtures("aws_env")
@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("s3://churn-read", "the URI names a bucket but no object key"),
        ("s3://churn-no-such-bucket/k", "bucket 'churn-no-such-bucket' does not exist"),
        ("s3://churn-read/missing.csv", "no object 'missing.csv' in bucket 'churn-read'"),
    ],
)
def test_s3_read_failures_name_what_is_missing(uri: str, message: str) -> None:
    make_bucket("churn-read")
    with pytest.raises(storage.StorageError) as raised:
        storage.read_bytes(uri)
    assert str(raised.value) == f"{storage.S3Location.parse(uri)}: {message}"


def stubbed_client(monkeypatch: pytest.MonkeyPatch) -> Stubber:
    """storage's S3 client, its answers queued by the test (no request leaves the process)."""
    client = boto3.client("s3", region_name="eu-central-1", aws_access_key_id="k",
                          aws_secret_access_key="s")  # fmt: skip
    stubber = Stubber(client)
    stubber.activate()
    monkeypatch.setattr(s3, "s3_client", lambda: client)
    return stubber


@pytest.mark.parametrize(
    ("code", "status", "message", "said"),
    [
        ("AccessDenied", 403, "Access Denied",
         "access denied (check the credentials and the bucket policy)"),
        ("403", 403, "", "access denied (check the credentials and the bucket policy)"),
        ("404", 404, "", "no object 'k.csv' in bucket 'b'"),
        ("SlowDown", 503, "Please reduce your request rate.",
         "S3 said SlowDown: Please reduce your request rate."),
        ("InternalError", 500, "", "S3 said InternalError"),
    ],
)  # fmt: skip
def test_every_s3_refusal_is_explained(
    monkeypatch: pytest.MonkeyPatch, code: str, status: int, message: str, said: str
) -> None:
    stubbed_client(monkeypatch).add_client_error(
        "get_object", service_error_code=code, service_message=message, http_status_code=status
    )
    with pytest.raises(storage.StorageError) as raised:
        storage.read_bytes("s3://b/k.csv")
    assert str(raised.value) == f"s3://b/k.csv: {said}"


@pytest.mark.parametrize(
    ("code", "status", "exit_code"),
    [("AccessDenied", 403, ExitCode.DEPENDENCY), ("NoSuchKey", 404, ExitCode.REFUSED),
     ("NoSuchBucket", 404, ExitCode.REFUSED), ("SlowDown", 503, ExitCode.DEPENDENCY)],
)  # fmt: skip
def test_a_failure_of_what_is_named_is_refused_and_one_of_s3_is_a_dependencys(
    monkeypatch: pytest.MonkeyPatch, code: str, status: int, exit_code: ExitCode
) -> None:
    stubbed_client(monkeypatch).add_client_error(
        "get_object", service_error_code=code, http_status_code=status
    )
    with pytest.raises(storage.StorageError) as raised:
        storage.read_bytes("s3://b/k.csv")
    assert raised.value.exit_code == exit_code


def test_an_s3_object_whose_stream_breaks_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken(io.RawIOBase):
        def read(self, size: int = -1) -> bytes:
            raise ReadTimeoutError(endpoint_url="https://s3.example")

    body = StreamingBody(Broken(), 10)  # type: ignore[arg-type]
    stubbed_client(monkeypatch).add_response("get_object", {"Body": body})
    with pytest.raises(storage.StorageError) as raised:
        storage.read_bytes("s3://b/k.csv")
    assert str(raised.value) == (
        's3://b/k.csv: cannot reach S3 (Read timeout on endpoint URL: "https://s3.example")'
    )
    assert raised.value.exit_code == ExitCode.DEPENDENCY


def test_an_s3_refusal_without_a_message_is_said_by_its_code() -> None:
    """botocore leaves Message out when the error document has none (an S3-compatible store
    may send only the code)."""
    refusal = ClientError({"Error": {"Code": "SlowDown"}}, "GetObject")
    assert s3.refusal(refusal, storage.S3Location("b", "k"))[1] == "S3 said SlowDown"


def test_an_s3_message_is_said_to_its_last_letter() -> None:
    refusal = ClientError({"Error": {"Code": "SlowDown", "Message": "Slow down: XX"}}, "GetObject")
    said = s3.refusal(refusal, storage.S3Location("b", "k"))[1]
    assert said == "S3 said SlowDown: Slow down: XX"


@pytest.mark.parametrize("check", [storage.read_bytes, storage.check_writable])
def test_unreachable_s3_is_one_line(
    monkeypatch: pytest.MonkeyPatch, check: Callable[[str], object]
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "k")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    # One attempt: the refused connection is the answer, not worth the retries' back-off.
    monkeypatch.setattr(s3, "_S3_CONFIG", Config(retries={"max_attempts": 1}))
    with pytest.raises(storage.StorageError) as raised:
        check("s3://b/k.csv")
    said = str(raised.value)
    assert raised.value.exit_code == ExitCode.DEPENDENCY
    assert said.startswith(
        's3://b/k.csv: cannot reach S3 (Could not connect to the endpoint URL: "'
    )
    assert said.endswith('")')


# ---------------------------------------------------------------------------- listing


def test_a_local_folders_folders_are_listed_and_a_missing_one_has_none(tmp_path: Path) -> None:
    for name in ("b", "a"):
        (tmp_path / name).mkdir()
    (tmp_path / "file.csv").write_text("x")
    assert storage.list_folders(str(tmp_path)) == ["a", "b"]
    assert storage.list_folders(str(tmp_path / "missing")) == []
    with pytest.raises(storage.StorageError) as raised:
        storage.list_folders(str(tmp_path / "file.csv"))
    assert str(raised.value) == f"{tmp_path / 'file.csv'}: is a file, not a directory"


@pytest.mark.usefixtures("aws_env")
@pytest.mark.parametrize(
    ("uri", "folders"),
    [
        ("s3://churn-listed/runs", ["a", "bX"]),
        ("s3://churn-listed/runs/", ["a", "bX"]),
        ("s3://churn-listed", ["runs", "top"]),
        ("s3://churn-listed/", ["runs", "top"]),
        ("s3://churn-listed//", ["runs", "top"]),
        ("s3://churn-listed/nothing", []),
    ],
)
def test_an_s3_prefixs_folders_are_listed(uri: str, folders: list[str]) -> None:
    make_bucket("churn-listed")
    for key in ("runs/bX/x.csv", "runs/a/y.csv", "runs/file.csv", "top/z.csv", "loose.csv"):
        boto3.client("s3").put_object(Bucket="churn-listed", Key=key, Body=b"x")
    assert storage.list_folders(uri) == folders


@pytest.mark.usefixtures("aws_env")
def test_listing_a_missing_bucket_names_it() -> None:
    with pytest.raises(storage.StorageError) as raised:
        storage.list_folders("s3://churn-no-such-bucket/runs")
    assert str(raised.value) == (
        "s3://churn-no-such-bucket/runs: bucket 'churn-no-such-bucket' does not exist"
    )


def test_every_page_of_a_long_listing_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """S3 answers at most 1,000 names a page (a scores folder gains one a week), and a page
    may hold only files."""
    stubber = stubbed_client(monkeypatch)
    asked = {"Bucket": "b", "Prefix": "runs/", "Delimiter": "/"}
    first = {"CommonPrefixes": [{"Prefix": "runs/b/"}], "IsTruncated": True,
             "NextContinuationToken": "next"}  # fmt: skip
    stubber.add_response("list_objects_v2", first, asked)
    files = {"Contents": [{"Key": "runs/file.csv"}], "IsTruncated": False}
    stubber.add_response("list_objects_v2", files, asked | {"ContinuationToken": "next"})
    assert storage.list_folders("s3://b/runs") == ["b"]
    stubber.assert_no_pending_responses()


# ---------------------------------------------------------------------------- https reads


class Recording(http.server.BaseHTTPRequestHandler):
    """Answers /data.csv, /status/<code> with that code, 404 for anything else, and remembers
    each request's User-Agent; /slow never answers."""

    agents: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.agents.append(self.headers.get("User-Agent", ""))
        if self.path == "/slow":
            time.sleep(1.5)  # and then nothing: the client is gone, there is no one to answer
            return
        if self.path in ("/stall", "/short"):  # four bytes of ten, then a stall or a hang-up
            self.send_response(200)
            self.send_header("content-length", "10")
            self.end_headers()
            self.wfile.write(b"a\n1\n")
            self.wfile.flush()
            if self.path == "/stall":
                time.sleep(1.5)
            return
        if self.path.startswith("/status/"):  # /status/500: that answer, as a server in trouble
            self.send_error(int(self.path.rsplit("/", 1)[1]))
            return
        if self.path != "/data.csv":
            self.send_error(404, "Not Found")
            return
        self.send_response(200)
        self.send_header("content-length", "4")
        self.end_headers()
        self.wfile.write(b"a\n1\n")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def https(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TlsFileServer]:
    Recording.agents = []
    with serve_over_tls(Recording, tmp_path) as server:
        monkeypatch.setenv("SSL_CERT_FILE", str(server.ca_file))
        yield server


def test_an_https_url_is_read_whole_and_says_who_asks(https: TlsFileServer) -> None:
    assert storage.read_bytes(f"{https.base_url}/data.csv") == b"a\n1\n"
    assert Recording.agents == ["telco-churn"]


@pytest.mark.parametrize(
    ("path", "said", "exit_code"),
    [
        ("/gone.csv", "HTTP 404 Not Found", ExitCode.REFUSED),  # the URL given is wrong
        ("/status/499", "HTTP 499 ???", ExitCode.REFUSED),  # http.server's unknown reason
        ("/status/500", "HTTP 500 Internal Server Error", ExitCode.DEPENDENCY),  # the server's
        ("/status/503", "HTTP 503 Service Unavailable", ExitCode.DEPENDENCY),
    ],
)
def test_an_https_error_status_is_one_line_and_whose_it_is(
    https: TlsFileServer, path: str, said: str, exit_code: ExitCode
) -> None:
    with pytest.raises(storage.StorageError) as raised:
        storage.read_bytes(f"{https.base_url}{path}")
    assert str(raised.value) == f"{https.base_url}{path}: {said}"
    assert raised.value.exit_code == exit_code


def test_an_untrusted_certificate_is_refused(
    https: TlsFileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SSL_CERT_FILE")
    with pytest.raises(storage.StorageError) as raised:
        storage.read_bytes(f"{https.base_url}/data.csv")
    assert str(raised.value).startswith(f"{https.base_url}/data.csv: cannot fetch (")
    assert "CERTIFICATE_VERIFY_FAILED" in str(raised.value)


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("/stall", "no answer within 0.5 s"),
        ("/short", "cannot read (IncompleteRead(4 bytes read, 6 more expected))"),
    ],
)
def test_an_https_answer_cut_short_is_one_line(
    https: TlsFileServer, monkeypatch: pytest.MonkeyPatch, path: str, said: str
) -> None:
    monkeypatch.setattr(reads, "HTTP_TIMEOUT_SECONDS", 0.5)
    with pytest.raises(storage.StorageError) as raised:
        storage.read_bytes(f"{https.base_url}{path}")
    assert str(raised.value) == f"{https.base_url}{path}: {said}"
    assert raised.value.exit_code == ExitCode.DEPENDENCY


def test_an_https_server_that_does_not_answer_in_time_is_one_line(
    https: TlsFileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reads, "HTTP_TIMEOUT_SECONDS", 0.5)
    with pytest.raises(storage.StorageError) as raised:
        storage.read_bytes(f"{https.base_url}/slow")
    assert str(raised.value) == f"{https.base_url}/slow: no answer within 0.5 s"


# ---------------------------------------------------------------------------- publishing


def bundle_like(directory: Path) -> Path:
    directory.mkdir(exist_ok=True)
    for name in artifacts.BUNDLE_FILES:
        (directory / name).write_text(name)
    return directory


def test_a_local_bundle_appears_whole_under_new_parents(tmp_path: Path) -> None:
    source = bundle_like(tmp_path / "staging")
    destination = tmp_path / "artifacts" / "deeper" / "v1"
    published = storage.publish_directory(source, str(destination), last=artifacts.MANIFEST)
    assert published == str(destination)
    assert sorted(p.name for p in destination.iterdir()) == sorted(artifacts.BUNDLE_FILES)
    assert not source.exists()


@pytest.mark.parametrize("taken", ["a published bundle", "an empty folder"])
def test_a_local_bundle_is_never_replaced(tmp_path: Path, taken: str) -> None:
    """A folder already at the destination, even an empty one (which a rename would
    silently replace), is refused, and the new bundle stays where it was."""
    destination = tmp_path / "artifacts" / "v1"
    destination.mkdir(parents=True)
    if taken == "a published bundle":
        (destination / artifacts.MANIFEST).write_text("first")
    second = bundle_like(tmp_path / "second")
    with pytest.raises(storage.StorageError) as raised:
        storage.publish_directory(second, str(destination), last=artifacts.MANIFEST)
    assert str(raised.value) == f"{destination}: already exists; refusing to overwrite it"
    assert sorted(p.name for p in second.iterdir()) == sorted(artifacts.BUNDLE_FILES)
    expected = [artifacts.MANIFEST] if taken == "a published bundle" else []
    assert [p.name for p in destination.iterdir()] == expected


def test_a_local_destination_under_a_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    source = bundle_like(tmp_path / "staging")
    with pytest.raises(storage.StorageError) as raised:
        storage.publish_directory(source, str(tmp_path / "file" / "v1"), last=artifacts.MANIFEST)
    assert str(raised.value) == f"{tmp_path / 'file' / 'v1'}: cannot write (File exists)"
    assert sorted(p.name for p in source.iterdir()) == sorted(artifacts.BUNDLE_FILES)


@pytest.mark.usefixtures("aws_env")
def test_an_s3_bundle_is_its_files_in_name_order_the_manifest_last(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_bucket("churn-order")
    source = bundle_like(tmp_path / "staging")
    (source / "not-a-file").mkdir()
    order = intercept_puts(monkeypatch, lambda key: None)
    published = storage.publish_directory(source, "s3://churn-order/v1/", last=artifacts.MANIFEST)
    assert published == "s3://churn-order/v1/"
    others = sorted(n for n in artifacts.BUNDLE_FILES if n != artifacts.MANIFEST)
    assert order == [f"v1/{name}" for name in [*others, artifacts.MANIFEST]]
    assert read_prefix("churn-order", "v1/") == {n: n.encode() for n in artifacts.BUNDLE_FILES}


@pytest.mark.usefixtures("aws_env")
def test_a_failed_upload_removes_what_it_put_and_never_writes_the_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_bucket("churn-partial")

    def fail_on_the_third(key: str) -> None:
        if len(uploads) == 3:
            raise EndpointConnectionError(endpoint_url="http://s3.test")

    uploads = intercept_puts(monkeypatch, fail_on_the_third)
    with pytest.raises(storage.StorageError) as raised:
        storage.publish_directory(
            bundle_like(tmp_path / "b"), "s3://churn-partial/v1", last=artifacts.MANIFEST
        )
    assert str(raised.value) == (
        "s3://churn-partial/v1: upload failed "
        '(Could not connect to the endpoint URL: "http://s3.test")'
    )
    assert read_prefix("churn-partial", "") == {}
    assert artifacts.MANIFEST not in {key.rsplit("/", 1)[1] for key in uploads}


@pytest.mark.usefixtures("aws_env")
@pytest.mark.parametrize(
    "refusal",
    [
        ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "DeleteObject"),
        EndpointConnectionError(endpoint_url="http://s3.test"),  # the connection is gone
    ],
)
def test_a_failed_upload_whose_cleanup_is_refused_still_says_why_it_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, refusal: Exception
) -> None:
    """Under the model bucket's models/ deletes are refused (AccessDenied): the leftovers
    stay, harmless without a manifest, and the error is still the upload's own."""
    bucket = f"churn-no-deletes-{type(refusal).__name__.lower()}"
    make_bucket(bucket)

    def fail_on_the_second(key: str) -> None:
        if len(uploads) == 2:
            raise EndpointConnectionError(endpoint_url="http://s3.test")

    uploads = intercept_puts(monkeypatch, fail_on_the_second)
    client = s3.s3_client()  # the one storage now uses

    def refuse(**_: Any) -> None:
        raise refusal

    monkeypatch.setattr(client, "delete_object", refuse)
    with pytest.raises(storage.StorageError) as raised:
        storage.publish_directory(
            bundle_like(tmp_path / "b"), f"s3://{bucket}/v1", last=artifacts.MANIFEST
        )
    assert str(raised.value).startswith(f"s3://{bucket}/v1: upload failed (Could not")
    assert list(read_prefix(bucket, "")) == [uploads[0]]


@pytest.mark.usefixtures("aws_env")
def test_a_published_bundle_is_never_replaced(tmp_path: Path) -> None:
    make_bucket("churn-immutable")
    first, second = tmp_path / "first", tmp_path / "second"
    for directory, text in ((first, "first"), (second, "second")):
        directory.mkdir()
        for name in artifacts.BUNDLE_FILES:
            (directory / name).write_text(f"{text} {name}")
    storage.publish_directory(first, "s3://churn-immutable/v1", last=artifacts.MANIFEST)
    with pytest.raises(storage.StorageError) as raised:
        storage.publish_directory(second, "s3://churn-immutable/v1", last=artifacts.MANIFEST)
    assert str(raised.value) == (
        "s3://churn-immutable/v1: already published (bundles are immutable; train a new version)"
    )
    assert read_prefix("churn-immutable", "v1/") == {
        name: f"first {name}".encode() for name in artifacts.BUNDLE_FILES
    }


@pytest.mark.parametrize("code", ["PreconditionFailed", "412", "ConditionalRequestConflict"])
def test_every_answer_to_a_taken_key_reads_as_already_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: str
) -> None:
    stubber = stubbed_client(monkeypatch)
    stubber.add_response("put_object", {})
    stubber.add_client_error("put_object", service_error_code=code, http_status_code=412)
    stubber.add_response("delete_object", {}, {"Bucket": "b", "Key": "v1/a"})
    source = tmp_path / "b"
    source.mkdir()
    (source / "a").write_text("a")
    (source / "m").write_text("m")
    with pytest.raises(storage.StorageError, match="already published"):
        storage.publish_directory(source, "s3://b/v1", last="m")
    stubber.assert_no_pending_responses()


@pytest.mark.usefixtures("aws_env")
def test_an_upload_to_a_missing_bucket_names_it(tmp_path: Path) -> None:
    with pytest.raises(storage.StorageError) as raised:
        storage.publish_directory(
            bundle_like(tmp_path / "b"), "s3://churn-absent/v1", last=artifacts.MANIFEST
        )
    assert str(raised.value) == "s3://churn-absent/v1: bucket 'churn-absent' does not exist"


# ---------------------------------------------------------------------------- fail fast


@pytest.mark.usefixtures("aws_env")
def test_an_existing_bucket_is_writable_and_a_missing_one_is_named() -> None:
    make_bucket("churn-writable")
    storage.check_writable("s3://churn-writable/models")
    with pytest.raises(storage.StorageError) as raised:
        storage.check_writable("s3://churn-absent/models")
    assert str(raised.value) == "s3://churn-absent/models: bucket 'churn-absent' does not exist"


@pytest.mark.parametrize("below", ["", "new", "new/deeper"])
def test_a_local_destination_under_a_directory_is_writable(tmp_path: Path, below: str) -> None:
    storage.check_writable(str(tmp_path / below))


@pytest.mark.parametrize("below", ["", "new"])
def test_a_local_destination_at_or_under_a_file_is_refused(tmp_path: Path, below: str) -> None:
    (tmp_path / "file").write_text("x")
    destination = tmp_path / "file" / below if below else tmp_path / "file"
    with pytest.raises(storage.StorageError) as raised:
        storage.check_writable(str(destination))
    assert str(raised.value) == f"{destination}: {tmp_path / 'file'} is a file, not a directory"


# ------------------------------------------------------------------ streamed publication

FIVE_MIB = 5 << 20  # the smallest part S3 (and moto) takes, but for the last
STREAMED = bytes(range(256)) * ((12 << 20) // 256)  # 12 MiB: three parts of 5 MiB


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(multipart, "PART_BYTES", FIVE_MIB)


def open_uploads(bucket: str) -> list[str]:
    listed = boto3.client("s3").list_multipart_uploads(Bucket=bucket)
    return [upload["Key"] for upload in listed.get("Uploads", [])]


@pytest.mark.usefixtures("aws_env", "small_parts")
def test_a_streamed_file_goes_up_in_parts_and_is_seen_only_once_published() -> None:
    make_bucket("churn-streamed")
    with storage.publication("s3://churn-streamed/run", last="summary.json", prefix="t-") as run:
        stream = run.stream("scores.csv")
        for start in range(0, len(STREAMED), 1 << 20):
            stream.write(STREAMED[start : start + (1 << 20)])
        run.stream("drift.csv").write(b"small\n")  # under one part: one plain write
        (run.staging / "summary.json").write_text("{}")
        assert open_uploads("churn-streamed") == ["run/scores.csv"]
        assert read_prefix("churn-streamed", "") == {}
        run.publish()
    assert read_prefix("churn-streamed", "run/") == {
        "drift.csv": b"small\n",
        "scores.csv": STREAMED,
        "summary.json": b"{}",
    }
    head = boto3.client("s3").head_object
    etag = head(Bucket="churn-streamed", Key="run/scores.csv")["ETag"]
    assert etag.strip('"').endswith("-3")  # a multipart object's ETag counts its parts
    assert "-" not in head(Bucket="churn-streamed", Key="run/drift.csv")["ETag"]
    assert open_uploads("churn-streamed") == []


@pytest.mark.usefixtures("aws_env", "small_parts")
def test_a_publication_left_unpublished_leaves_no_object_and_no_open_upload() -> None:
    make_bucket("churn-dropped")
    with (
        pytest.raises(RuntimeError),
        storage.publication("s3://churn-dropped/run", last="summary.json", prefix="t-") as run,
    ):
        run.stream("scores.csv").write(STREAMED)  # two parts sent, one waiting
        raise RuntimeError("the run failed")
    assert read_prefix("churn-dropped", "") == {}
    assert open_uploads("churn-dropped") == []


@pytest.mark.usefixtures("aws_env", "small_parts")
def test_a_publication_that_ends_without_publishing_aborts_its_uploads() -> None:
    make_bucket("churn-forgotten")
    with storage.publication("s3://churn-forgotten/run", last="summary.json", prefix="t-") as run:
        run.stream("scores.csv").write(STREAMED)  # two parts sent, one waiting
        assert open_uploads("churn-forgotten") == ["run/scores.csv"]
    assert read_prefix("churn-forgotten", "") == {}
    assert open_uploads("churn-forgotten") == []


@pytest.mark.usefixtures("aws_env")
def test_a_published_prefix_is_refused_before_anything_is_written() -> None:
    make_bucket("churn-taken")
    boto3.client("s3").put_object(Bucket="churn-taken", Key="run/summary.json", Body=b"{}")
    with (
        pytest.raises(storage.StorageError, match=r"^s3://churn-taken/run: already published"),
        storage.publication("s3://churn-taken/run", last="summary.json", prefix="t-"),
    ):
        pytest.fail("a publication over a published one was opened")


@pytest.mark.usefixtures("aws_env", "small_parts")
def test_a_failed_part_upload_is_one_line_naming_the_object() -> None:
    with (
        pytest.raises(storage.StorageError) as raised,
        storage.publication("s3://churn-nowhere/run", last="summary.json", prefix="t-") as run,
    ):
        run.stream("scores.csv").write(STREAMED)
    assert str(raised.value) == (
        "s3://churn-nowhere/run/scores.csv: bucket 'churn-nowhere' does not exist"
    )


def test_a_local_publication_appears_whole_or_not_at_all(tmp_path: Path) -> None:
    with storage.publication(str(tmp_path / "run"), last="summary.json", prefix="t-") as run:
        run.stream("scores.csv").write(b"line\n")
        (run.staging / "summary.json").write_text("{}")
        assert not (tmp_path / "run").exists()
        run.publish()
    assert sorted(p.name for p in (tmp_path / "run").iterdir()) == ["scores.csv", "summary.json"]
    assert (tmp_path / "run" / "scores.csv").read_bytes() == b"line\n"
    with (
        pytest.raises(RuntimeError),
        storage.publication(str(tmp_path / "failed"), last="summary.json", prefix="t-") as run,
    ):
        run.stream("scores.csv").write(b"line\n")
        raise RuntimeError("the run failed")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]  # no staging left behind


@pytest.mark.usefixtures("aws_env", "small_parts")
def test_a_stream_past_s3s_part_limit_fails_in_one_line_and_leaves_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(multipart, "MAX_PARTS", 2)  # 10,000 in S3
    make_bucket("churn-too-long")
    with (
        pytest.raises(storage.StorageError) as raised,
        storage.publication("s3://churn-too-long/run", last="summary.json", prefix="t-") as run,
    ):
        run.stream("scores.csv").write(STREAMED + STREAMED)
    assert str(raised.value) == "s3://churn-too-long/run/scores.csv: over S3's 2 parts of 5 MiB"
    assert read_prefix("churn-too-long", "") == {}
    assert open_uploads("churn-too-long") == []


def test_a_local_publication_over_an_existing_directory_is_refused_at_opening(
    tmp_path: Path,
) -> None:
    (tmp_path / "run").mkdir()
    with (
        pytest.raises(storage.StorageError, match="run: already exists; refusing to overwrite"),
        storage.publication(str(tmp_path / "run"), last="summary.json", prefix="t-"),
    ):
        pytest.fail("a publication over an existing directory was opened")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
