from __future__ import annotations

import math

import pytest

from churn import contract

CUSTOMER: dict[str, contract.RawValue] = {
    "gender": "Female",
    "SeniorCitizen": 0,
    "Partner": "Yes",
    "Dependents": "No",
    "tenure": 1,
    "PhoneService": "No",
    "MultipleLines": "No phone service",
    "InternetService": "DSL",
    "OnlineSecurity": "No",
    "OnlineBackup": "Yes",
    "DeviceProtection": "No",
    "TechSupport": "No",
    "StreamingTV": "No",
    "StreamingMovies": "No",
    "Contract": "Month-to-month",
    "PaperlessBilling": "Yes",
    "PaymentMethod": "Electronic check",
    "MonthlyCharges": 29.85,
    "TotalCharges": "29.85",
}


def test_there_are_nineteen_fields_in_the_data_sets_order() -> None:
    assert len(contract.FIELDS) == 19
    assert contract.FIELD_NAMES[0] == "gender"
    assert contract.FIELD_NAMES[-1] == "TotalCharges"
    assert contract.ID_COLUMN not in contract.FIELD_NAMES
    assert contract.LABEL_COLUMN not in contract.FIELD_NAMES


def test_a_real_customer_normalizes_to_canonical_types() -> None:
    record = contract.normalize_record(CUSTOMER)
    assert record["SeniorCitizen"] == "No"
    assert record["TotalCharges"] == pytest.approx(29.85)
    assert record["tenure"] == 1 and isinstance(record["tenure"], int)
    assert list(record) == list(contract.FIELD_NAMES)


@pytest.mark.parametrize(("raw", "canonical"), [(0, "No"), (1, "Yes"), ("1", "Yes"), ("No", "No")])
def test_senior_citizen_accepts_the_data_sets_codes(raw: contract.RawValue, canonical: str) -> None:
    assert (
        contract.normalize_record(CUSTOMER | {"SeniorCitizen": raw})["SeniorCitizen"] == canonical
    )


def test_blank_total_charges_is_zero_only_at_tenure_zero() -> None:
    fresh = contract.normalize_record(CUSTOMER | {"tenure": "0", "TotalCharges": " "})
    assert fresh["TotalCharges"] == 0.0
    with pytest.raises(contract.ContractError, match="TotalCharges: ' ' is not a number"):
        contract.normalize_record(CUSTOMER | {"TotalCharges": " "})


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"gender": "Other"}, "gender", "is not one of 'Female', 'Male'"),
        ({"tenure": "abc"}, "tenure", "is not a number"),
        ({"tenure": 1.5}, "tenure", "not a whole number"),
        ({"tenure": -1}, "tenure", "outside 0..120"),
        ({"MonthlyCharges": math.nan}, "MonthlyCharges", "not a finite number"),
        ({"MonthlyCharges": math.inf}, "MonthlyCharges", "not a finite number"),
        ({"TotalCharges": -5}, "TotalCharges", "outside"),
        ({"MonthlyCharges": True}, "MonthlyCharges", "expected a number"),
        ({"Contract": None}, "Contract", "expected text, got nothing"),
        ({"SeniorCitizen": 2}, "SeniorCitizen", "expected text"),
        ({"MultipleLines": "No"}, "MultipleLines", "must be 'No phone service'"),
        ({"PhoneService": "Yes"}, "MultipleLines", "must be 'No' or 'Yes' when PhoneService"),
        ({"InternetService": "No"}, "OnlineSecurity", "must be 'No internet service'"),
        ({"StreamingTV": "No internet service"}, "StreamingTV", "must be 'No' or 'Yes'"),
    ],
)
def test_violations_name_the_field(
    change: dict[str, contract.RawValue], field: str, message: str
) -> None:
    with pytest.raises(contract.ContractError) as caught:
        contract.normalize_record(CUSTOMER | change)
    assert caught.value.field == field
    assert message in caught.value.message


@pytest.mark.parametrize("addon", contract.INTERNET_ADDONS)
def test_every_internet_addon_is_checked_both_ways(addon: str) -> None:
    """Each add-on on its own: "No internet service" with internet, and a real answer
    without it, are both refused, naming that add-on."""
    with pytest.raises(contract.ContractError) as caught:
        contract.normalize_record(CUSTOMER | {addon: contract.NO_INTERNET})
    assert caught.value.field == addon
    offline = (
        CUSTOMER
        | {"InternetService": "No"}
        | dict.fromkeys(contract.INTERNET_ADDONS, contract.NO_INTERNET)
    )
    with pytest.raises(contract.ContractError) as caught:
        contract.normalize_record(offline | {addon: "Yes"})
    assert caught.value.field == addon


def test_the_internet_addons_are_the_six_services() -> None:
    assert set(contract.INTERNET_ADDONS) == {
        "OnlineSecurity", "OnlineBackup", "DeviceProtection",
        "TechSupport", "StreamingTV", "StreamingMovies",
    }  # fmt: skip


def test_a_missing_field_is_named() -> None:
    raw = {name: value for name, value in CUSTOMER.items() if name != "Contract"}
    with pytest.raises(contract.ContractError, match="Contract: is missing"):
        contract.normalize_record(raw)


def test_no_internet_customer_is_consistent() -> None:
    offline = (
        CUSTOMER
        | {"InternetService": "No"}
        | dict.fromkeys(contract.INTERNET_ADDONS, contract.NO_INTERNET)
    )
    assert contract.normalize_record(offline)["OnlineBackup"] == contract.NO_INTERNET


def test_label_mapping() -> None:
    assert [contract.label_to_int(v) for v in ("No", "Yes")] == [0, 1]
    with pytest.raises(contract.ContractError, match="Churn: 'maybe'"):
        contract.label_to_int("maybe")


def test_description_lists_every_field_with_its_domain() -> None:
    described = {entry["name"]: entry for entry in contract.describe_contract()}
    assert list(described) == list(contract.FIELD_NAMES)
    assert described["Contract"]["levels"] == ["Month-to-month", "One year", "Two year"]
    assert described["tenure"]["kind"] == "integer"
    assert described["MonthlyCharges"]["unit"] == "USD"
