from __future__ import annotations

import json
import math
from typing import Any

import jsonschema
import pytest

from churn import contract
from churn.contract import fields

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
        ({"Contract": 12}, "Contract", "expected text, got int 12"),
        ({"MonthlyCharges": [5]}, "MonthlyCharges", "expected a number, got list [5]"),
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


def test_description_says_each_fields_group_description_and_bounds() -> None:
    described = {entry["name"]: entry for entry in contract.describe_contract()}
    for field in contract.FIELDS:
        assert described[field.name]["group"] == field.group.value
        assert described[field.name]["description"] == field.description
    assert described["MonthlyCharges"] == {
        "name": "MonthlyCharges",
        "label": "Monthly charges",
        "group": "billing",
        "description": "The amount charged to the customer each month.",
        "actionable": False,
        "kind": "number",
        "minimum": 0,
        "maximum": 1_000,
        "unit": "USD",
    }
    assert described["gender"] == {
        "name": "gender",
        "label": "Gender",
        "group": "account",
        "description": "The customer's gender.",
        "actionable": False,
        "kind": "categorical",
        "levels": ["Female", "Male"],
    }


def test_an_addon_is_a_yes_no_service_that_needs_internet() -> None:
    assert fields._addon("StreamingTV", "streaming TV") == contract.CategoricalField(
        "StreamingTV",
        "Streaming TV",
        ("No", "Yes", "No internet service"),
        contract.Group.SERVICES,
        "Whether the customer has streaming TV.",
    )


def dependent_values() -> list[dict[str, str]]:
    """Every combination of a service and its dependent field: the phone line with
    MultipleLines, and internet with each add-on in turn (the others left consistent)."""
    combos = [
        {"PhoneService": phone, "MultipleLines": lines}
        for phone in ("No", "Yes")
        for lines in ("No", "Yes", contract.NO_PHONE)
    ]
    for internet in ("DSL", "Fiber optic", "No"):
        others = contract.NO_INTERNET if internet == "No" else "No"
        for addon in contract.INTERNET_ADDONS:
            for value in ("No", "Yes", contract.NO_INTERNET):
                combos.append(
                    {"InternetService": internet}
                    | dict.fromkeys(contract.INTERNET_ADDONS, others)
                    | {addon: value}
                )
    return combos


@pytest.mark.parametrize("change", dependent_values(), ids=lambda c: "/".join(c.values()))
def test_the_json_schema_rules_accept_exactly_what_the_contract_accepts(
    change: dict[str, str],
) -> None:
    """The published rules (what a client's validator enforces) and ``check_consistency``
    (what the API enforces) agree on every combination of dependent values."""
    record = contract.normalize_record(CUSTOMER) | change
    validator = jsonschema.Draft202012Validator({"allOf": contract.consistency_json_schema()})
    try:
        contract.check_consistency(record)
    except contract.ContractError:
        assert not validator.is_valid(record)
    else:
        assert validator.is_valid(record)


@pytest.mark.parametrize("change", dependent_values(), ids=lambda c: "/".join(c.values()))
def test_the_json_schema_rules_under_wire_names_judge_as_the_contract_does(
    change: dict[str, str],
) -> None:
    """An API that renames the fields publishes the same rules under its names, and its
    messages name its fields: only the wire names appear."""
    wire = {name: f"wire_{name}" for name in contract.FIELD_NAMES}
    record = contract.normalize_record(CUSTOMER) | change
    renamed = {wire[name]: value for name, value in record.items()}
    rules = contract.consistency_json_schema(wire)
    assert not {name for rule in rules for name in json.dumps(rule).split('"')} & set(
        contract.FIELD_NAMES
    )
    validator = jsonschema.Draft202012Validator({"allOf": rules})
    try:
        contract.check_consistency(record, wire)
    except contract.ContractError as error:
        assert not validator.is_valid(renamed)
        assert " wire_PhoneService " in error.message or " wire_InternetService " in error.message
    else:
        assert validator.is_valid(renamed)


@pytest.mark.parametrize("field", ["Partner", "Dependents", "PhoneService", "PaperlessBilling"])
@pytest.mark.parametrize("raw", ["1", "0", 1, 0])
def test_only_senior_citizen_takes_the_data_sets_0_and_1(field: str, raw: str | int) -> None:
    with pytest.raises(contract.ContractError) as refused:
        contract.normalize_record(CUSTOMER | {field: raw})
    assert refused.value.field == field


@pytest.mark.parametrize("field", contract.NUMERIC_FIELDS, ids=lambda f: f.name)
def test_a_number_at_either_bound_is_accepted(field: contract.NumericField) -> None:
    for bound in (field.minimum, field.maximum):
        raw = CUSTOMER | {field.name: bound, "tenure": 1 if field.name != "tenure" else bound}
        assert contract.normalize_record(raw)[field.name] == bound


@pytest.mark.parametrize(
    ("service", "dependents"),
    [("PhoneService", ("MultipleLines",)), ("InternetService", contract.INTERNET_ADDONS)],
)
def test_a_rule_applies_its_service_branch_only_when_the_service_is_sent(
    service: str, dependents: tuple[str, ...]
) -> None:
    """A partial document without the service field is held to the "has the service"
    branch (a real answer), not the "No" branch: the rule's ``if`` requires the field."""
    validator = jsonschema.Draft202012Validator({"allOf": contract.consistency_json_schema()})
    assert validator.is_valid(dict.fromkeys(dependents, "No"))
    assert not validator.is_valid({dependents[-1]: contract.NO_PHONE if service == "PhoneService"
                                   else contract.NO_INTERNET})  # fmt: skip


