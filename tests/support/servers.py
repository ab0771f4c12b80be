"""Real servers on free loopback ports: moto (AWS) and a TLS file server."""

from __future__ import annotations

import contextlib
import http.server
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import boto3
import trustme

LOOPBACK: Final = "127.0.0.1"
TEST_REGION: Final = "eu-central-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_http(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@dataclass(frozen=True)
class MotoServer:
    endpoint: str

    def client_env(self) -> dict[str, str]:
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": TEST_REGION,
            "AWS_REGION": TEST_REGION,
        }


def make_bucket(name: str) -> None:
    """Create a bucket (once) through whatever endpoint boto3 is pointed at: the moto server."""
    client = boto3.client("s3")
    with contextlib.suppress(client.exceptions.BucketAlreadyOwnedByYou):
        client.create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": TEST_REGION}
        )


@contextmanager
def start_moto_server(log: Path) -> Iterator[MotoServer]:
    """moto in server mode, as its own process, answering real HTTP on loopback."""
    port = free_port()
    env = os.environ | {"MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", LOOPBACK, "-p", str(port)],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=env,
        )
    endpoint = f"http://{LOOPBACK}:{port}"
    try:
        wait_for_http(f"{endpoint}/moto-api/")
        yield MotoServer(endpoint)
    finally:
        process.terminate()
        process.wait(timeout=10)


@dataclass(frozen=True)
class TlsFileServer:
    base_url: str
    ca_file: Path


@contextmanager
def serve_directory_over_tls(directory: Path, scratch: Path) -> Iterator[TlsFileServer]:
    """An HTTPS server for ``directory`` with a certificate from a CA made for this test."""
    authority = trustme.CA()
    certificate = authority.issue_cert(LOOPBACK, "localhost")
    ca_file = scratch / "test-ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(context)

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(directory), **kwargs)  # type: ignore[arg-type]

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer((LOOPBACK, 0), QuietHandler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield TlsFileServer(f"https://{LOOPBACK}:{server.server_address[1]}", ca_file)
    finally:
        server.shutdown()
        server.server_close()
