"""Clients that trickle or abandon a body: a body that does not arrive in time gets a 408
(instead of holding a worker), and a client that leaves mid-body is logged as having left
(499), not as a server error."""

from __future__ import annotations

import logging
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

from churn.api.app import create_app
from churn.api.settings import Settings
from tests.support.live import serve

HEAD = (
    b"POST /v1/predictions HTTP/1.1\r\nHost: churn\r\nContent-Type: application/json\r\n"
    b"Content-Length: 400\r\n\r\n"
)


class Statuses(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.seen: list[object] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage() == "request":
            self.seen.append(record.__dict__.get("status"))


def connect(url: str) -> socket.socket:
    address = urlsplit(url)
    return socket.create_connection((address.hostname or "", address.port or 80), timeout=10)


def test_a_trickled_body_gets_408_in_time(bundle_dir: Path) -> None:
    settings = Settings(bundle=str(bundle_dir), body_timeout_seconds=0.5)
    with serve(create_app(settings)) as url, connect(url) as client:
        started = time.monotonic()
        client.sendall(HEAD + b'{"gender": "Fe')  # and nothing more
        answer = client.recv(4096).decode()
        waited = time.monotonic() - started
    assert answer.startswith("HTTP/1.1 408 ")
    assert "the body did not arrive within 0.5 s" in answer
    assert waited < 5  # it did not wait for the client (a bound, not a benchmark)


def test_a_client_that_leaves_mid_body_is_logged_as_gone(bundle_dir: Path) -> None:
    app = create_app(Settings(bundle=str(bundle_dir)))  # which sets the API's log handlers
    statuses = Statuses()
    logging.getLogger("churn.api").addHandler(statuses)
    try:
        with serve(app) as url:
            with connect(url) as client:
                client.sendall(HEAD + b'{"gender": "Fe')
            deadline = time.monotonic() + 10
            while not statuses.seen and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        logging.getLogger("churn.api").removeHandler(statuses)
    assert statuses.seen == [499]
