"""The contract's rules for one customer: its canonical form (the data set's quirks handled
here and nowhere else), the dependent values' consistency, and the label."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Final

from churn.contract.fields import (
    FIELD_NAMES,
    FIELDS,
    FIELDS_BY_NAME,
    INTERNET_ADDONS,
    LABEL_COLUMN,
    LABEL_POSITIVE,
    LABEL_VALUES,
    NO_INTERNET,
    NO_PHONE,
    CategoricalField,
    NumericField,
    RawValue,
    Record,
)
from churn.errors import RefusedError


class ContractError(RefusedError, ValueError):
    """A value breaks the contract; ``field`` names the offending field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


# ---------------------------------------------------------------------------------------
# Normalisation: the data's quirks, in one place
# ---------------------------------------------------------------------------------------

_SENIOR_CITIZEN_CODES: Final = {"0": "No", "1": "Yes"}


def _categorical(field: CategoricalField, raw: RawValue) -> str:
    if field.name == "SeniorCitizen" and not isinstance(raw, bool):
        if isinstance(raw, int | float) and raw in (0, 1):
            raw = str(int(raw))
        if isinstance(raw, str):
            raw = _SENIOR_CITIZEN_CODES.get(raw.strip(), raw)
    if not isinstance(raw, str):
        raise ContractError(field.name, f"expected text, got {_describe(raw)}")
    if raw not in field.levels:
        allowed = ", ".join(repr(level) for level in field.levels)
        raise ContractError(field.name, f"{raw!r} is not one of {allowed}")
    return raw


def _numeric(field: NumericField, raw: RawValue, tenure: float | None) -> int | float:
    if isinstance(raw, str):
        text = raw.strip()
        if text == "" and field.name == "TotalCharges" and tenure == 0:
            return 0.0
        try:
            value = float(text)
        except ValueError:
            raise ContractError(field.name, f"{raw!r} is not a number") from None
    elif isinstance(raw, int | float) and not isinstance(raw, bool):
        value = float(raw)
    else:
        raise ContractError(field.name, f"expected a number, got {_describe(raw)}")
    if not math.isfinite(value):
        raise ContractError(field.name, f"{raw!r} is not a finite number")
    if field.integer and not value.is_integer():
        raise ContractError(field.name, f"{raw!r} is not a whole number")
    if not field.minimum <= value <= field.maximum:
        raise ContractError(
            field.name, f"{value:g} is outside {field.minimum:g}..{field.maximum:g}"
        )
    return int(value) if field.integer else value


def _describe(raw: object) -> str:
    return "nothing" if raw is None else f"{type(raw).__name__} {raw!r}"


def normalize_record(raw: Mapping[str, RawValue]) -> Record:
    """Check one raw customer against the contract and return its canonical form.

    Accepts the dataset's own spellings (``SeniorCitizen`` 0/1, blank ``TotalCharges`` at
    tenure 0). Extra keys are ignored here; callers decide whether those are errors.
    Raises ``ContractError`` naming the first offending field.
    """
    missing = [name for name in FIELD_NAMES if name not in raw]
    if missing:
        raise ContractError(missing[0], "is missing")
    tenure_field = FIELDS_BY_NAME["tenure"]
    assert isinstance(tenure_field, NumericField)
    tenure = _numeric(tenure_field, raw["tenure"], None)
    record: Record = {}
    for field in FIELDS:
        if isinstance(field, CategoricalField):
            record[field.name] = _categorical(field, raw[field.name])
        else:
            record[field.name] = _numeric(field, raw[field.name], tenure)
    check_consistency(record)
    return record


def spelt(name: str, wire_names: Mapping[str, str] | None) -> str:
    """A field's name as a client spells it: under ``wire_names`` if the API renames them."""
    return wire_names[name] if wire_names else name


def check_consistency(
    record: Mapping[str, str | float], wire_names: Mapping[str, str] | None = None
) -> None:
    """The data dictionary's dependent values: "No phone service" iff no phone service,
    "No internet service" on every add-on iff no internet service. ``wire_names`` spells
    the fields in the messages as a client sent them (the error's field stays the contract's).
    """
    has_phone = record["PhoneService"] == "Yes"
    if has_phone == (record["MultipleLines"] == NO_PHONE):
        expected = "'No' or 'Yes'" if has_phone else repr(NO_PHONE)
        phone = spelt("PhoneService", wire_names)
        raise ContractError(
            "MultipleLines", f"must be {expected} when {phone} is {record['PhoneService']!r}"
        )
    has_internet = record["InternetService"] != "No"
    for name in INTERNET_ADDONS:
        if has_internet == (record[name] == NO_INTERNET):
            expected = "'No' or 'Yes'" if has_internet else repr(NO_INTERNET)
            service = spelt("InternetService", wire_names)
            raise ContractError(
                name, f"must be {expected} when {service} is {record['InternetService']!r}"
            )


def label_to_int(raw: str) -> int:
    """Map the dataset's ``Churn`` column to 0/1."""
    if raw not in LABEL_VALUES:
        raise ContractError(LABEL_COLUMN, f"{raw!r} is not 'Yes' or 'No'")
    return int(raw == LABEL_POSITIVE)
