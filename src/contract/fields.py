"""The 19 raw customer fields, their allowed values and ranges, and the names of the
other columns of the data set (the id and the label): the table every other part reads."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

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


RawValue = str | int | float | None
Record = dict[str, str | float]
"""A customer in canonical form: categorical fields as str, whole-number fields as int,
other numeric fields as float. JSON-ready: it is also what the API accepts."""
