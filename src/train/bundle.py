"""Write the model bundle: every file staged first, then published in one step."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import platform
import secrets
import subprocess
import tarfile
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from churn import artifacts, contract, storage
from churn.distributions import build_reference
from churn.train.dataset import Dataset
from churn.train.modelling import booster_of
from churn.train.training import TrainingResult

LIBRARIES = ("xgboost-cpu", "scikit-learn", "numpy", "pandas")


def new_version(now: datetime | None = None) -> str:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{secrets.token_hex(3)}"


def write_bundle(
    result: TrainingResult, dataset: Dataset, output: str, *, version: str, min_roc_auc: float
) -> str:
    """Publish the bundle at ``<output>/<version>`` and return that location."""
    metrics = _metrics_document(result, dataset, version, min_roc_auc)
    destination = storage.child(output, version)
    with storage.staging_directory(output, prefix="churn-bundle-") as staging:
        _write_model_archive(result, staging / artifacts.MODEL_ARCHIVE)
        _write_json(staging / artifacts.PREPROCESSING_SPEC, result.spec.model_dump(mode="json"))
        _write_json(staging / artifacts.METRICS, metrics)
        (staging / artifacts.MODEL_CARD).write_text(model_card(metrics), encoding="utf-8")
        reference = build_reference(dataset.features, result.test_probabilities, result.threshold)
        _write_json(staging / artifacts.REFERENCE, reference.model_dump(mode="json"))
        _write_json(staging / artifacts.MANIFEST, _manifest(staging, version))
        return storage.publish_directory(staging, destination, last=artifacts.MANIFEST)


def _write_model_archive(result: TrainingResult, path: Path) -> None:
    """A gzip tar with one regular file, byte-for-byte reproducible for the same booster."""
    document = bytes(booster_of(result.model).save_raw(raw_format="json"))
    info = tarfile.TarInfo(artifacts.BOOSTER_FILE)
    info.size, info.mode, info.mtime = len(document), 0o644, 0
    # tarfile's "w:gz" stamps the gzip header with the time of writing: two writes of the
    # same booster a second apart would differ. The header's mtime is 0 instead.
    with (
        path.open("wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as compressed,
        tarfile.open(fileobj=compressed, mode="w") as tar,
    ):
        tar.addfile(info, io.BytesIO(document))


def _write_json(path: Path, document: Any) -> None:
    path.write_text(json.dumps(document, indent=2, sort_keys=False) + "\n", encoding="utf-8")


def _manifest(staging: Path, version: str) -> dict[str, Any]:
    files = {
        name: hashlib.sha256((staging / name).read_bytes()).hexdigest()
        for name in artifacts.BUNDLE_FILES
        if name != artifacts.MANIFEST
    }
    return {"version": version, "sha256": files}


def _metrics_document(
    result: TrainingResult, dataset: Dataset, version: str, min_roc_auc: float
) -> dict[str, Any]:
    labels = dataset.labels
    return {
        "schema_version": 1,
        "model_version": version,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **result.metrics,
        "quality_gate": {"min_roc_auc": min_roc_auc, "passed": True},
        "data": {
            "source": dataset.source,
            "sha256": dataset.sha256,
            "rows": len(labels),
            "churn_rate": round(float(labels.mean()), 5),
        },
        "environment": {
            "python": platform.python_version(),
            **{name: _version_of(name) for name in LIBRARIES},
        },
        "git_commit": _git_commit(),
        "contract_fields": list(contract.FIELD_NAMES),
    }


def _version_of(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "unknown"


def _git_commit() -> str:
    """The commit trained from: GIT_COMMIT (set by images and CI), else the checkout's."""
    if commit := os.environ.get("GIT_COMMIT"):
        return commit
    try:
        found = subprocess.run(
            ["git", "rev-parse", "HEAD"],  # noqa: S607 - whichever git is on PATH, best effort
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return found.stdout.strip() or "unknown"


def model_card(metrics: dict[str, Any]) -> str:
    cv, test = metrics["cross_validation"], metrics["test"]
    rows = "\n".join(
        f"| {name} | {cv['model'][name]['mean']:.4f} ± {cv['model'][name]['std']:.4f} "
        f"| {cv['baseline'][name]['mean']:.4f} ± {cv['baseline'][name]['std']:.4f} "
        f"| {test['model'][name]:.4f} | {test['baseline'][name]:.4f} |"
        for name in cv["model"]
    )
    at_threshold = ", ".join(
        f"{name} {test['model'][name]:.3f}" for name in ("f1", "precision", "recall")
    )
    top = ", ".join(entry["feature"] for entry in metrics["feature_importance"][:5])
    data = metrics["data"]
    return f"""# Model card: churn model {metrics["model_version"]}

## What it is
A gradient-boosted tree classifier (XGBoost, {metrics["hyperparameters"]["n_estimators"]}
trees of depth {metrics["hyperparameters"]["max_depth"]}) that estimates the probability
that a telecom customer churns, from the 19 fields of the feature contract. A
logistic-regression baseline was trained and evaluated on the same splits.

## Data
- Source: `{data["source"]}` (sha256 `{data["sha256"][:16]}…`), {data["rows"]} customers,
  churn rate {data["churn_rate"]:.1%}.
- Stratified split: {metrics["split"]["train_rows"]} training rows,
  {metrics["split"]["test_rows"]} test rows (seed {metrics["split"]["seed"]}).

## How good it is
Cross-validation: {cv["repeats"]} repeats of {cv["folds"]}-fold repeated stratified on the
training split, preprocessing refitted inside every fold.

| metric | model (CV) | baseline (CV) | model (test) | baseline (test) |
|---|---|---|---|---|
{rows}

Decision threshold {metrics["threshold"]:.3f}: it {metrics["threshold_rule"]}.
On the test split at that threshold: {at_threshold}.
Most informative features (share of gain): {top}.

## Intended use
Ranking existing customers by churn risk so a retention team can decide whom to contact
first. The probability is calibrated on this data set; the label at the threshold trades
precision for recall as F1 does.

## Limits
- Trained on one public sample of one company's customers (IBM Telco); the churn rate
  and behaviour of another customer base may differ: re-evaluate before relying on it.
- It finds associations, not causes: a feature that raises the score is not a lever.
- Fields such as gender and age group are in the contract because they are in the data;
  check decisions for unequal treatment before acting on them.
- Code {metrics["git_commit"]}, Python {metrics["environment"]["python"]},
  xgboost {metrics["environment"]["xgboost-cpu"]}.
"""
