"""Every failure as a JSON body with one readable line; never a stack trace to a client."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from churn.api.bounds import MAX_REPORTED, field_name, location, message
from churn.api.predictors import PredictorError
from churn.api.schemas import ErrorBody
from churn.api.scores import ScoringRunError
from churn.bundles import BundleError

logger = logging.getLogger("churn.api")
BODY_METHODS: Final = frozenset({"POST", "PUT", "PATCH"})
_JSON_INVALID: Final = "the body is not valid JSON"


def error_response(
    status: int,
    message: str,
    detail: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = ErrorBody(message=message, detail=detail).model_dump(exclude_none=True)
    return JSONResponse(body, status_code=status, headers=headers)


def describe_validation(errors: Sequence[Any]) -> tuple[str, list[dict[str, Any]]]:
    """The first error in one line, and at most MAX_REPORTED errors in full: a body with
    thousands of unknown keys would otherwise answer megabytes (over Lambda's 6 MB
    response limit, a 5xx in AWS)."""
    detail = [
        {
            "field": field_name(error),
            "loc": location(error),
            "msg": _JSON_INVALID if error["type"] == "json_invalid" else message(error),
            "type": error["type"],
        }
        for error in errors[:MAX_REPORTED]
    ]
    first = detail[0]
    others = len({field_name(error) for error in errors} - {first["field"]})
    more = f" (and {others} more field(s))" if others else ""
    if len(errors) > MAX_REPORTED:
        more += f"; the first {MAX_REPORTED} of {len(errors)} errors are listed"
    return f"invalid request: {first['field']}: {first['msg']}{more}", detail


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    message, detail = describe_validation(exc.errors())
    return error_response(422, message, detail)


async def _predictor(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PredictorError)
    logger.warning("predictor failed", extra={"status": exc.status, "reason": exc.logged})
    headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
    return error_response(exc.status, exc.message, headers=headers)


async def _bundle(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BundleError)
    logger.error("no servable bundle", extra={"reason": str(exc)})
    return error_response(
        503, f"no model to serve: {exc.public_message}", headers={"Retry-After": "30"}
    )


async def _no_run(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ScoringRunError)
    logger.warning("no scoring run to serve", extra={"reason": str(exc)})
    return error_response(404, f"no scoring run: {exc.public}")


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    headers = dict(exc.headers) if exc.headers else None
    return error_response(exc.status_code, str(exc.detail), headers=headers)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unexpected error")  # the traceback stays in the server's log
    return error_response(500, f"internal error ({type(exc).__name__}); it has been logged")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(PredictorError, _predictor)
    app.add_exception_handler(BundleError, _bundle)
    app.add_exception_handler(ScoringRunError, _no_run)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)


def require_json(request: Request) -> None:
    """A router dependency: after routing, so a wrong method still answers 405 first."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        raise HTTPException(415, f"the body must be application/json, not {media_type or 'none'}")


class RequestGuard:
    """Refuses, before any parsing, bodies larger than the limit (413) and bodies that do
    not arrive in time (408: a client trickling a body would hold a worker forever).

    The body is read up to the limit and replayed to the app, so a chunked upload cannot
    slip past a missing Content-Length. A client that leaves mid-body gets no answer: the
    access log says so (status 499, nginx's "client closed request").
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int, body_timeout_seconds: float) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.body_timeout_seconds = body_timeout_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._too_large(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        deadline = asyncio.get_running_loop().time() + self.body_timeout_seconds
        while True:
            try:
                remaining = deadline - asyncio.get_running_loop().time()
                message = await asyncio.wait_for(receive(), timeout=max(remaining, 0.0))
            except TimeoutError:
                seconds = f"{self.body_timeout_seconds:g} s"
                await error_response(408, f"the body did not arrive within {seconds}")(
                    scope, receive, send
                )
                return
            if message["type"] == "http.disconnect":
                scope.setdefault("state", {})["client_left"] = True
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                await self._too_large(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = f"{self.max_body_bytes:,} bytes"
        await error_response(413, f"the body is larger than {limit}")(scope, receive, send)
