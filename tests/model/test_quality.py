"""The bars the trained model must clear, on the real data with the default settings."""

from __future__ import annotations

import math
import time
from typing import Any

import pytest

from churn.train import modelling, training
from churn.train.dataset import Dataset
from churn.train.training import TrainingResult

CV_ROC_AUC_FLOOR = 0.848
CV_BRIER_CEILING = 0.136


def test_cv_uses_five_folds_three_repeats(trained: TrainingResult) -> None:
    cv = trained.metrics["cross_validation"]
    assert (cv["folds"], cv["repeats"]) == (5, 3)
    assert len(cv["model_roc_auc_per_fold"]) == len(cv["baseline_roc_auc_per_fold"]) == 15


def test_cv_roc_auc_clears_the_floor_and_beats_the_baseline(trained: TrainingResult) -> None:
    cv = trained.metrics["cross_validation"]
    assert cv["model"]["roc_auc"]["mean"] >= CV_ROC_AUC_FLOOR
    assert cv["model"]["roc_auc"]["mean"] > cv["baseline"]["roc_auc"]["mean"]


def test_cv_brier_score_is_low_enough(trained: TrainingResult) -> None:
    assert trained.metrics["cross_validation"]["model"]["brier"]["mean"] <= CV_BRIER_CEILING


def test_test_split_metrics_are_recorded_for_both_models(trained: TrainingResult) -> None:
    test = trained.metrics["test"]
    expected = {"roc_auc", "pr_auc", "log_loss", "brier", "lift_top_decile", "f1", "precision"}
    for model in ("model", "baseline"):
        assert expected <= set(test[model])
    assert test["rows"] == 1409
    assert sum(test["confusion_matrix"].values()) == 1409
    assert test["model"]["roc_auc"] > 0.8
    assert test["model"]["lift_top_decile"] > 2


def test_threshold_comes_from_training_folds_and_is_sane(trained: TrainingResult) -> None:
    assert 0.05 <= trained.threshold <= 0.95
    assert trained.metrics["threshold"] == trained.threshold
    assert "test split is never used" in trained.metrics["threshold_rule"]


def test_curves_and_importance_are_ready_to_plot(trained: TrainingResult) -> None:
    curves = trained.metrics["test"]["curves"]
    assert len(curves["roc"]["fpr"]) == len(curves["roc"]["tpr"]) <= 101
    assert curves["roc"]["fpr"][0] == 0.0 and curves["roc"]["tpr"][-1] == 1.0
    assert len(curves["calibration"]["mean_predicted"]) == 10
    importance = trained.metrics["feature_importance"]
    assert abs(sum(entry["share_of_gain"] for entry in importance) - 1) < 1e-3
    assert importance[0]["feature"] == "Contract=Month-to-month"


