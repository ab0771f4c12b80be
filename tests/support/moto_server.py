"""moto's server (``python -m moto.server``'s own entry point), with the one gap the stacks
hit filled: Application Auto Scaling's tags. AWS keeps a scalable target's tags by its ARN
(RegisterScalableTarget's Tags, TagResource, UntagResource, ListTagsForResource); moto 5.2
drops the Tags and answers the three tag calls with 500, which Terraform's provider retries
until its timeout. This keeps them by ARN, in moto's process; nothing else changes.

One path is the tests' own, not AWS's: ``POST /_tests/state`` with ``{"save": FILE}`` or
``{"load": FILE}`` saves the server's whole state to a file or replaces it with one saved
before (tests/support/moto_state.py), while no other request is in flight.

A request the AWS SDK resends gets its first answer again (tests/support/resends.py).

usage: python -m tests.support.moto_server -H 127.0.0.1 -p PORT    (start_moto_server)
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import moto.server
from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse

from tests.support import moto_state, resends

STATE_PATH = "/_tests/state"

TAGS: dict[str, dict[str, str]] = {}
register_scalable_target = ApplicationAutoScalingResponse.register_scalable_target


def register_with_tags(self: Any) -> str:
    answer: str = register_scalable_target(self)
    TAGS.setdefault(json.loads(answer)["ScalableTargetARN"], {}).update(
        self._get_param("Tags") or {}
    )
    return answer


def list_tags_for_resource(self: Any) -> str:
    return json.dumps({"Tags": TAGS.get(self._get_param("ResourceARN"), {})})


def tag_resource(self: Any) -> str:
    TAGS.setdefault(self._get_param("ResourceARN"), {}).update(self._get_param("Tags") or {})
    return "{}"


def untag_resource(self: Any) -> str:
    kept = TAGS.get(self._get_param("ResourceARN"), {})
    for key in self._get_param("TagKeys") or []:
        kept.pop(key, None)
    return "{}"


ApplicationAutoScalingResponse.register_scalable_target = register_with_tags  # type: ignore[method-assign]
ApplicationAutoScalingResponse.list_tags_for_resource = list_tags_for_resource  # type: ignore[attr-defined]
ApplicationAutoScalingResponse.tag_resource = tag_resource  # type: ignore[attr-defined]
ApplicationAutoScalingResponse.untag_resource = untag_resource  # type: ignore[attr-defined]


def save_or_load(request: dict[str, str]) -> dict[str, int]:
    if "save" in request:
        return {"bytes": moto_state.save(Path(request["save"]), extra=TAGS)}
    TAGS.clear()
    TAGS.update(moto_state.load(Path(request["load"])))
    return {"bytes": Path(request["load"]).stat().st_size}


def with_state_path(app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
    def serve(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != STATE_PATH or environ["REQUEST_METHOD"] != "POST":
            return app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        answer = json.dumps(save_or_load(json.loads(environ["wsgi.input"].read(length))))
        start_response("200 OK", [("Content-Type", "application/json")])
        return [answer.encode()]

    return serve


run_simple = moto.server.run_simple  # type: ignore[attr-defined]


def run_with_state_path(host: str, port: int, app: Any, **options: Any) -> None:
    run_simple(host, port, resends.answered_once(with_state_path(app)), **options)


moto.server.run_simple = run_with_state_path  # type: ignore[attr-defined,assignment]

if __name__ == "__main__":
    moto.server.main(sys.argv[1:])
