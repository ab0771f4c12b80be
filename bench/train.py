"""Training benchmark: wall times and the model's quality beside the baseline's, one run.

usage: python bench/train.py [--data PATH]    (make bench)
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from churn.train.bundle import new_version, write_bundle
from churn.train.dataset import load_dataset
from churn.train.training import TrainingConfig, train

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared/data/telco-customer-churn.csv"
METRICS = ("roc_auc", "pr_auc", "brier")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    arguments = parser.parse_args()

    started = time.perf_counter()
    dataset = load_dataset(arguments.data)
    loaded = time.perf_counter()
    result = train(dataset, TrainingConfig(), progress=lambda _: None)
    trained = time.perf_counter()
    with tempfile.TemporaryDirectory() as output:
        write_bundle(result, dataset, output, version=new_version(), min_roc_auc=0.84)
    finished = time.perf_counter()

    print(f"rows: {len(dataset.labels)}")
    print(f"wall time, whole training (load, split, CV, fit, bundle): {finished - started:.2f} s")
    print(f"  load and validate: {loaded - started:.2f} s")
    print(f"  split + 3x5 CV (both models) + final fits + evaluation: {trained - loaded:.2f} s")
    print(f"  bundle: {finished - trained:.2f} s")
    print(f"wall time, final XGBoost fit alone: {result.fit_seconds:.2f} s")
    _table(result.metrics)


def _table(metrics: dict[str, Any]) -> None:
    cv, test = metrics["cross_validation"], metrics["test"]
    columns = ("model test", 11), ("baseline test", 14), ("model CV", 18), ("baseline CV", 18)
    print("\n" + f"{'metric':<10}" + "".join(f" {title:>{width}}" for title, width in columns))
    for name in METRICS:
        model_cv, base_cv = cv["model"][name], cv["baseline"][name]
        print(
            f"{name:<10} {test['model'][name]:>11.4f} {test['baseline'][name]:>14.4f} "
            f"{model_cv['mean']:>10.4f} ± {model_cv['std']:.4f} "
            f"{base_cv['mean']:>10.4f} ± {base_cv['std']:.4f}"
        )
    print(f"\nthreshold: {metrics['threshold']:.3f}")


if __name__ == "__main__":
    main()
