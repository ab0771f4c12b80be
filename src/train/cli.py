"""``churn-train``: the same entry point on a laptop, in the training image and in CI."""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from collections.abc import Sequence
from typing import Final

from churn import storage
from churn.arguments import bounded
from churn.train.bundle import new_version, write_bundle
from churn.train.dataset import DataError, load_dataset
from churn.train.modelling import Hyperparameters
from churn.train.training import QualityGateError, TrainingConfig, check_quality_gate, train

PROG: Final = "churn-train"
EXIT_BAD_INPUT: Final = 2
EXIT_QUALITY_GATE: Final = 3
EXIT_OUTPUT: Final = 4
EXIT_INTERNAL: Final = 70

EPILOG = f"""\
The bundle lands in <output>/<version>/ (model.tar.gz, preprocessing.json, metrics.json,
MODEL_CARD.md, bundle.json), written atomically; the last line on stdout is its location.
Progress goes to stderr.

exit codes:
  0   bundle written
  {EXIT_BAD_INPUT}   bad arguments, or the data cannot be read or breaks the contract
  {EXIT_QUALITY_GATE}   the model failed the quality gate; nothing was written
  {EXIT_OUTPUT}   the bundle could not be written; nothing was left behind
  {EXIT_INTERNAL}  an unexpected error (set CHURN_DEBUG=1 to see the traceback)
"""


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


def _progress(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr, flush=True)


def run(arguments: argparse.Namespace) -> str:
    started = time.perf_counter()
    storage.check_writable(arguments.output)
    _progress(f"loading {arguments.data}")
    dataset = load_dataset(arguments.data)
    _progress(f"{len(dataset.labels)} rows pass the contract")
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
    result = train(dataset, config, _progress)
    check_quality_gate(result.metrics, arguments.min_roc_auc)
    cv = result.metrics["cross_validation"]
    _progress(
        f"quality gate passed: CV ROC-AUC {cv['model']['roc_auc']['mean']:.4f} "
        f"(baseline {cv['baseline']['roc_auc']['mean']:.4f})"
    )
    location = write_bundle(
        result,
        dataset,
        arguments.output,
        version=new_version(),
        min_roc_auc=arguments.min_roc_auc,
    )
    _progress(f"done in {time.perf_counter() - started:.1f} s")
    return location


def main(argv: Sequence[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    try:
        location = run(arguments)
    except DataError as error:
        return _fail(EXIT_BAD_INPUT, f"invalid data: {error}")
    except QualityGateError as error:
        return _fail(EXIT_QUALITY_GATE, f"{error}; nothing was written")
    except storage.StorageError as error:
        return _fail(EXIT_OUTPUT, f"cannot write the bundle: {error}")
    except KeyboardInterrupt:
        return _fail(130, "interrupted; nothing was written")
    except Exception as error:  # noqa: BLE001 - the last line of defence: no traceback to users
        if os.environ.get("CHURN_DEBUG"):
            traceback.print_exc()
        return _fail(EXIT_INTERNAL, f"internal error: {type(error).__name__}: {error}")
    print(location)
    return 0


def _fail(code: int, message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return code
