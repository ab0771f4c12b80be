"""The pure-Python drivers equal xgboost's own TreeSHAP (``pred_contribs``) on every real
customer, add up to the probability the booster serves, and refuse models they cannot
explain."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
import xgboost as xgb

from churn import contract
from churn.api.drivers import (
    PATTERN_LIMIT,
    TreeExplainer,
    TreeModelError,
    field_drivers,
    float32,
)
from churn.features import Vectorizer
from churn.train.dataset import Dataset
from churn.train.modelling import Hyperparameters, booster_of, make_model, transform
from churn.train.training import TrainingResult

TOLERANCE = 1e-6


def booster_document(booster: xgb.Booster) -> bytes:
    return bytes(booster.save_raw(raw_format="json"))


def vectors(trained: TrainingResult, dataset: Dataset) -> list[list[float]]:
    vectorizer = Vectorizer(trained.spec)
    records: list[contract.Record] = dataset.features.to_dict(orient="records")  # type: ignore[assignment]
    return [vectorizer.vector(record) for record in records]


def assert_equal_to_xgboost(booster: xgb.Booster, rows: list[list[float]]) -> TreeExplainer:
    explainer = TreeExplainer(booster_document(booster))
    matrix = xgb.DMatrix(np.asarray(rows, dtype=np.float32))
    expected = booster.predict(matrix, pred_contribs=True)
    probabilities = booster.predict(matrix)
    explanations = [explainer.explain(row) for row in rows]
    contributions = np.array([e.contributions for e in explanations])
    assert np.abs(contributions - expected[:, :-1]).max() <= TOLERANCE
    assert np.abs(np.array([e.base_value for e in explanations]) - expected[:, -1]).max() <= (
        TOLERANCE
    )
    served = np.array([1.0 / (1.0 + math.exp(-e.margin)) for e in explanations])
    assert np.abs(served - probabilities).max() <= TOLERANCE
    return explainer


def test_every_customers_drivers_equal_xgboosts_and_add_up_to_the_probability(
    trained: TrainingResult, dataset: Dataset
) -> None:
    booster = booster_of(trained.model)
    explainer = assert_equal_to_xgboost(booster, vectors(trained, dataset))
    assert all(tree.patterns for tree in explainer.trees)  # depth 2: one lookup per tree


def test_drivers_are_grouped_onto_the_contract_fields_largest_first(
    trained: TrainingResult, dataset: Dataset
) -> None:
    """Each field gets the sum of its encoded columns, as pandas groups xgboost's own values,
    and the grouped drivers still add up to the margin."""
    rows = vectors(trained, dataset)[:500]
    records: list[contract.Record] = dataset.features[:500].to_dict(orient="records")  # type: ignore[assignment]
    booster = booster_of(trained.model)
    matrix = xgb.DMatrix(np.asarray(rows, dtype=np.float32))
    columns = [feature.source for feature in trained.spec.features]
    frame = pd.DataFrame(booster.predict(matrix, pred_contribs=True)[:, :-1], columns=columns)
    grouped = frame.T.groupby(level=0).sum().T
    expected: list[dict[str, float]] = grouped.to_dict(orient="records")  # type: ignore[assignment]
    explainer = TreeExplainer(booster_document(booster))
    for index, (row, record) in enumerate(zip(rows, records, strict=True)):
        explanation = explainer.explain(row)
        drivers = field_drivers(trained.spec, record, explanation)
        magnitudes = [abs(d.contribution) for d in drivers]
        assert magnitudes == sorted(magnitudes, reverse=True)
        assert sorted(d.field for d in drivers) == sorted(contract.FIELD_NAMES)
        unused = [d.field for d in drivers if d.contribution == 0.0]  # ties: the contract's order
        assert unused == [name for name in contract.FIELD_NAMES if name in unused]
        for driver in drivers:
            assert abs(driver.contribution - expected[index][driver.field]) <= TOLERANCE
            assert driver.value == record[driver.field]
        total = explanation.base_value + math.fsum(d.contribution for d in drivers)
        assert abs(total - explanation.margin) <= 1e-9


def test_deep_trees_are_explained_leaf_by_leaf_as_exactly(dataset: Dataset) -> None:
    """Past PATTERN_LIMIT split nodes a tree's decision patterns are not tabulated."""
    params = Hyperparameters(n_estimators=15, max_depth=5)
    model = make_model(params, seed=7).fit(dataset.features[:2000], dataset.labels[:2000])
    explainer = assert_equal_to_xgboost(
        booster_of(model), transform(model, dataset.features[2000:3000]).tolist()
    )
    deep = [tree for tree in explainer.trees if len(tree.splits) > PATTERN_LIMIT]
    assert deep and not any(tree.patterns for tree in deep)


