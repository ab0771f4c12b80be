"""The two models, their cross-validation and the export of the serving spec.

Preprocessing lives inside each scikit-learn pipeline, so cross-validation refits it on
every training fold and nothing about a validation fold leaks into its model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd
import xgboost as xgb
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RepeatedStratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from churn import contract
from churn.features import NumericFeature, OneHotFeature, PreprocessingSpec

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

CATEGORICAL: Final = [field.name for field in contract.CATEGORICAL_FIELDS]
NUMERIC: Final = [field.name for field in contract.NUMERIC_FIELDS]
THRESHOLD_GRID: Final = np.round(np.arange(0.05, 0.951, 0.005), 3)


@dataclass(frozen=True)
class Hyperparameters:
    n_estimators: int = 300
    max_depth: int = 2
    learning_rate: float = 0.05
    min_child_weight: float = 1.0
    subsample: float = 0.8
    colsample_bytree: float = 0.8
    baseline_c: float = 1.0


def make_preprocessor(*, scale_numeric: bool) -> ColumnTransformer:
    # handle_unknown="ignore" encodes an unseen level as all zeros, which is exactly what
    # features.Vectorizer does, so the exported spec reproduces this transformer.
    one_hot = OneHotEncoder(handle_unknown="ignore", sparse_output=False, dtype=np.float64)
    numeric = StandardScaler() if scale_numeric else "passthrough"
    return ColumnTransformer(
        [("categorical", one_hot, CATEGORICAL), ("numeric", numeric, NUMERIC)],
        sparse_threshold=0.0,
    )


def make_model(params: Hyperparameters, seed: int) -> Pipeline:
    booster = xgb.XGBClassifier(
        n_estimators=params.n_estimators,
        max_depth=params.max_depth,
        learning_rate=params.learning_rate,
        min_child_weight=params.min_child_weight,
        subsample=params.subsample,
        colsample_bytree=params.colsample_bytree,
        objective="binary:logistic",
        tree_method="hist",
        # xgboost >= 2 estimates the intercept from the data and stores it as a vector
        # ("[2.6E-1]") that xgboost 1.7 (the SageMaker 1.7-1 container) cannot parse: its
        # probabilities then drift by ~1e-2. A fixed 0.5 is written identically by both.
        base_score=0.5,
        n_jobs=2,
        random_state=seed,
    )
    return Pipeline([("preprocess", make_preprocessor(scale_numeric=False)), ("model", booster)])


def make_baseline(params: Hyperparameters, seed: int) -> Pipeline:
    regression = LogisticRegression(C=params.baseline_c, max_iter=5_000, random_state=seed)
    return Pipeline([("preprocess", make_preprocessor(scale_numeric=True)), ("model", regression)])


ModelFactory = Callable[[Hyperparameters, int], Pipeline]


@dataclass(frozen=True)
class Fold:
    repeat: int
    train_index: IntArray
    valid_index: IntArray


def repeated_folds(labels: IntArray, folds: int, repeats: int, seed: int) -> Iterator[Fold]:
    splitter = RepeatedStratifiedKFold(n_splits=folds, n_repeats=repeats, random_state=seed)
    for number, (train_index, valid_index) in enumerate(splitter.split(labels, labels)):
        yield Fold(number // folds, train_index, valid_index)


def predict_proba(model: Pipeline, features: pd.DataFrame) -> FloatArray:
    probabilities: FloatArray = model.predict_proba(features)[:, 1].astype(np.float64)
    return probabilities


def f1_by_threshold(labels: IntArray, probabilities: FloatArray) -> FloatArray:
    """F1 at each threshold of ``THRESHOLD_GRID`` (predict churn when p >= threshold)."""
    predicted = probabilities[None, :] >= THRESHOLD_GRID[:, None]
    positive = labels[None, :] == 1
    true_pos = (predicted & positive).sum(axis=1)
    denominator = predicted.sum(axis=1) + positive.sum(axis=1)
    scores: FloatArray = np.where(denominator > 0, 2 * true_pos / np.maximum(denominator, 1), 0.0)
    return scores


def choose_threshold(f1_curves: list[FloatArray]) -> float:
    """The grid threshold with the best mean F1 over the repeats' out-of-fold predictions."""
    mean_curve = np.mean(np.vstack(f1_curves), axis=0)
    return float(THRESHOLD_GRID[int(np.argmax(mean_curve))])


def export_spec(model: Pipeline) -> PreprocessingSpec:
    """The fitted preprocessing of ``model`` as the pure-Python serving spec."""
    transformer: ColumnTransformer = model.named_steps["preprocess"]
    encoder: OneHotEncoder = transformer.named_transformers_["categorical"]
    features: list[OneHotFeature | NumericFeature] = [
        OneHotFeature(source=source, level=str(level))
        for source, levels in zip(CATEGORICAL, encoder.categories_, strict=True)
        for level in levels
    ]
    features += [NumericFeature(source=source) for source in NUMERIC]
    return PreprocessingSpec(features=tuple(features))


def booster_of(model: Pipeline) -> xgb.Booster:
    classifier: xgb.XGBClassifier = model.named_steps["model"]
    return classifier.get_booster()


def transform(model: Pipeline, features: pd.DataFrame) -> FloatArray:
    """The feature matrix ``model`` feeds its estimator, for parity checks."""
    matrix: FloatArray = model.named_steps["preprocess"].transform(features)
    return matrix
