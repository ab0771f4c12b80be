"""``churn-train``: the same entry point on a laptop, in the training image and in CI."""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from typing import Final

from churn import cli, storage
from churn.arguments import bounded
from churn.errors import context
from churn.train.bundle import new_version, write_bundle
from churn.train.dataset import load_dataset
from churn.train.modelling import Hyperparameters
from churn.train.training import TrainingConfig, check_quality_gate, train

PROG: Final = "churn-train"

EPILOG = f"""\
The bundle lands in <output>/<version>/ (model.tar.gz, preprocessing.json, metrics.json,
MODEL_CARD.md, reference.json, bundle.json), written atomically: when training fails or
the model fails the quality gate, nothing is written. The last line on stdout is the
bundle's location; progress goes to stderr.

{cli.EXIT_CODES}"""


def build_parser() -> argparse.ArgumentParser:
    defaults = Hyperparameters()
    config = TrainingConfig()
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Train the churn model on the raw customer table, compare it with a "
        "logistic-regression baseline, and publish a SageMaker-ready model bundle.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--data",
        required=True,
        help="the raw CSV: a local path, s3://bucket/key or an https:// URL",
    )
    parser.add_argument(
        "--output",
        default="artifacts",
        help="where bundles go: a local directory or s3://bucket/prefix (default: %(default)s)",
    )
    parser.add_argument(
        "--seed", type=int, default=config.seed, help="seed for split, CV and model (%(default)s)"
    )
    parser.add_argument(
        "--min-roc-auc",
        type=bounded(float, 0.5, 1.0),
        default=0.84,
        help="quality gate: the least mean CV ROC-AUC to publish (%(default)s); the model "
        "must also beat the baseline",
    )
    parser.add_argument(
        "--test-size",
        type=bounded(float, 0.05, 0.5),
        default=config.test_size,
        help="share of rows held out as the test split (%(default)s)",
    )
    parser.add_argument(
        "--cv-folds",
        type=bounded(int, 2, 20),
        default=config.cv_folds,
        help="folds per CV repeat (%(default)s)",
    )
    parser.add_argument(
        "--cv-repeats",
        type=bounded(int, 1, 20),
        default=config.cv_repeats,
        help="CV repeats, each with a fresh shuffle (%(default)s)",
    )
    model = parser.add_argument_group("XGBoost hyperparameters")
    model.add_argument(
        "--n-estimators",
        type=bounded(int, 1, 10_000),
        default=defaults.n_estimators,
        help="boosting rounds (%(default)s)",
    )
    model.add_argument(
        "--max-depth",
        type=bounded(int, 1, 16),
        default=defaults.max_depth,
        help="depth of each tree (%(default)s)",
    )
    model.add_argument(
        "--learning-rate",
        type=bounded(float, 1e-4, 1.0),
        default=defaults.learning_rate,
        help="shrinkage per round (%(default)s)",
    )
    model.add_argument(
        "--min-child-weight",
        type=bounded(float, 0, 1_000),
        default=defaults.min_child_weight,
        help="least hessian sum in a leaf (%(default)s)",
    )
    model.add_argument(
        "--subsample",
        type=bounded(float, 0.1, 1.0),
        default=defaults.subsample,
        help="share of rows sampled per tree (%(default)s)",
    )
    model.add_argument(
        "--colsample-bytree",
        type=bounded(float, 0.1, 1.0),
        default=defaults.colsample_bytree,
        help="share of features sampled per tree (%(default)s)",
    )
    return parser


def run(arguments: argparse.Namespace) -> str:
    say = cli.progress(PROG)
    started = time.perf_counter()
    with context("cannot write the bundle"):
        storage.check_writable(arguments.output)
    say(f"loading {arguments.data}")
    with context("invalid data"):
        dataset = load_dataset(arguments.data)
    say(f"{len(dataset.labels)} rows pass the contract")
    params = Hyperparameters(
        n_estimators=int(arguments.n_estimators),
        max_depth=int(arguments.max_depth),
        learning_rate=arguments.learning_rate,
        min_child_weight=arguments.min_child_weight,
        subsample=arguments.subsample,
        colsample_bytree=arguments.colsample_bytree,
    )
    config = TrainingConfig(
        seed=arguments.seed,
        test_size=arguments.test_size,
        cv_folds=int(arguments.cv_folds),
        cv_repeats=int(arguments.cv_repeats),
        hyperparameters=params,
    )
    result = train(dataset, config, say)
    check_quality_gate(result.metrics, arguments.min_roc_auc)
    cv = result.metrics["cross_validation"]
    say(
        f"quality gate passed: CV ROC-AUC {cv['model']['roc_auc']['mean']:.4f} "
        f"(baseline {cv['baseline']['roc_auc']['mean']:.4f})"
    )
    with context("cannot write the bundle"):
        location = write_bundle(
            result,
            dataset,
            arguments.output,
            version=new_version(),
            min_roc_auc=arguments.min_roc_auc,
        )
    say(f"done in {time.perf_counter() - started:.1f} s")
    return location


def main(argv: Sequence[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    return cli.run(PROG, lambda: run(arguments))