def test_a_value_that_rounds_onto_a_threshold_goes_right_as_in_xgboost() -> None:
    """xgboost compares float32s: 0.1 + 1e-9 is 0.1 to it, so not below a 0.1 threshold."""
    features = np.array([[0.0], [1.0]] * 10, dtype=np.float32)
    booster = xgb.train(
        {"objective": "binary:logistic", "max_depth": 1, "base_score": 0.5},
        xgb.DMatrix(features, label=[0, 1] * 10),
        num_boost_round=1,
    )
    document = json.loads(booster_document(booster))
    tree = document["learner"]["gradient_booster"]["model"]["trees"][0]
    tree["split_conditions"][0] = 0.1
    explainer = TreeExplainer(json.dumps(document).encode())
    assert float32(0.1 + 1e-9) == float32(0.1)
    just_above = explainer.explain([0.1 + 1e-9]).contributions[0]
    assert just_above == explainer.explain([0.5]).contributions[0]
    assert just_above != explainer.explain([0.09]).contributions[0]


def mutate(booster: xgb.Booster, change: Any) -> bytes:
    document = json.loads(booster_document(booster))
    change(document["learner"])
    return json.dumps(document).encode()


@pytest.fixture(scope="module")
def small_booster() -> xgb.Booster:
    features = np.array([[0.0, 1.0], [1.0, 0.0]] * 10)
    return xgb.train(
        {"objective": "binary:logistic", "max_depth": 1},
        xgb.DMatrix(features, label=[0, 1] * 10),
        num_boost_round=2,
    )


def test_a_model_other_than_binary_trees_is_refused(small_booster: xgb.Booster) -> None:
    def regression(learner: dict[str, Any]) -> None:
        learner["objective"]["name"] = "reg:squarederror"

    def linear(learner: dict[str, Any]) -> None:
        learner["gradient_booster"]["name"] = "gblinear"

    def categorical(learner: dict[str, Any]) -> None:
        learner["gradient_booster"]["model"]["trees"][0]["split_type"][0] = 1

    def unknown_feature(learner: dict[str, Any]) -> None:
        learner["gradient_booster"]["model"]["trees"][0]["split_indices"][0] = 2

    refusals = {
        regression: "a gbtree reg:squarederror model: only gbtree binary:logistic",
        linear: "a gblinear binary:logistic model: only gbtree binary:logistic",
        categorical: "categorical splits are not supported",
        unknown_feature: "a split on a feature the model does not have",
    }
    for change, message in refusals.items():
        with pytest.raises(TreeModelError) as refused:
            TreeExplainer(mutate(small_booster, change))
        assert str(refused.value) == message
    with pytest.raises(
        TreeModelError, match=r"^not an XGBoost JSON model \(KeyError\('learner'\)\)$"
    ):
        TreeExplainer(b"{}")


def test_a_vector_of_another_width_is_refused(small_booster: xgb.Booster) -> None:
    explainer = TreeExplainer(booster_document(small_booster))
    with pytest.raises(ValueError, match=r"^3 features given; the model has 2$"):
        explainer.explain([0.0, 1.0, 2.0])
