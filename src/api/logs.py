"""Structured JSON logs: one line per request with its id, model version and latency.

Customer fields never reach a log: only the method, path, status, timing and ids do.
"""

from __future__ import annotations

import json
import logging
import sys
import time
import uuid
from typing import Any, Final, TextIO

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from churn.api.service import ServiceHolder

logger = logging.getLogger("churn.api")
CLIENT_LEFT: Final = 499
# Attributes every LogRecord has; anything else was passed with extra= and is logged.
_STANDARD: Final = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry |= {k: v for k, v in vars(record).items() if k not in _STANDARD}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class _StdoutHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to sys.stdout as it is when a record is emitted, not when the handler was made
    (the Lambda runtime and test captures may swap it)."""

    @property
    def stream(self) -> TextIO:
        return sys.stdout

    @stream.setter
    def stream(self, _: TextIO) -> None:
        pass  # StreamHandler.__init__ assigns one; the property always answers sys.stdout


def configure_logging(level: str) -> None:
    handler = _StdoutHandler()
    handler.setFormatter(JsonFormatter())
    logger.handlers[:] = [handler]
    logger.setLevel(level)
    logger.propagate = False


class AccessLog:
    """Times each request and logs it; echoes the request id in X-Request-Id."""

    def __init__(self, app: ASGIApp, holder: ServiceHolder) -> None:
        self.app = app
        self.holder = holder

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = _request_id(scope)
        # No response started: the client left before one (the guard marks it), or the
        # server failed without answering.
        status: int | None = None

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []),
                                      (b"x-request-id", request_id.encode())]  # fmt: skip
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            logger.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status if status is not None else _unanswered(scope),
                    "latency_ms": round((time.perf_counter() - started) * 1000, 2),
                    "model_version": self.holder.loaded_version,
                },
            )


def _unanswered(scope: Scope) -> int:
    """499 (nginx's "client closed request") when the client left, else 500."""
    return CLIENT_LEFT if scope.get("state", {}).get("client_left") else 500


def _request_id(scope: Scope) -> str:
    context = scope.get("aws.context")  # set by Mangum inside Lambda
    if context is not None and getattr(context, "aws_request_id", None):
        return str(context.aws_request_id)
    for name, value in scope["headers"]:
        if name == b"x-request-id" and 0 < len(value) <= 128:
            return bytes(value).decode("latin-1")
    return uuid.uuid4().hex
