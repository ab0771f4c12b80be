"""Scores and plot data for one set of predictions."""

from __future__ import annotations

from typing import Final

import numpy as np
from sklearn.calibration import calibration_curve
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    f1_score,
    log_loss,
    precision_recall_curve,
    precision_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)

from churn.train.modelling import FloatArray, IntArray

CURVE_POINTS: Final = 101


def ranking_metrics(labels: IntArray, probabilities: FloatArray) -> dict[str, float]:
    """Threshold-free metrics: how well the scores rank and how well they are calibrated."""
    return {
        "roc_auc": float(roc_auc_score(labels, probabilities)),
        "pr_auc": float(average_precision_score(labels, probabilities)),
        "log_loss": float(log_loss(labels, probabilities, labels=[0, 1])),
        "brier": float(brier_score_loss(labels, probabilities)),
        "lift_top_decile": lift_top_decile(labels, probabilities),
    }


def threshold_metrics(
    labels: IntArray, probabilities: FloatArray, threshold: float
) -> dict[str, float]:
    predicted = (probabilities >= threshold).astype(np.int64)
    return {
        "f1": float(f1_score(labels, predicted, zero_division=0)),
        "precision": float(precision_score(labels, predicted, zero_division=0)),
        "recall": float(recall_score(labels, predicted, zero_division=0)),
    }


def lift_top_decile(labels: IntArray, probabilities: FloatArray) -> float:
    """Churn rate among the 10% riskiest customers over the overall churn rate."""
    top = max(1, int(np.ceil(len(labels) * 0.1)))
    riskiest = np.argsort(-probabilities, kind="stable")[:top]
    return float(labels[riskiest].mean() / labels.mean())


def confusion(labels: IntArray, probabilities: FloatArray, threshold: float) -> dict[str, int]:
    predicted = probabilities >= threshold
    positive = labels == 1
    return {
        "true_positive": int((predicted & positive).sum()),
        "false_positive": int((predicted & ~positive).sum()),
        "true_negative": int((~predicted & ~positive).sum()),
        "false_negative": int((~predicted & positive).sum()),
    }


def curves(labels: IntArray, probabilities: FloatArray) -> dict[str, dict[str, list[float]]]:
    """ROC, precision-recall and calibration curves, thinned for a JSON file and a plot."""
    fpr, tpr, _ = roc_curve(labels, probabilities)
    precision, recall, _ = precision_recall_curve(labels, probabilities)
    observed, predicted = calibration_curve(labels, probabilities, n_bins=10, strategy="quantile")
    return {
        "roc": {"fpr": _thin(fpr), "tpr": _thin(tpr)},
        "precision_recall": {"recall": _thin(recall), "precision": _thin(precision)},
        "calibration": {
            "mean_predicted": _round(predicted),
            "observed_rate": _round(observed),
        },
    }


def _thin(values: FloatArray) -> list[float]:
    if len(values) > CURVE_POINTS:
        positions = np.linspace(0, len(values) - 1, CURVE_POINTS).round().astype(np.int64)
        values = values[positions]
    return _round(values)


def _round(values: FloatArray) -> list[float]:
    return [round(float(value), 5) for value in values]


def summarize(per_fold: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    """Mean and standard deviation of each metric over the folds."""
    return {
        name: {
            "mean": float(np.mean([fold[name] for fold in per_fold])),
            "std": float(np.std([fold[name] for fold in per_fold])),
        }
        for name in per_fold[0]
    }
