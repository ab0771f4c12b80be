"""Request and response models. The customer model is generated from the contract, so the
API validates exactly what training validated: same fields, levels, ranges and rules."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, ClassVar, Final, Literal, cast

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    create_model,
    model_validator,
)
from pydantic_core import PydanticCustomError

from churn import contract
from churn.api.bounds import INCONSISTENT, MAX_ANSWER_ERRORS, MAX_ROW_ERRORS
from churn.bands import RiskBand

MAX_BATCH_ROWS: Final = 1_000
EXAMPLES: Final = json.loads((Path(__file__).with_name("examples.json")).read_text())
"""Real customers from the IBM Telco data (a test checks each is in the data set)."""
# The field names of the API this project reimplements (`POST /v1/predict`, camelCase),
# mapped onto the contract's. The mapping is all there is of that API's contract: its
# customers are validated by the same generated model, only under these names.
ORIGINAL_NAMES: Final = {
    "gender": "gender",
    "SeniorCitizen": "seniorCitizen",
    "Partner": "partner",
    "Dependents": "dependents",
    "tenure": "tenure",
    "PhoneService": "phoneService",
    "MultipleLines": "multipleLines",
    "InternetService": "internetService",
    "OnlineSecurity": "onlineSecurity",
    "OnlineBackup": "onlineBackup",
    "DeviceProtection": "deviceProtection",
    "TechSupport": "techSupport",
    "StreamingTV": "streamingTV",
    "StreamingMovies": "streamingMovies",
    "Contract": "contract",
    "PaperlessBilling": "paperlessBilling",
    "PaymentMethod": "paymentMethod",
    "MonthlyCharges": "monthlyCharges",
    "TotalCharges": "totalCharges",
}


def _whole_float_as_int(value: Any) -> Any:
    # JSON (and JSON Schema) count 65.0 as an integer; strict mode alone would refuse it.
    if type(value) is float and value.is_integer():
        return int(value)
    return value


def _whole_number(minimum: float, maximum: float) -> Any:
    """An int in [minimum, maximum]; 3.0 passes as 3, while 3.5, "3" and true do not."""
    bounds = Field(ge=minimum, le=maximum)  # strict: the model is (CustomerBase)
    return Annotated[int, bounds, BeforeValidator(_whole_float_as_int)]


def _categorical(field: contract.CategoricalField) -> Any:
    levels = cast(Any, Literal)[field.levels]  # a Literal of the contract's levels
    if field.name == "SeniorCitizen":
        return levels | _whole_number(0, 1)  # the data set writes it as 0/1
    return levels


def _numeric(field: contract.NumericField) -> Any:
    if field.integer:
        return _whole_number(field.minimum, field.maximum)
    return Annotated[float, Field(ge=field.minimum, le=field.maximum, allow_inf_nan=False)]


def _field_definitions(aliases: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The contract's fields as pydantic fields; under ``aliases`` (the wire names) if given."""
    definitions: dict[str, Any] = {}
    for field in contract.FIELDS:
        annotation = (
            _categorical(field) if isinstance(field, contract.CategoricalField) else _numeric(field)
        )
        alias = aliases[field.name] if aliases else None
        definitions[field.name] = (annotation, Field(alias=alias, description=field.description))
    return definitions


_CUSTOMER_ID: Final[tuple[Any, Any]] = (
    str | None,
    Field(
        None,
        min_length=1,
        max_length=contract.ID_MAX_LENGTH,
        description="Your id for the customer.",
    ),
)


class CustomerBase(BaseModel):
    # strict: no "12" for a number, no true for 1; forbid: an unknown field is an error.
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": EXAMPLES[:1],
            "allOf": cast(list[JsonValue], contract.consistency_json_schema()),
        },
    )

    # The name a client knows each field by, in errors (the contract's own by default).
    wire_names: ClassVar[Mapping[str, str]] = {name: name for name in contract.FIELD_NAMES}

    @model_validator(mode="after")
    def _consistent(self) -> CustomerBase:
        try:
            contract.check_consistency(self.model_dump(), self.wire_names)
        except contract.ContractError as error:
            field = self.wire_names[error.field]
            raise PydanticCustomError(
                INCONSISTENT, "{message}", {"field": field, "message": error.message}
            ) from None
        return self

    def record(self) -> contract.Record:
        """The canonical form the preprocessing spec expects."""
        return contract.normalize_record(self.model_dump(exclude={contract.ID_COLUMN}))


Customer: type[CustomerBase] = create_model(
    "Customer",
    __base__=CustomerBase,
    __doc__="One customer: the 19 fields of the feature contract, and an optional id.",
    customerID=_CUSTOMER_ID,
    **_field_definitions(),
)


def _original_example(customer: Mapping[str, Any]) -> dict[str, Any]:
    original = {ORIGINAL_NAMES[name]: customer[name] for name in contract.FIELD_NAMES}
    # The original API took seniorCitizen as "Yes"/"No" (the data set's 0/1 also passes).
    return original | {"seniorCitizen": contract.normalize_record(customer)["SeniorCitizen"]}