def test_the_threshold_is_chosen_from_training_labels_only(
    dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Provenance, checked on what the code does rather than what it says: every F1 curve
    the threshold is chosen from was computed on the training split's labels (out of fold),
    none on the test split's."""
    computed: dict[int, int] = {}  # id of a curve -> how many labels it was computed on
    chosen_from: list[int] = []

    def f1_curve(labels: Any, probabilities: Any) -> Any:
        curve = modelling.f1_by_threshold(labels, probabilities)
        computed[id(curve)] = len(labels)
        return curve

    def choose(curves: list[Any]) -> float:
        chosen_from.extend(computed.get(id(curve), -1) for curve in curves)
        return modelling.choose_threshold(curves)

    monkeypatch.setattr(training, "f1_by_threshold", f1_curve)
    monkeypatch.setattr(training, "choose_threshold", choose)
    config = training.TrainingConfig(
        cv_folds=2, cv_repeats=2, hyperparameters=modelling.Hyperparameters(n_estimators=20)
    )
    result = training.train(dataset, config, progress=lambda _: None)
    train_rows = result.metrics["split"]["train_rows"]
    assert chosen_from == [train_rows, train_rows]  # one curve per repeat
    assert train_rows + result.metrics["split"]["test_rows"] == len(dataset.labels)


def gate_metrics(model_auc: float, baseline_auc: float) -> dict[str, Any]:
    return {
        "cross_validation": {
            "model": {"roc_auc": {"mean": model_auc, "std": 0.01}},
            "baseline": {"roc_auc": {"mean": baseline_auc, "std": 0.01}},
        }
    }


@pytest.mark.parametrize(
    ("model_auc", "baseline_auc", "floor", "refusal"),
    [
        (0.85, 0.84, 0.80, None),
        (0.80, 0.70, 0.80, None),  # at the floor is enough
        (
            0.79,
            0.70,
            0.80,
            "quality gate: CV ROC-AUC 0.7900 is below --min-roc-auc 0.8000; nothing was written",
        ),
        (
            0.84,
            0.84,
            0.50,
            "quality gate: CV ROC-AUC 0.8400 does not beat the logistic-regression "
            "baseline's 0.8400; nothing was written",
        ),
        (
            0.83,
            0.84,
            0.50,
            "quality gate: CV ROC-AUC 0.8300 does not beat the logistic-regression "
            "baseline's 0.8400; nothing was written",
        ),
    ],
)
def test_the_quality_gate_holds_the_floor_and_the_baseline(
    model_auc: float, baseline_auc: float, floor: float, refusal: str | None
) -> None:
    metrics = gate_metrics(model_auc, baseline_auc)
    if refusal is None:
        training.check_quality_gate(metrics, floor)
        return
    with pytest.raises(training.QualityGateError) as refused:
        training.check_quality_gate(metrics, floor)
    assert str(refused.value) == refusal


SMALL = training.TrainingConfig(
    test_size=0.3,
    cv_folds=2,
    cv_repeats=2,
    hyperparameters=modelling.Hyperparameters(n_estimators=20),
)


def test_a_small_training_reports_each_step_splits_as_configured_and_repeats_itself(
    dataset: Dataset,
) -> None:
    """What a training run says, its split (size, stratification) and its reproducibility,
    on a configuration small enough to train twice."""
    said: list[str] = []
    started = time.perf_counter()
    first = training.train(dataset, SMALL, progress=said.append)
    elapsed = time.perf_counter() - started
    second = training.train(dataset, SMALL, progress=lambda _: None)

    rows, churners = len(dataset.labels), int(dataset.labels.sum())
    test_rows = math.ceil(0.3 * rows)
    assert first.metrics["split"] == {
        "seed": SMALL.seed,
        "test_size": 0.3,
        "train_rows": rows - test_rows,
        "test_rows": test_rows,
    }
    test_churners = first.metrics["test"]["confusion_matrix"]
    positives = test_churners["true_positive"] + test_churners["false_negative"]
    assert abs(positives - churners * 0.3) <= 1  # stratified: the churn rate kept
    assert said[0] == f"split {rows - test_rows} training / {test_rows} test rows (stratified)"
    assert [line.split(":")[0] for line in said[1:5]] == [f"cv fold {n}/4" for n in (1, 2, 3, 4)]
    assert said[5] == (
        f"threshold {first.threshold:.3f} maximises mean out-of-fold F1 on the training split"
    )
    assert said[6] == (
        f"fitted the final model in {first.fit_seconds:.1f} s; evaluating on the test split"
    )
    assert len(said) == 7
    assert 0 < first.fit_seconds < elapsed
    assert first.metrics["threshold_rule"] == (
        "maximises the mean F1 of out-of-fold predictions on the training split over the CV "
        "repeats; the test split is never used to choose it"
    )
    # The booster samples rows and columns: its seed is the configuration's, and the same
    # seed gives the same split, models and numbers, the baseline's included.
    assert first.model.named_steps["model"].get_params()["random_state"] == SMALL.seed
    assert second.test_probabilities.tolist() == first.test_probabilities.tolist()
    assert second.metrics["test"] == first.metrics["test"]
