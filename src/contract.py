"""The feature contract: the 19 raw customer fields, their allowed values and rules.

This module is the single source of truth that training, the prediction API and the UI
import; nothing else lists the fields. It is pure Python (no pandas) because the Lambda
imports it on its cold-start path.

The IBM Telco data has two quirks, handled here and nowhere else (``normalize_record``):

* ``SeniorCitizen`` is written as ``0``/``1`` while every other yes/no field says
  ``No``/``Yes``; the canonical form is ``No``/``Yes``.
* ``TotalCharges`` is a blank string for the 11 customers with ``tenure`` 0 (they have
  not been billed yet); the canonical value is ``0.0``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Literal

from churn.errors import RefusedError

ID_COLUMN: Final = "customerID"
ID_MAX_LENGTH: Final = 64
"""The longest customerID the API takes and churn-score keeps, so that every answer that
echoes ids (a batch, a page of the riskiest customers) stays bounded."""
LABEL_COLUMN: Final = "Churn"
LABEL_POSITIVE: Final = "Yes"
LABEL_VALUES: Final = ("No", "Yes")

NO_INTERNET: Final = "No internet service"
NO_PHONE: Final = "No phone service"
YES_NO: Final = ("No", "Yes")


class Group(StrEnum):
    """How the UI groups the fields on its form."""

    ACCOUNT = "account"
    SERVICES = "services"
    BILLING = "billing"


@dataclass(frozen=True)
class CategoricalField:
    name: str
    label: str  # the field in plain words, as people read it
    levels: tuple[str, ...]
    group: Group
    description: str


@dataclass(frozen=True)
class NumericField:
    name: str
    label: str
    minimum: float
    maximum: float
    integer: bool
    group: Group
    description: str
    unit: str


Field = CategoricalField | NumericField

_ADDON_LEVELS: Final = ("No", "Yes", NO_INTERNET)


def _addon(name: str, what: str) -> CategoricalField:
    return CategoricalField(
        name,
        what[0].upper() + what[1:],
        _ADDON_LEVELS,
        Group.SERVICES,
        f"Whether the customer has {what}.",
    )


FIELDS: Final[tuple[Field, ...]] = (
    CategoricalField(
        "gender", "Gender", ("Female", "Male"), Group.ACCOUNT, "The customer's gender."
    ),
    CategoricalField(
        "SeniorCitizen",
        "Senior citizen",
        YES_NO,
        Group.ACCOUNT,
        "Whether the customer is 65 or older.",
    ),
    CategoricalField(
        "Partner", "Partner", YES_NO, Group.ACCOUNT, "Whether the customer has a partner."
    ),
    CategoricalField(
        "Dependents", "Dependents", YES_NO, Group.ACCOUNT, "Whether the customer has dependents."
    ),
    NumericField(
        "tenure", "Tenure", 0, 120, True, Group.ACCOUNT, "Months the customer has stayed.", "months"
    ),
    CategoricalField(
        "PhoneService",
        "Phone service",
        YES_NO,
        Group.SERVICES,
        "Whether the customer has a phone service.",
    ),
    CategoricalField(
        "MultipleLines",
        "Multiple lines",
        ("No", "Yes", NO_PHONE),
        Group.SERVICES,
        "Whether the customer has multiple phone lines.",
    ),
    CategoricalField(
        "InternetService",
        "Internet service",
        ("DSL", "Fiber optic", "No"),
        Group.SERVICES,
        "The customer's internet service provider.",
    ),
    _addon("OnlineSecurity", "online security"),
    _addon("OnlineBackup", "online backup"),
    _addon("DeviceProtection", "device protection"),
    _addon("TechSupport", "tech support"),
    _addon("StreamingTV", "streaming TV"),
    _addon("StreamingMovies", "streaming movies"),
    CategoricalField(
        "Contract",
        "Contract",
        ("Month-to-month", "One year", "Two year"),
        Group.BILLING,
        "The contract term.",
    ),
    CategoricalField(
        "PaperlessBilling",
        "Paperless billing",
        YES_NO,
        Group.BILLING,
        "Whether the customer has paperless billing.",
    ),
    CategoricalField(
        "PaymentMethod",
        "Payment method",
        (
            "Bank transfer (automatic)",
            "Credit card (automatic)",
            "Electronic check",
            "Mailed check",
        ),
        Group.BILLING,
        "How the customer pays.",
    ),
    NumericField(
        "MonthlyCharges",
        "Monthly charges",
        0,
        1_000,
        False,
        Group.BILLING,
        "The amount charged to the customer each month.",
        "USD",
    ),
    NumericField(
        "TotalCharges",
        "Total charges",
        0,
        100_000,
        False,
        Group.BILLING,
        "The total amount charged to the customer so far.",
        "USD",
    ),
)

FIELD_NAMES: Final = tuple(field.name for field in FIELDS)
FIELDS_BY_NAME: Final = {field.name: field for field in FIELDS}
CATEGORICAL_FIELDS: Final = tuple(f for f in FIELDS if isinstance(f, CategoricalField))
NUMERIC_FIELDS: Final = tuple(f for f in FIELDS if isinstance(f, NumericField))

INTERNET_ADDONS: Final = (
    "OnlineSecurity",
    "OnlineBackup",
    "DeviceProtection",
    "TechSupport",
    "StreamingTV",
    "StreamingMovies",
)


@dataclass(frozen=True)
class Lever:
    """A change the company can offer a customer: ``field`` set to ``offer`` for a customer
    whose value is one of ``applies_to``. Only what an agent can actually offer is a lever:
    never gender, age, household or tenure."""

    field: str
    applies_to: tuple[str, ...]
    offer: str
    wording: str  # completes "what if we ...", e.g. "switch to a one-year contract"


_MANUAL_PAYMENTS: Final = ("Electronic check", "Mailed check")
# Each add-on lever applies only to "No": a customer without internet has "No internet
# service" there, so no lever can make a customer the consistency rules refuse.
LEVERS: Final = (
    Lever("Contract", ("Month-to-month",), "One year", "switch to a one-year contract"),
    Lever("Contract", ("Month-to-month", "One year"), "Two year", "switch to a two-year contract"),
    Lever(
        "PaymentMethod",
        _MANUAL_PAYMENTS,
        "Bank transfer (automatic)",
        "pay by automatic bank transfer",
    ),
    Lever(
        "PaymentMethod", _MANUAL_PAYMENTS, "Credit card (automatic)", "pay by automatic credit card"
    ),
    Lever("OnlineSecurity", ("No",), "Yes", "add online security"),
    Lever("TechSupport", ("No",), "Yes", "add tech support"),
    Lever("OnlineBackup", ("No",), "Yes", "add online backup"),
    Lever("DeviceProtection", ("No",), "Yes", "add device protection"),
)
ACTIONABLE_FIELDS: Final = frozenset(lever.field for lever in LEVERS)

RawValue = str | int | float | None
Record = dict[str, str | float]
"""A customer in canonical form: categorical fields as str, whole-number fields as int,
other numeric fields as float. JSON-ready: it is also what the API accepts."""


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


def _spelt(name: str, wire_names: Mapping[str, str] | None) -> str:
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
        phone = _spelt("PhoneService", wire_names)
        raise ContractError(
            "MultipleLines", f"must be {expected} when {phone} is {record['PhoneService']!r}"
        )
    has_internet = record["InternetService"] != "No"
    for name in INTERNET_ADDONS:
        if has_internet == (record[name] == NO_INTERNET):
            expected = "'No' or 'Yes'" if has_internet else repr(NO_INTERNET)
            service = _spelt("InternetService", wire_names)
            raise ContractError(
                name, f"must be {expected} when {service} is {record['InternetService']!r}"
            )


def lever_variants(record: Record) -> list[tuple[Lever, Record]]:
    """The levers that apply to a canonical customer, each with the customer as it would be
    after the change (all else equal), checked against the contract like any customer."""
    return [
        (lever, normalize_record(record | {lever.field: lever.offer}))
        for lever in LEVERS
        if record[lever.field] in lever.applies_to
    ]


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
                "properties": {_spelt(field, wire_names): {"const": value}},
                "required": [_spelt(field, wire_names)],
            },
            "then": {
                "properties": {
                    _spelt(name, wire_names): {"const": level} for name, level in then.items()
                }
            },
            "else": {
                "properties": {_spelt(name, wire_names): {"enum": list(otherwise)} for name in then}
            },
        }

    return [
        when("PhoneService", "No", {"MultipleLines": NO_PHONE}, YES_NO),
        when("InternetService", "No", dict.fromkeys(INTERNET_ADDONS, NO_INTERNET), YES_NO),
    ]


@dataclass(frozen=True)
class Header:
    """A customer table's header as the contract reads it."""

    names: tuple[str, ...]
    """The column names, spaces around each removed: the keys to read its rows by."""
    ignored: tuple[str, ...]
    """The columns that are neither a field, the id nor the label (listed, never read)."""