def test_labels_are_plain_words_one_per_field() -> None:
    labels = [field.label for field in contract.FIELDS]
    assert len(set(labels)) == len(labels)
    assert contract.FIELDS_BY_NAME["SeniorCitizen"].label == "Senior citizen"
    assert contract.FIELDS_BY_NAME["TechSupport"].label == "Tech support"
    for field in contract.FIELDS:
        words = sum(1 for letter in field.name[1:] if letter.isupper() and letter != "V")
        assert field.label[0].isupper() and field.label.count(" ") == words, field


def test_levers_offer_only_what_a_company_can_change() -> None:
    assert {
        "Contract", "PaymentMethod", "OnlineSecurity", "TechSupport", "OnlineBackup",
        "DeviceProtection",
    } == contract.ACTIONABLE_FIELDS  # fmt: skip
    for lever in contract.LEVERS:
        field = contract.FIELDS_BY_NAME[lever.field]
        assert isinstance(field, contract.CategoricalField)
        assert lever.offer in field.levels and set(lever.applies_to) <= set(field.levels)
        assert lever.offer not in lever.applies_to
    described = {entry["name"]: entry["actionable"] for entry in contract.describe_contract()}
    assert {name for name, actionable in described.items() if actionable} == {
        lever.field for lever in contract.LEVERS
    }


def test_every_lever_variant_of_every_customer_is_a_valid_customer(
    customers: list[dict[str, Any]],
) -> None:
    """On all 7,043 customers: each variant changes the lever's field alone, to the offer,
    and passes the contract (its consistency rules included)."""
    counted = dict.fromkeys(contract.LEVERS, 0)
    for raw in customers:
        record = contract.normalize_record(raw)
        variants = contract.lever_variants(record)
        assert [lever for lever, _ in variants] == [
            lever for lever in contract.LEVERS if record[lever.field] in lever.applies_to
        ]
        for lever, variant in variants:
            counted[lever] += 1
            changed = {name for name in contract.FIELD_NAMES if variant[name] != record[name]}
            assert changed == {lever.field} and variant[lever.field] == lever.offer
            assert contract.normalize_record(variant) == variant
    assert all(counted.values()), counted  # every lever applies to some real customer


def test_a_customer_without_internet_is_offered_no_add_on(customers: list[dict[str, Any]]) -> None:
    offline = next(c for c in customers if c["InternetService"] == "No")
    offered = {
        lever.field for lever, _ in contract.lever_variants(contract.normalize_record(offline))
    }
    assert not offered & set(contract.INTERNET_ADDONS)


HEADER = (contract.ID_COLUMN, *contract.FIELD_NAMES, contract.LABEL_COLUMN)


def test_the_header_check_reads_names_without_their_spaces() -> None:
    header = contract.check_header(
        [f" {name} " for name in HEADER], label="required", needs_id=True, extra_columns=False
    )
    assert header.names == HEADER and header.ignored == ()


@pytest.mark.parametrize(
    ("names", "options", "message"),
    [
        (HEADER[:-1], {"label": "required"}, "missing column(s) 'Churn'"),
        (HEADER[1:], {"needs_id": True}, "missing column(s) 'customerID'"),
        (
            HEADER[8:],
            {},
            "missing column(s) 'gender', 'SeniorCitizen', 'Partner', "
            "'Dependents', 'tenure' and 2 more",
        ),
        ((*HEADER, "Region"), {"extra_columns": False}, "unknown column(s) 'Region'"),
        ((*HEADER, " tenure"), {}, "column(s) 'tenure' appear twice"),
        ((";".join(HEADER),), {}, "the header is separated by semicolons"),
        (("\t".join(HEADER),), {}, "the header is separated by tabs"),
        (("|".join(HEADER),), {}, "the header is separated by pipes"),
    ],
)
def test_a_header_that_is_not_a_customer_tables_is_refused_in_one_line(
    names: tuple[str, ...], options: dict[str, Any], message: str
) -> None:
    arguments: dict[str, Any] = {"label": "optional", "needs_id": False, "extra_columns": True}
    with pytest.raises(contract.HeaderError) as refused:
        contract.check_header(names, **(arguments | options))
    assert str(refused.value).startswith(message)


@pytest.mark.parametrize(
    ("label", "ignored"), [("ignored", ("Churn", "Region")), ("optional", ("Region",))]
)
def test_the_columns_a_reader_leaves_unread_are_listed(
    label: contract.LabelUse, ignored: tuple[str, ...]
) -> None:
    header = contract.check_header(
        (*HEADER, "Region"), label=label, needs_id=False, extra_columns=True
    )
    assert header.ignored == ignored


def test_without_the_label_asked_for_a_header_without_it_passes() -> None:
    assert (
        contract.check_header(
            HEADER[:-1], label="optional", needs_id=False, extra_columns=False
        ).names
        == HEADER[:-1]
    )
