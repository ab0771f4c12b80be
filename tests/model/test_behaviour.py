"""What a churn model should do, checked on real customers with one field changed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from churn import contract
from churn.train.dataset import Dataset
from churn.train.modelling import predict_proba
from churn.train.training import TrainingResult

# Every 250th customer of the real data: 29 people across contracts, services and tenure.
SAMPLE = list(range(0, 7043, 250))
CONTRACTS = ("Month-to-month", "One year", "Two year")


def _as(customer: pd.DataFrame, **changes: str | float) -> pd.DataFrame:
    return customer.assign(**changes)


@pytest.mark.parametrize("row", SAMPLE)
def test_a_longer_contract_never_raises_churn_risk(
    row: int, trained: TrainingResult, dataset: Dataset
) -> None:
    customer = dataset.features.iloc[[row]]
    risks = [predict_proba(trained.model, _as(customer, Contract=term))[0] for term in CONTRACTS]
    assert risks[0] >= risks[1] >= risks[2]


@pytest.mark.parametrize("row", SAMPLE)
def test_tech_support_never_raises_churn_risk(
    row: int, trained: TrainingResult, dataset: Dataset
) -> None:
    customer = dataset.features.iloc[[row]]
    if customer["InternetService"].iloc[0] == "No":  # tech support needs internet: give them DSL
        customer = _as(
            customer, InternetService="DSL", **dict.fromkeys(contract.INTERNET_ADDONS, "No")
        )
    without = predict_proba(trained.model, _as(customer, TechSupport="No"))[0]
    with_support = predict_proba(trained.model, _as(customer, TechSupport="Yes"))[0]
    assert with_support <= without


def test_the_customer_id_plays_no_part(trained: TrainingResult, dataset: Dataset) -> None:
    assert contract.ID_COLUMN not in dataset.features.columns
    shuffled = dataset.features.sample(frac=1.0, random_state=0)
    direct = predict_proba(trained.model, shuffled)
    reordered = predict_proba(trained.model, dataset.features).take(shuffled.index)
    assert np.array_equal(direct, reordered)


def test_probabilities_are_probabilities(trained: TrainingResult, dataset: Dataset) -> None:
    risks = predict_proba(trained.model, dataset.features)
    assert ((risks > 0) & (risks < 1)).all()
    assert abs(risks.mean() - dataset.labels.mean()) < 0.02
