from __future__ import annotations

import pydantic
import pytest

from churn import contract
from churn.features import NumericFeature, OneHotFeature, PreprocessingSpec, Vectorizer
from tests.unit.test_contract import CUSTOMER


def spec(*features: OneHotFeature | NumericFeature) -> PreprocessingSpec:
    return PreprocessingSpec(features=features)


def test_vector_follows_the_spec_order() -> None:
    vectorizer = Vectorizer(
        spec(
            NumericFeature(source="tenure"),
            OneHotFeature(source="Contract", level="One year"),
            OneHotFeature(source="Contract", level="Month-to-month"),
        )
    )
    record = contract.normalize_record(CUSTOMER | {"tenure": 7})
    assert vectorizer.vector(record) == [7.0, 0.0, 1.0]


def test_a_level_the_spec_lacks_encodes_as_zeros() -> None:
    vectorizer = Vectorizer(spec(OneHotFeature(source="Contract", level="Two year")))
    assert vectorizer.vector(contract.normalize_record(CUSTOMER)) == [0.0]


def test_round_trip_through_json() -> None:
    original = spec(OneHotFeature(source="gender", level="Male"), NumericFeature(source="tenure"))
    assert PreprocessingSpec.model_validate_json(original.model_dump_json()) == original
    assert original.feature_names == ["gender=Male", "tenure"]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"features": []}, "at least 1 item"),
        ({"schema_version": 2, "features": [{"kind": "numeric", "source": "tenure"}]}, "1"),
        ({"features": [{"kind": "numeric", "source": "shoe_size"}]}, "not a contract field"),
        ({"features": [{"kind": "numeric", "source": "Contract"}]}, "categorical"),
        ({"features": [{"kind": "one_hot", "source": "tenure", "level": "1"}]}, "numeric"),
        ({"features": [{"kind": "one_hot", "source": "Contract", "level": "Weekly"}]}, "level"),
        ({"features": [{"kind": "numeric", "source": "tenure"}] * 2}, "twice"),
        ({"features": [{"kind": "numeric", "source": "tenure", "scale": 2}]}, "Extra inputs"),
        ({"features": [{"kind": "log", "source": "tenure"}]}, "does not match any"),
    ],
)
def test_a_broken_spec_is_rejected(document: dict[str, object], message: str) -> None:
    with pytest.raises(pydantic.ValidationError, match=message):
        PreprocessingSpec.model_validate(document)
