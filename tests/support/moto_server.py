"""moto's server (``python -m moto.server``'s own entry point), with the one gap the stacks
hit filled: Application Auto Scaling's tags. AWS keeps a scalable target's tags by its ARN
(RegisterScalableTarget's Tags, TagResource, UntagResource, ListTagsForResource); moto 5.2
drops the Tags and answers the three tag calls with 500, which Terraform's provider retries
until its timeout. This keeps them by ARN, in moto's process; nothing else changes.

usage: python -m tests.support.moto_server -H 127.0.0.1 -p PORT    (start_moto_server)
"""

from __future__ import annotations

import json
import sys
from typing import Any

from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse
from moto.server import main

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

if __name__ == "__main__":
    main(sys.argv[1:])
