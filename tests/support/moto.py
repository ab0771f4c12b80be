"""moto in server mode: a local AWS answering real HTTP on a free loopback port."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import boto3

LOOPBACK: Final = "127.0.0.1"
REGION: Final = "eu-central-1"
# moto accepts any credentials; these make sure nothing real is ever used by mistake.
FAKE_KEY: Final = "testing"


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
        """Environment that points boto3 (here or in a child process) at this server."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": FAKE_KEY,
            "AWS_SECRET_ACCESS_KEY": FAKE_KEY,
            "AWS_SESSION_TOKEN": FAKE_KEY,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
        }

    def save_state(self, path: Path) -> None:
        """Everything this server holds, to ``path`` (tests/support/moto_state.py)."""
        self._state({"save": str(path)})

    def load_state(self, path: Path) -> None:
        """What another server saved at ``path`` replaces what this one holds."""
        self._state({"load": str(path)})

    def _state(self, request: dict[str, str]) -> None:
        posted = urllib.request.Request(
            f"{self.endpoint}/_tests/state", data=json.dumps(request).encode(), method="POST"
        )
        with urllib.request.urlopen(posted, timeout=120) as answer:
            answer.read()


@contextmanager
def start_moto_server(log: Path) -> Iterator[MotoServer]:
    """moto in server mode, as its own process (with the gap moto_server.py fills).
    AWS-managed IAM policies are loaded, as the stacks attach some (moto leaves them out by
    default)."""
    port = free_port()
    env = os.environ | {"MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.moto_server", "-H", LOOPBACK, "-p", str(port)],
            cwd=Path(__file__).resolve().parents[2],  # the repository: tests.support imports
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


def moto_admin(region: str = REGION) -> boto3.Session:
    """moto's administrator, for stand-ins acting as AWS itself rather than as a job."""
    return boto3.Session(
        aws_access_key_id=FAKE_KEY, aws_secret_access_key=FAKE_KEY, region_name=region
    )
