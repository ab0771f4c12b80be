"""The contract as others read it: its consistency rules as JSON Schema (for the API's
published schema) and every field described (for APIs, UIs and model cards)."""

from __future__ import annotations

from collections.abc import Mapping

from churn.contract.fields import (
    FIELDS,
    INTERNET_ADDONS,
    NO_INTERNET,
    NO_PHONE,
    YES_NO,
    CategoricalField,
)
from churn.contract.levers import ACTIONABLE_FIELDS
from churn.contract.rules import spelt


def consistency_json_schema(
    wire_names: Mapping[str, str] | None = None,
) -> list[dict[str, object]]:
    """The rules of ``check_consistency`` as JSON Schema (an ``allOf`` list), so an API's
    published schema says what it enforces; under ``wire_names`` if the API renames fields."""

    def when(
        field: str, value: str, then: dict[str, str], otherwise: tuple[str, ...]
    ) -> dict[str, object]:
        return {
            "if": {
                "properties": {spelt(field, wire_names): {"const": value}},
                "required": [spelt(field, wire_names)],
            },
            "then": {
                "properties": {
                    spelt(name, wire_names): {"const": level} for name, level in then.items()
                }
            },
            "else": {
                "properties": {spelt(name, wire_names): {"enum": list(otherwise)} for name in then}
            },
        }

    return [
        when("PhoneService", "No", {"MultipleLines": NO_PHONE}, YES_NO),
        when("InternetService", "No", dict.fromkeys(INTERNET_ADDONS, NO_INTERNET), YES_NO),
    ]


def describe_contract() -> list[dict[str, object]]:
    """A JSON-ready description of every field, for APIs, UIs and model cards."""
    described: list[dict[str, object]] = []
    for field in FIELDS:
        entry: dict[str, object] = {
            "name": field.name,
            "label": field.label,
            "group": field.group.value,
            "description": field.description,
            "actionable": field.name in ACTIONABLE_FIELDS,
        }
        if isinstance(field, CategoricalField):
            entry |= {"kind": "categorical", "levels": list(field.levels)}
        else:
            entry |= {
                "kind": "integer" if field.integer else "number",
                "minimum": field.minimum,
                "maximum": field.maximum,
                "unit": field.unit,
            }
        described.append(entry)
    return described
