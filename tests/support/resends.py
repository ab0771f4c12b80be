"""A request the AWS SDK sends again gets the answer its first attempt got.

An AWS SDK resends a request after a transport error (a connection reset, a timeout) with
the same ``amz-sdk-invocation-id`` and the next ``amz-sdk-request: attempt=N``. AWS then
executes it again: a create whose answer was lost comes back refused as a duplicate
(Lambda's 409 ResourceConflictException, EC2's InvalidPermission.Duplicate), which over
AWS's network is rare. Here it was not: twice in eight full runs moto answered a create
2xx in a busy first apply and the same call came again at once (moto's log shows both; no
header was logged then, so that it was the SDK's resend is inferred), and the apply failed
on a refusal AWS would almost never give. So moto's server
keeps the last answers to calls that change something, and a resend of one of them gets
that answer again instead of a second execution, with a line in moto's log; every other
request, and any new call (a new invocation id), reaches moto as before.
"""

from __future__ import annotations

import re
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

KEPT = 1024  # answers kept: far more than the calls of one apply in flight at once
READS = frozenset({"GET", "HEAD", "OPTIONS"})  # executing a read again changes nothing
ATTEMPT = re.compile(r"attempt=(\d+)")


@dataclass(frozen=True)
class Answer:
    status: str
    headers: list[tuple[str, str]]
    body: bytes


def attempt_of(environ: dict[str, Any]) -> int:
    found = ATTEMPT.search(environ.get("HTTP_AMZ_SDK_REQUEST", ""))
    return int(found.group(1)) if found else 1


def described(environ: dict[str, Any]) -> str:
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    return f"{environ['REQUEST_METHOD']} {environ.get('PATH_INFO', '')} {target}".rstrip()


def answered_once(app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
    answers: OrderedDict[str, Answer] = OrderedDict()
    lock = threading.Lock()

    def serve(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        invocation = environ.get("HTTP_AMZ_SDK_INVOCATION_ID")
        if not invocation or environ["REQUEST_METHOD"] in READS:
            return app(environ, start_response)
        attempt = attempt_of(environ)
        if attempt > 1:
            with lock:
                earlier = answers.get(invocation)
            said = "its first answer again" if earlier else "executed: no answer kept"
            line = f"moto: resent (attempt {attempt}): {described(environ)}: {said}"
            print(line, file=sys.stderr, flush=True)
            if earlier:
                start_response(earlier.status, earlier.headers)
                return [earlier.body]
        caught: list[tuple[str, list[tuple[str, str]]]] = []

        def keep(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
            caught.append((status, headers))
            return start_response(status, headers, *rest)

        answer = app(environ, keep)
        try:
            body = b"".join(answer)
        finally:
            getattr(answer, "close", lambda: None)()
        if caught and caught[-1][0].startswith("2"):
            with lock:
                answers[invocation] = Answer(*caught[-1], body)
                while len(answers) > KEPT:
                    answers.popitem(last=False)
        return [body]

    return serve
