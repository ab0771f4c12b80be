"""Reference distributions and the population stability index (PSI).

Training writes what the model learned from into the bundle (``reference.json``): for each
contract field, the shares of its categorical levels or of ten numeric bins, and the
distribution of the model's scores on customers it never saw. Every scoring run counts its
customers into the same bins and measures how far they have moved. Serverless SageMaker
endpoints have no data capture and no Model Monitor, so this is the project's monitoring.

PSI = sum over bins of (actual share - expected share) * ln(actual share / expected share);
by the usual reading, under 0.1 is stable, 0.1 to 0.25 worth watching, 0.25 or more a shift
to act on (retrain).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from typing import Annotated, Final, Literal, Self

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from churn import bands, contract

REFERENCE_SCHEMA_VERSION: Final = 1
NUMERIC_BINS: Final = 10
WATCH_FROM: Final = 0.1
ACT_FROM: Final = 0.25
# An empty bin is counted as this share on either side, so PSI stays finite where a level
# was never seen in training (or vanished from the scored base).
SHARE_FLOOR: Final = 1e-4
SHARE_TOLERANCE: Final = 1e-6

Counts = npt.NDArray[np.int64]


class _Shares(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    shares: tuple[float, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _sum_to_one(self) -> Self:
        if any(share < 0 for share in self.shares) or not math.isclose(
            math.fsum(self.shares), 1.0, abs_tol=SHARE_TOLERANCE
        ):
            raise ValueError("shares must be non-negative and sum to 1")
        return self


class NumericReference(_Shares):
    """Shares of ``len(edges) + 1`` bins: bin i holds edges[i-1] < value <= edges[i]."""

    kind: Literal["numeric"] = "numeric"
    edges: tuple[float, ...]

    @model_validator(mode="after")
    def _bins_match(self) -> Self:
        if len(self.shares) != len(self.edges) + 1:
            raise ValueError("a numeric reference needs one share more than it has edges")
        if any(low >= high for low, high in itertools.pairwise(self.edges)):
            raise ValueError("edges must increase strictly")
        return self

    def counts(self, values: npt.NDArray[np.float64]) -> Counts:
        return bin_counts(self.edges, values)


class CategoricalReference(_Shares):
    """Shares of the contract's levels, in the contract's order."""

    kind: Literal["categorical"] = "categorical"
    levels: tuple[str, ...]


FieldReference = Annotated[NumericReference | CategoricalReference, Field(discriminator="kind")]


class ScoreReference(NumericReference):
    """The model's probabilities on the held-out test split, binned at their deciles."""

    mean: float = Field(ge=0, le=1)
    band_shares: dict[bands.RiskBand, float]


class Reference(BaseModel):
    """Schema of ``reference.json``; loading it checks it against the contract."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    schema_version: Literal[1] = REFERENCE_SCHEMA_VERSION
    rows: int = Field(gt=0, description="Customers the field distributions were counted on.")
    score_rows: int = Field(gt=0, description="Held-out customers the scores come from.")
    fields: dict[str, FieldReference]
    score: ScoreReference

    @model_validator(mode="after")
    def _matches_contract(self) -> Self:
        if tuple(self.fields) != contract.FIELD_NAMES:
            raise ValueError("the reference must describe the contract's fields, in order")
        for name, reference in self.fields.items():
            field = contract.FIELDS_BY_NAME[name]
            if isinstance(field, contract.CategoricalField) != isinstance(
                reference, CategoricalReference
            ):
                raise ValueError(f"{name}: the reference's kind does not match the contract")
            if isinstance(reference, CategoricalReference) and isinstance(
                field, contract.CategoricalField
            ):
                if reference.levels != field.levels:
                    raise ValueError(f"{name}: the levels differ from the contract's")
                if len(reference.shares) != len(field.levels):
                    raise ValueError(f"{name}: one share per level is needed")
        return self


# ---------------------------------------------------------------------------------------
# Counting into bins: the same functions at training and at scoring
# ---------------------------------------------------------------------------------------


def bin_counts(edges: Sequence[float], values: npt.NDArray[np.float64]) -> Counts:
    indices = np.searchsorted(np.asarray(edges, dtype=np.float64), values, side="left")
    return np.bincount(indices, minlength=len(edges) + 1).astype(np.int64)


def level_counts(codes: npt.NDArray[np.integer], levels: int) -> Counts:
    """``codes``: each customer's level as its index in the contract's levels."""
    return np.bincount(codes, minlength=levels).astype(np.int64)


def quantile_edges(values: npt.NDArray[np.float64], bins: int = NUMERIC_BINS) -> tuple[float, ...]:
    """Interior cut points at the quantiles; repeated ones (a value as common as a whole
    bin, such as tenure 1) merge, so a field may get fewer bins than asked."""
    cuts = np.quantile(values, np.arange(1, bins) / bins, method="lower")
    return tuple(float(edge) for edge in np.unique(cuts))


def shares(counts: Counts) -> tuple[float, ...]:
    total = int(counts.sum())
    return tuple(float(count) / total for count in counts)


def psi(expected: Sequence[float], actual: Counts) -> float:
    total = int(actual.sum())
    if total == 0:
        return 0.0
    observed = np.maximum(actual / total, SHARE_FLOOR)
    reference = np.maximum(np.asarray(expected, dtype=np.float64), SHARE_FLOOR)
    return float(np.sum((observed - reference) * np.log(observed / reference)))


def bands_of(probabilities: npt.NDArray[np.float64], threshold: float) -> Counts:
    """Each probability's risk band as its index in ``bands.BANDS``, by the rule there."""
    indices = np.zeros(len(probabilities), dtype=np.int64)
    for cut in bands.band_cuts(threshold):
        indices += probabilities >= cut
    return indices


def band_counts(probabilities: npt.NDArray[np.float64], threshold: float) -> Counts:
    """Customers per risk band (low, medium, high)."""
    return np.bincount(bands_of(probabilities, threshold), minlength=len(bands.BANDS))


# ---------------------------------------------------------------------------------------
# Building the reference at training time
# ---------------------------------------------------------------------------------------


def level_codes(values: Iterable[str], field: contract.CategoricalField) -> npt.NDArray[np.int8]:
    index = {level: position for position, level in enumerate(field.levels)}
    return np.fromiter((index[value] for value in values), dtype=np.int8)


def build_reference(
    features: pd.DataFrame, held_out: npt.NDArray[np.float64], threshold: float
) -> Reference:
    """``features``: the canonical training table (contract columns); ``held_out``: the
    model's probabilities on the test split, which it never trained on."""
    fields: dict[str, NumericReference | CategoricalReference] = {}
    for field in contract.FIELDS:
        column = features[field.name]
        if isinstance(field, contract.CategoricalField):
            counts = level_counts(level_codes(column, field), len(field.levels))
            fields[field.name] = CategoricalReference(levels=field.levels, shares=shares(counts))
        else:
            values = column.to_numpy(dtype=np.float64)
            edges = quantile_edges(values)
            fields[field.name] = NumericReference(
                edges=edges, shares=shares(bin_counts(edges, values))
            )
    score_edges = quantile_edges(held_out)
    return Reference(
        rows=len(features),
        score_rows=len(held_out),
        fields=fields,
        score=ScoreReference(
            edges=score_edges,
            shares=shares(bin_counts(score_edges, held_out)),
            mean=float(held_out.mean()),
            band_shares=dict(
                zip(bands.BANDS, shares(band_counts(held_out, threshold)), strict=True)
            ),
        ),
    )
