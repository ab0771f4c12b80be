"""The customer model, field by field: what the builders in ``churn.api.schemas`` make of
the contract. The served ``Customer`` is built once, at import; the same builders are run
again here (``rebuilt``), so a change to them is seen by these tests too."""

from __future__ import annotations

import math
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError, create_model

from churn import contract
from churn.api import schemas

VALID: dict[str, Any] = dict(schemas.EXAMPLES[0])


# Built for each test, not once per module: mutation testing credits a builder's call to
# the test running when it happens, and runs only those tests against its mutants.
@pytest.fixture(params=["served", "rebuilt"])
def model(request: pytest.FixtureRequest) -> type[BaseModel]:
    if request.param == "served":
        return schemas.Customer
    return create_model(
        "Rebuilt",
        __base__=schemas.CustomerBase,
        customerID=schemas._CUSTOMER_ID,
        **schemas._field_definitions(),
    )


def refusal(model: type[BaseModel], **change: Any) -> list[tuple[str, str]]:
    """(field, pydantic error type) for each error of VALID with ``change``; [] if valid."""
    try:
        model.model_validate(VALID | change)
    except ValidationError as error:
        return [(".".join(map(str, e["loc"][:1])), e["type"]) for e in error.errors()]
    return []


def test_a_real_customer_is_valid(model: type[BaseModel]) -> None:
    assert refusal(model) == []


@pytest.mark.parametrize("field", contract.NUMERIC_FIELDS, ids=lambda f: f.name)
def test_a_number_is_held_to_its_bounds(
    model: type[BaseModel], field: contract.NumericField
) -> None:
    step = 1 if field.integer else 0.01
    assert refusal(model, **{field.name: field.minimum}) == []
    assert refusal(model, **{field.name: field.maximum}) == []
    assert refusal(model, **{field.name: field.minimum - step}) == [
        (field.name, "greater_than_equal")
    ]
    assert refusal(model, **{field.name: field.maximum + step}) == [(field.name, "less_than_equal")]


@pytest.mark.parametrize("field", ["MonthlyCharges", "TotalCharges"])
@pytest.mark.parametrize("value", [math.nan, math.inf])
def test_a_charge_must_be_a_finite_number(model: type[BaseModel], field: str, value: float) -> None:
    assert refusal(model, **{field: value}) == [(field, "finite_number")]


@pytest.mark.parametrize(
    ("value", "accepted"),
    [(12, 12), (12.0, 12), (12.5, None), ("12", None), (True, None)],
)
def test_tenure_is_a_whole_number_and_nothing_else(
    model: type[BaseModel], value: object, accepted: int | None
) -> None:
    """3.0 is a whole number in JSON; 3.5, "3" and true are not numbers of months."""
    if accepted is None:
        assert [field for field, _ in refusal(model, tenure=value)] == ["tenure"]
    else:
        parsed = model.model_validate(VALID | {"tenure": value})
        assert parsed.model_dump()["tenure"] == accepted
        assert type(parsed.model_dump()["tenure"]) is int


@pytest.mark.parametrize("field", contract.CATEGORICAL_FIELDS, ids=lambda f: f.name)
def test_a_category_takes_its_levels_exactly(
    model: type[BaseModel], field: contract.CategoricalField
) -> None:
    base = contract.normalize_record(VALID)
    for level in field.levels:
        change = {field.name: level}
        try:
            contract.check_consistency(base | change)
        except contract.ContractError:
            continue  # a level the example's other answers rule out (checked elsewhere)
        assert refusal(model, **change) == []
    assert field.name in [f for f, _ in refusal(model, **{field.name: field.levels[0].swapcase()})]
    # Only SeniorCitizen has the data set's 0/1 spelling.
    refused = [f for f, _ in refusal(model, **{field.name: 1})]
    assert (field.name in refused) is (field.name != "SeniorCitizen")


@pytest.mark.parametrize(("value", "canonical"), [(0, "No"), (1, "Yes"), ("Yes", "Yes")])
def test_senior_citizen_takes_the_data_sets_codes(
    model: type[BaseModel], value: object, canonical: str
) -> None:
    parsed = model.model_validate(VALID | {"SeniorCitizen": value})
    assert parsed.record()["SeniorCitizen"] == canonical  # type: ignore[attr-defined]


@pytest.mark.parametrize("value", [2, -1, 0.5, True, "1"])
def test_senior_citizen_refuses_other_codes(model: type[BaseModel], value: object) -> None:
    assert "SeniorCitizen" in [f for f, _ in refusal(model, SeniorCitizen=value)]


@pytest.mark.parametrize(
    ("value", "refused"),
    [(None, False), ("c", False), ("c" * 64, False), ("", True), ("c" * 65, True)],
)
def test_the_customer_id_is_optional_and_short(
    model: type[BaseModel], value: str | None, refused: bool
) -> None:
    assert bool(refusal(model, customerID=value)) is refused
    sent = {k: v for k, v in VALID.items() if k != contract.ID_COLUMN}
    assert getattr(model.model_validate(sent), contract.ID_COLUMN) is None


def test_the_schema_describes_every_field_from_the_contract(model: type[BaseModel]) -> None:
    properties = model.model_json_schema()["properties"]
    assert properties[contract.ID_COLUMN]["description"] == "Your id for the customer."
    for field in contract.FIELDS:
        assert properties[field.name]["description"] == field.description


def test_the_original_model_is_built_under_the_original_names() -> None:
    """Rebuilt here (the served one is built at import, which no test is credited with):
    the camelCase names validate, the contract's are unknown fields, and an example in the
    original shape says seniorCitizen as "Yes"/"No"."""
    original = create_model(
        "RebuiltOriginal",
        __base__=schemas.OriginalCustomerBase,
        **schemas._field_definitions(schemas.ORIGINAL_NAMES),
    )
    example = schemas._original_example(schemas.EXAMPLES[0])
    assert set(example) == set(schemas.ORIGINAL_NAMES.values())
    assert example["seniorCitizen"] == "No" and example["monthlyCharges"] == 29.85
    assert original.model_validate(example).record() == contract.normalize_record(VALID)
    with pytest.raises(ValidationError) as refused:
        original.model_validate(VALID)
    found = {(str(error["loc"][0]), error["type"]) for error in refused.value.errors()}
    assert {("SeniorCitizen", "extra_forbidden"), ("seniorCitizen", "missing")} <= found