ORIGINAL_EXAMPLES: Final = [_original_example(example) for example in EXAMPLES]


class OriginalCustomerBase(CustomerBase):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": cast(list[JsonValue], ORIGINAL_EXAMPLES[:1]),
            "allOf": cast(list[JsonValue], contract.consistency_json_schema(ORIGINAL_NAMES)),
        },
    )
    wire_names: ClassVar[Mapping[str, str]] = ORIGINAL_NAMES


OriginalCustomer: type[CustomerBase] = create_model(
    "OriginalCustomer",
    __base__=OriginalCustomerBase,
    __doc__="One customer as the original API took it: the contract's 19 fields in camelCase.",
    **_field_definitions(ORIGINAL_NAMES),
)


class OriginalPrediction(BaseModel):
    """The original API's answer, unchanged."""

    churn_probability: float = Field(ge=0, le=1, description="Estimated probability of churn.")
    will_churn: bool = Field(description="True when the probability reaches the threshold.")


DEFAULT_DRIVERS: Final = 5


class FieldDriver(BaseModel):
    field: str = Field(description="The contract field.")
    label: str = Field(description="The field in plain words.")
    value: str | int | float = Field(description="The customer's value of the field.")
    contribution: float = Field(
        description="The field's share of the log-odds: positive pushes towards churn."
    )


class Explanation(BaseModel):
    """Why: exact TreeSHAP contributions of the customer's fields to the model's log-odds.
    base_value + the drivers' contributions + other_fields = margin, and
    1 / (1 + exp(-margin)) = churn_probability. Correlation learnt by a model, not causes."""

    base_value: float = Field(description="The model's expected log-odds over its training data.")
    drivers: list[FieldDriver] = Field(description="The fields that moved it most, largest first.")
    other_fields: float = Field(description="The summed contributions of the fields not listed.")
    margin: float = Field(description="The customer's log-odds.")


class Lever(BaseModel):
    field: str
    label: str = Field(description="The field in plain words.")
    value: str = Field(description="The customer's value today.")
    offer: str = Field(description="The value the lever sets.")
    description: str = Field(description='What the offer is, e.g. "switch to a one-year contract".')
    churn_probability: float = Field(ge=0, le=1, description="The probability after the change.")
    change: float = Field(lt=0, description="New probability minus today's: negative.")


class Levers(BaseModel):
    """What if: the changes declared actionable in the contract that would lower this
    customer's probability most, all else equal, as the model sees it."""

    customerID: str | None = Field(None, description="The id sent with the customer, if any.")
    churn_probability: float = Field(ge=0, le=1, description="The probability today.")
    model_version: str
    levers: list[Lever] = Field(description="Largest drop first; empty when none lowers it.")


class Prediction(BaseModel):
    customerID: str | None = Field(None, description="The id sent with the customer, if any.")
    churn_probability: float = Field(ge=0, le=1, description="Estimated probability of churn.")
    churn: bool = Field(description="True when the probability reaches the model's threshold.")
    risk_band: RiskBand = Field(
        description="low: below the threshold; medium: at or above it but below 0.5; "
        "high: 0.5 or more (and at or above the threshold)."
    )
    threshold: float = Field(ge=0, le=1, description="The model's decision threshold.")
    model_version: str = Field(description="The bundle version that answered.")
    explanation: Explanation | None = Field(None, description="Present unless explain=none.")


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # Rows are validated one by one in the route, so one bad row cannot sink the others:
    # any object is taken, and one that is not a valid Customer is rejected in `results`.
    customers: list[dict[str, Any]] = Field(
        min_length=1,
        max_length=MAX_BATCH_ROWS,
        description=f"Up to {MAX_BATCH_ROWS} customers, answered in this order; a row that "
        "is not a valid Customer is rejected on its own, with its errors.",
        json_schema_extra={
            "items": {"anyOf": [{"$ref": "#/components/schemas/Customer"}, {"type": "object"}]}
        },
    )


class FieldError(BaseModel):
    field: str = Field(description="The offending field, or 'body' for the row as a whole.")
    message: str


class BatchRow(BaseModel):
    row: int = Field(ge=0, description="Position in the request, from 0.")
    prediction: Prediction | None = None
    errors: list[FieldError] | None = Field(
        None, description=f"Why the row was rejected: at most {MAX_ROW_ERRORS} of its errors."
    )
    errors_omitted: int | None = Field(
        None, ge=1, description="The row's errors not listed (the answer's size is bounded)."
    )


class BatchResponse(BaseModel):
    model_version: str
    scored: int = Field(ge=0)
    rejected: int = Field(ge=0)
    errors_omitted: int | None = Field(
        None,
        ge=1,
        description=f"Errors left out of the rows' lists: each row lists at most "
        f"{MAX_ROW_ERRORS}, the whole answer at most {MAX_ANSWER_ERRORS:,}.",
    )
    results: list[BatchRow]


class ErrorBody(BaseModel):
    """Every error the API returns: one readable line, plus the fields when it was input."""

    message: str
    detail: list[dict[str, Any]] | None = None
