"""The bars the trained model must clear, on the real data with the default settings."""

from __future__ import annotations

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
