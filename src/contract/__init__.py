"""The feature contract: the 19 raw customer fields, their allowed values and rules.

This package is the single source of truth that training, scoring, the prediction API and
the UI import (as ``churn.contract``); nothing else lists the fields. It is pure Python (no
pandas) because the Lambda imports it on its cold-start path.

- ``fields``: the fields, their levels and ranges, the id and the label;
- ``rules``: one customer's canonical form and consistency, the label;
- ``header``: the one check of a customer CSV's header;
- ``levers``: the retention offers declared with the contract;
- ``published``: the rules as JSON Schema, and every field described.

The IBM Telco data has two quirks, handled here and nowhere else (``normalize_record``):

* ``SeniorCitizen`` is written as ``0``/``1`` while every other yes/no field says
  ``No``/``Yes``; the canonical form is ``No``/``Yes``.
* ``TotalCharges`` is a blank string for the 11 customers with ``tenure`` 0 (they have
  not been billed yet); the canonical value is ``0.0``.
"""

from churn.contract.fields import (
    CATEGORICAL_FIELDS,
    FIELD_NAMES,
    FIELDS,
    FIELDS_BY_NAME,
    ID_COLUMN,
    ID_MAX_LENGTH,
    INTERNET_ADDONS,
    LABEL_COLUMN,
    LABEL_POSITIVE,
    LABEL_VALUES,
    NO_INTERNET,
    NO_PHONE,
    NUMERIC_FIELDS,
    YES_NO,
    CategoricalField,
    Field,
    Group,
    NumericField,
    RawValue,
    Record,
)
from churn.contract.header import Header, HeaderError, LabelUse, check_header
from churn.contract.levers import ACTIONABLE_FIELDS, LEVERS, Lever, lever_variants
from churn.contract.published import consistency_json_schema, describe_contract
from churn.contract.rules import (
    ContractError,
    check_consistency,
    label_to_int,
    normalize_record,
)

__all__ = [
    "ACTIONABLE_FIELDS",
    "CATEGORICAL_FIELDS",
    "FIELDS",
    "FIELDS_BY_NAME",
    "FIELD_NAMES",
    "ID_COLUMN",
    "ID_MAX_LENGTH",
    "INTERNET_ADDONS",
    "LABEL_COLUMN",
    "LABEL_POSITIVE",
    "LABEL_VALUES",
    "LEVERS",
    "NO_INTERNET",
    "NO_PHONE",
    "NUMERIC_FIELDS",
    "YES_NO",
    "CategoricalField",
    "ContractError",
    "Field",
    "Group",
    "Header",
    "HeaderError",
    "LabelUse",
    "Lever",
    "NumericField",
    "RawValue",
    "Record",
    "check_consistency",
    "check_header",
    "consistency_json_schema",
    "describe_contract",
    "label_to_int",
    "lever_variants",
    "normalize_record",
]
