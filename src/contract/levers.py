"""Retention levers: the changes the company can offer a customer, declared with the
contract, and the customer as each would leave them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from churn.contract.fields import Record
from churn.contract.rules import normalize_record


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


def lever_variants(record: Record) -> list[tuple[Lever, Record]]:
    """The levers that apply to a canonical customer, each with the customer as it would be
    after the change (all else equal), checked against the contract like any customer."""
    return [
        (lever, normalize_record(record | {lever.field: lever.offer}))
        for lever in LEVERS
        if record[lever.field] in lever.applies_to
    ]
