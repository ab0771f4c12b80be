"""The preprocessing spec: how one canonical customer becomes the model's feature vector.

Training fits its preprocessing with scikit-learn and exports this spec
(``preprocessing.json``); serving applies it here in pure Python, so the Lambda needs
neither pandas nor scikit-learn. A parity test holds the two to the same matrix.
"""

from __future__ import annotations

from typing import Annotated, Final, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from churn import contract

SPEC_SCHEMA_VERSION: Final = 1


class OneHotFeature(BaseModel):
    """1.0 when ``source`` equals ``level``, else 0.0 (unseen levels encode as all zeros)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["one_hot"] = "one_hot"
    source: str
    level: str


class NumericFeature(BaseModel):
    """The field's canonical value, as a float, unchanged (trees need no scaling)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["numeric"] = "numeric"
    source: str


Feature = Annotated[OneHotFeature | NumericFeature, Field(discriminator="kind")]


class PreprocessingSpec(BaseModel):
    """Schema of ``preprocessing.json``; loading it checks it against the contract."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    schema_version: Literal[1] = SPEC_SCHEMA_VERSION
    features: tuple[Feature, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _matches_contract(self) -> Self:
        seen: set[tuple[str, str]] = set()
        for feature in self.features:
            field = contract.FIELDS_BY_NAME.get(feature.source)
            if field is None:
                raise ValueError(f"feature source {feature.source!r} is not a contract field")
            if isinstance(feature, OneHotFeature):
                if not isinstance(field, contract.CategoricalField):
                    raise ValueError(f"{feature.source!r} is numeric; it cannot be one-hot")
                if feature.level not in field.levels:
                    raise ValueError(f"{feature.level!r} is not a level of {feature.source!r}")
                identity = (feature.source, feature.level)
            else:
                if not isinstance(field, contract.NumericField):
                    raise ValueError(f"{feature.source!r} is categorical, not numeric")
                identity = (feature.source, "")
            if identity in seen:
                raise ValueError(f"feature {identity} appears twice")
            seen.add(identity)
        return self

    @property
    def feature_names(self) -> list[str]:
        return [
            f"{f.source}={f.level}" if isinstance(f, OneHotFeature) else f.source
            for f in self.features
        ]


class Vectorizer:
    """Applies a spec to canonical records; builds its lookup tables once."""

    def __init__(self, spec: PreprocessingSpec) -> None:
        self.width = len(spec.features)
        self._one_hot: dict[str, dict[str, int]] = {}
        self._numeric: list[tuple[str, int]] = []
        for index, feature in enumerate(spec.features):
            if isinstance(feature, OneHotFeature):
                self._one_hot.setdefault(feature.source, {})[feature.level] = index
            else:
                self._numeric.append((feature.source, index))

    def vector(self, record: contract.Record) -> list[float]:
        """The feature vector of one customer already checked by ``contract``."""
        values = [0.0] * self.width
        for source, positions in self._one_hot.items():
            position = positions.get(str(record[source]))
            if position is not None:
                values[position] = 1.0
        for source, position in self._numeric:
            values[position] = float(record[source])
        return values
