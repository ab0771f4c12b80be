"""Split, cross-validate, choose the threshold, fit the final model and evaluate it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline

from churn.errors import RefusedError
from churn.features import PreprocessingSpec
from churn.train import evaluation
from churn.train.dataset import Dataset
from churn.train.modelling import (
    FloatArray,
    Hyperparameters,
    IntArray,
    ModelFactory,
    booster_of,
    choose_threshold,
    export_spec,
    f1_by_threshold,
    make_baseline,
    make_model,
    predict_proba,
    repeated_folds,
)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class TrainingConfig:
    seed: int = 42
    test_size: float = 0.2
    cv_folds: int = 5
    cv_repeats: int = 3
    hyperparameters: Hyperparameters = field(default_factory=Hyperparameters)


@dataclass
class TrainingResult:
    model: Pipeline
    spec: PreprocessingSpec
    threshold: float
    metrics: dict[str, Any]
    test_probabilities: FloatArray
    fit_seconds: float


class QualityGateError(RefusedError):
    """The model is not good enough to publish."""


def train(dataset: Dataset, config: TrainingConfig, progress: Progress) -> TrainingResult:
    labels: IntArray = dataset.labels.to_numpy(dtype=np.int64)
    train_index, test_index = train_test_split(
        np.arange(len(labels)),
        test_size=config.test_size,
        stratify=labels,
        random_state=config.seed,
    )
    train_x = dataset.features.iloc[train_index].reset_index(drop=True)
    test_x = dataset.features.iloc[test_index].reset_index(drop=True)
    train_y, test_y = labels[train_index], labels[test_index]
    progress(f"split {len(train_y)} training / {len(test_y)} test rows (stratified)")

    cv = _cross_validate(train_x, train_y, config, progress)
    threshold = choose_threshold(cv.pop("f1_curves"))
    progress(f"threshold {threshold:.3f} maximises mean out-of-fold F1 on the training split")

    started = time.perf_counter()
    model = make_model(config.hyperparameters, config.seed).fit(train_x, train_y)
    fit_seconds = time.perf_counter() - started
    baseline = make_baseline(config.hyperparameters, config.seed).fit(train_x, train_y)
    progress(f"fitted the final model in {fit_seconds:.1f} s; evaluating on the test split")

    test_p = predict_proba(model, test_x)
    baseline_p = predict_proba(baseline, test_x)
    metrics = {
        "threshold": threshold,
        "threshold_rule": "maximises the mean F1 of out-of-fold predictions on the training "
        "split over the CV repeats; the test split is never used to choose it",
        "cross_validation": cv,
        "test": {
            "rows": len(test_y),
            "model": _all_metrics(test_y, test_p, threshold),
            "baseline": _all_metrics(test_y, baseline_p, threshold),
            "confusion_matrix": evaluation.confusion(test_y, test_p, threshold),
            "curves": evaluation.curves(test_y, test_p),
        },
        "feature_importance": _importance(model),
        "split": {
            "seed": config.seed,
            "test_size": config.test_size,
            "train_rows": len(train_y),
            "test_rows": len(test_y),
        },
        "hyperparameters": asdict(config.hyperparameters),
    }
    return TrainingResult(model, export_spec(model), threshold, metrics, test_p, fit_seconds)


def _cross_validate(
    features: Any, labels: IntArray, config: TrainingConfig, progress: Progress
) -> dict[str, Any]:
    factories: dict[str, ModelFactory] = {"model": make_model, "baseline": make_baseline}
    per_fold: dict[str, list[dict[str, float]]] = {name: [] for name in factories}
    out_of_fold = np.zeros((config.cv_repeats, len(labels)))
    folds = list(repeated_folds(labels, config.cv_folds, config.cv_repeats, config.seed))
    for number, fold in enumerate(folds, start=1):
        valid_x = features.iloc[fold.valid_index]
        valid_y = labels[fold.valid_index]
        for name, factory in factories.items():
            fitted = factory(config.hyperparameters, config.seed).fit(
                features.iloc[fold.train_index], labels[fold.train_index]
            )
            probabilities = predict_proba(fitted, valid_x)
            per_fold[name].append(evaluation.ranking_metrics(valid_y, probabilities))
            if name == "model":
                out_of_fold[fold.repeat, fold.valid_index] = probabilities
        progress(
            f"cv fold {number}/{len(folds)}: ROC-AUC model "
            f"{per_fold['model'][-1]['roc_auc']:.4f}, baseline "
            f"{per_fold['baseline'][-1]['roc_auc']:.4f}"
        )
    return {
        "folds": config.cv_folds,
        "repeats": config.cv_repeats,
        "model": evaluation.summarize(per_fold["model"]),
        "baseline": evaluation.summarize(per_fold["baseline"]),
        "model_roc_auc_per_fold": [fold["roc_auc"] for fold in per_fold["model"]],
        "baseline_roc_auc_per_fold": [fold["roc_auc"] for fold in per_fold["baseline"]],
        "f1_curves": [f1_by_threshold(labels, row) for row in out_of_fold],
    }


def _all_metrics(labels: IntArray, probabilities: FloatArray, threshold: float) -> dict[str, float]:
    return evaluation.ranking_metrics(labels, probabilities) | evaluation.threshold_metrics(
        labels, probabilities, threshold
    )


def _importance(model: Pipeline) -> list[dict[str, float | str]]:
    """Total gain per feature, largest first, under the spec's feature names."""
    names = export_spec(model).feature_names
    scores = booster_of(model).get_score(importance_type="total_gain")
    # A binary model scores each feature with one number (lists are for multi-target).
    gains = {key: float(value) for key, value in scores.items() if isinstance(value, float)}
    total = sum(gains.values()) or 1.0
    by_name = {names[int(key.removeprefix("f"))]: value for key, value in gains.items()}
    ranked = sorted(by_name.items(), key=lambda item: -item[1])
    return [{"feature": name, "share_of_gain": round(gain / total, 5)} for name, gain in ranked]


def check_quality_gate(metrics: dict[str, Any], min_roc_auc: float) -> None:
    """Refuse a model below ``min_roc_auc`` or below the baseline (CV means)."""
    cv = metrics["cross_validation"]
    model_auc = cv["model"]["roc_auc"]["mean"]
    baseline_auc = cv["baseline"]["roc_auc"]["mean"]
    if model_auc < min_roc_auc:
        raise QualityGateError(
            f"quality gate: CV ROC-AUC {model_auc:.4f} is below --min-roc-auc {min_roc_auc:.4f}; "
            "nothing was written"
        )
    if model_auc <= baseline_auc:
        raise QualityGateError(
            f"quality gate: CV ROC-AUC {model_auc:.4f} does not beat the logistic-regression "
            f"baseline's {baseline_auc:.4f}; nothing was written"
        )
