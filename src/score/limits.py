"""CreateTransformJob's constraints, checked before a job is asked for: moto checks none
of them, and AWS would refuse the job only after the base was prepared."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any, Final

import boto3

# Documented in CreateTransformJob's reference but not in botocore's model (moto checks
# neither): a payload is at most 100 MB, and so is MaxPayloadInMB x MaxConcurrentTransforms;
# a job has at most 100 instances (TransformResources.InstanceCount).
MAX_PAYLOAD_LIMIT_MB: Final = 100
MAX_INSTANCES_LIMIT: Final = 100


def request_problems(request: dict[str, Any], default_payload_mb: int) -> list[str]:
    """What in a request breaks CreateTransformJob's constraints, before AWS says so:
    botocore's API model (patterns, lengths, ranges, enums, required members: botocore
    itself checks only types and minimums) and the documented payload limits."""
    shape = _service_model().operation_model("CreateTransformJob").input_shape
    problems = list(_shape_problems(shape, request, "CreateTransformJob"))
    payload = request.get("MaxPayloadInMB", default_payload_mb)
    if payload * max(1, request.get("MaxConcurrentTransforms", 1)) > MAX_PAYLOAD_LIMIT_MB:
        problems.append(f"MaxPayloadInMB x MaxConcurrentTransforms over {MAX_PAYLOAD_LIMIT_MB}")
    if request["TransformResources"]["InstanceCount"] > MAX_INSTANCES_LIMIT:
        problems.append(f"InstanceCount over {MAX_INSTANCES_LIMIT}")
    return problems


def _service_model() -> Any:
    return boto3.session.Session()._session.get_service_model("sagemaker")


@functools.cache
def _python_pattern(pattern: str | None) -> re.Pattern[str] | None:
    """The model's pattern, if Python's re reads it (a few use Java's \\p{...} classes)."""
    try:
        return re.compile(pattern) if pattern else None
    except re.error:
        return None


def _shape_problems(shape: Any, value: Any, where: str) -> Iterator[str]:
    meta = shape.metadata
    if shape.type_name == "structure":
        for name in meta.get("required", []):
            if name not in value:
                yield f"{where}.{name} is required"
        for name, member in value.items():
            yield from _shape_problems(shape.members[name], member, f"{where}.{name}")
        return
    if shape.type_name == "list":
        for index, item in enumerate(value):
            yield from _shape_problems(shape.member, item, f"{where}[{index}]")
    if shape.type_name == "map":
        for key, item in value.items():
            yield from _shape_problems(shape.value, item, f"{where}.{key}")
    size = len(value) if isinstance(value, str | list | dict) else value
    if "max" in meta and size > meta["max"]:
        yield f"{where} is over {meta['max']}"
    if "min" in meta and size < meta["min"]:
        yield f"{where} is under {meta['min']}"
    pattern = _python_pattern(meta.get("pattern"))
    if pattern and not pattern.fullmatch(value):
        yield f"{where} {value!r} does not match {meta['pattern']}"
    if "enum" in meta and value not in meta["enum"]:
        yield f"{where} {value!r} is not one of {', '.join(meta['enum'])}"