class HeaderError(RefusedError, ValueError):
    """A file's header is not a customer table's; the message is one line."""


LabelUse = Literal["required", "optional", "ignored"]
"""What a reader does with the ``Churn`` column: needs it (training), reads it when present
(the UI's evaluation), or leaves it unread and lists it with the ignored columns (scoring)."""


def check_header(
    raw_names: Sequence[str], *, label: LabelUse, needs_id: bool, extra_columns: bool
) -> Header:
    """The one check of a customer CSV's header, for training, scoring and the UI: every
    field present once (the label and the id when asked), nothing unknown unless
    ``extra_columns``. Names are compared without the spaces around them, and the returned
    ``names`` are what rows must be read by (a header ``customerID, gender`` has ``gender``)."""
    names = tuple(name.strip() for name in raw_names)
    if problem := _delimiter_problem(names):
        raise HeaderError(problem)
    required = (
        *((ID_COLUMN,) if needs_id else ()),
        *FIELD_NAMES,
        *((LABEL_COLUMN,) if label == "required" else ()),
    )
    if missing := [name for name in required if name not in names]:
        raise HeaderError(f"missing column(s) {_some(missing)}")
    unknown = [name for name in names if name not in {*FIELD_NAMES, ID_COLUMN, LABEL_COLUMN}]
    if unknown and not extra_columns:
        raise HeaderError(f"unknown column(s) {_some(unknown)}")
    if repeated := sorted({name for name in names if names.count(name) > 1}):
        raise HeaderError(f"column(s) {_some(repeated)} appear twice")
    unread = {*unknown, *((LABEL_COLUMN,) if label == "ignored" else ())}
    return Header(names, tuple(name for name in names if name in unread))


def _some(names: Sequence[str], shown: int = 5) -> str:
    """Up to ``shown`` names quoted, and how many more."""
    more = len(names) - shown
    return ", ".join(map(repr, names[:shown])) + (f" and {more} more" if more > 0 else "")


def _delimiter_problem(header: Sequence[str]) -> str | None:
    """Why a CSV header read as one column is not the data set's: it is split by another
    separator (a spreadsheet export in another locale, say). None when it looks comma-separated."""
    if len(header) == 1:
        for delimiter, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "pipes")):
            if delimiter in header[0]:
                return f"the header is separated by {name}; the file must be comma-separated"
    return None


def label_to_int(raw: str) -> int:
    """Map the dataset's ``Churn`` column to 0/1."""
    if raw not in LABEL_VALUES:
        raise ContractError(LABEL_COLUMN, f"{raw!r} is not 'Yes' or 'No'")
    return int(raw == LABEL_POSITIVE)


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
