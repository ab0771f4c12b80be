"""Property-based fuzzing of the OpenAPI schema against the live API: no 5xx, every answer
matches the schema, invalid input is refused, valid input is accepted."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings

from churn.api.app import create_app
from churn.api.settings import Settings

# The schema needs no model: an app that never loads its bundle is enough to describe it.
schema = schemathesis.openapi.from_dict(create_app(Settings(), preload=False).openapi())


@schema.parametrize()
@settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_honours_its_schema(case: schemathesis.Case[Any], api_url: str) -> None:
    case.call_and_validate(base_url=api_url)
