"""Real servers on free loopback ports: moto (AWS, tests.support.moto) and a TLS file server."""

from __future__ import annotations

import contextlib
import http.server
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import boto3
import pytest
import trustme

from churn import storage
from churn.storage import s3
from tests.support.moto import (
    LOOPBACK,
    REGION,
    MotoServer,
    free_port,
    start_moto_server,
    wait_for_http,
)

__all__ = [
    "LOOPBACK",
    "TEST_REGION",
    "MotoServer",
    "free_port",
    "intercept_puts",
    "make_bucket",
    "read_prefix",
    "serve_directory_over_tls",
    "serve_over_tls",
    "start_moto_server",
    "wait_for_http",
]

TEST_REGION: Final = REGION


def make_bucket(name: str) -> None:
    """Create a bucket (once) through whatever endpoint boto3 is pointed at: the moto server."""
    client = boto3.client("s3")
    with contextlib.suppress(client.exceptions.BucketAlreadyOwnedByYou):
        client.create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": TEST_REGION}
        )


def read_prefix(bucket: str, prefix: str) -> dict[str, bytes]:
    """Every object under ``prefix`` (key without the prefix -> content), read back."""
    client = boto3.client("s3")
    listed = client.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
    return {
        item["Key"].removeprefix(prefix): client.get_object(Bucket=bucket, Key=item["Key"])[
            "Body"
        ].read()
        for item in listed
    }


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
    monkeypatch.setattr(s3, "s3_client", lambda: client)
    return keys


@dataclass(frozen=True)
class TlsFileServer:
    base_url: str
    ca_file: Path


@contextmanager
def serve_directory_over_tls(directory: Path, scratch: Path) -> Iterator[TlsFileServer]:
    """An HTTPS server for ``directory`` with a certificate from a CA made for this test."""

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(directory), **kwargs)  # type: ignore[arg-type]

        def log_message(self, format: str, *args: object) -> None:
            pass

    with serve_over_tls(QuietHandler, scratch) as server:
        yield server


@contextmanager
def serve_over_tls(
    handler: type[http.server.BaseHTTPRequestHandler], scratch: Path
) -> Iterator[TlsFileServer]:
    """``handler`` served over HTTPS with a certificate from a CA made for this test (its
    PEM written into ``scratch``)."""
    authority = trustme.CA()
    certificate = authority.issue_cert(LOOPBACK, "localhost")
    ca_file = scratch / "test-ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(context)
    server = http.server.ThreadingHTTPServer((LOOPBACK, 0), handler)
    server.daemon_threads = True
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield TlsFileServer(f"https://{LOOPBACK}:{server.server_address[1]}", ca_file)
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def serve_http(
    handler: type[http.server.BaseHTTPRequestHandler],
) -> Iterator[http.server.ThreadingHTTPServer]:
    """``handler`` served on a free loopback port by a threaded server, until the block ends."""
    server = http.server.ThreadingHTTPServer((LOOPBACK, 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def send_json(
    handler: http.server.BaseHTTPRequestHandler,
    status: int,
    content: bytes,
    headers: dict[str, str] | None = None,
) -> None:
    """One JSON answer (``content`` already encoded), with its length."""
    handler.send_response(status)
    for name, value in ({"content-type": "application/json"} | (headers or {})).items():
        handler.send_header(name, value)
    handler.send_header("content-length", str(len(content)))
    handler.end_headers()
    handler.wfile.write(content)
