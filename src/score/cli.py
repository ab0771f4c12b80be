"""``churn-score``: score a customer base of any size against a model bundle."""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from churn import names, storage
from churn.arguments import bounded
from churn.bundles import BundleError
from churn.score.reader import InputError
from churn.score.run import RejectsError, ScoreOptions, score
from churn.score.transform import TransformError, TransformSettings

PROG: Final = "churn-score"
EXIT_BAD_INPUT: Final = 2
EXIT_REJECTS: Final = 3
EXIT_OUTPUT: Final = 4
EXIT_BUNDLE: Final = 5
EXIT_TRANSFORM: Final = 6
EXIT_INTERNAL: Final = 70

EPILOG = f"""\
The input is a CSV in the data set's format (customerID and the 19 contract fields; Churn
and other columns are ignored), plain or gzip-compressed. Rows that break the contract go
to rejects.csv and never stop the run, unless there are more than --max-reject-share of
them. The outputs (scores.csv, top.csv, rejects.csv, summary.json, drift.json, DRIFT.md)
appear all at once at --output, which must not exist yet; the last line on stdout is that
location. Progress goes to stderr.

exit codes:
  0   scored and published
  {EXIT_BAD_INPUT}   bad arguments, or the input cannot be read or is not a customer table
  {EXIT_REJECTS}   too many rows broke the contract; nothing was published
  {EXIT_OUTPUT}   the outputs could not be written; nothing was left behind
  {EXIT_BUNDLE}   no usable model bundle at --bundle
  {EXIT_TRANSFORM}   the transform job failed or wrote unexpected output; nothing was published
  {EXIT_INTERNAL}  an unexpected error (set CHURN_DEBUG=1 to see the traceback)
"""


def build_parser() -> argparse.ArgumentParser:
    defaults = ScoreOptions()
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Score every customer of a base with a model bundle: probabilities, "
        "risk bands and drivers, the rows that break the contract, and a drift report.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--input", required=True, help="the customers: a path, s3://bucket/key or https:// URL"
    )
    parser.add_argument(
        "--output", required=True, help="a new directory or s3://bucket/prefix for the outputs"
    )
    parser.add_argument(
        "--bundle",
        default="artifacts",
        help="a bundle, a folder of bundles (the newest is used) or s3://…/models/<version> "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--engine",
        choices=("local", "batch-transform"),
        default="local",
        help="score in this process, or with SageMaker Batch Transform (%(default)s)",
    )
    transform = parser.add_argument_group(
        "batch-transform engine", "where the job runs; each flag defaults to its variable"
    )
    transform.add_argument(
        "--role-arn",
        default=os.environ.get("CHURN_TRANSFORM_ROLE_ARN"),
        help="the role SageMaker assumes for the job (CHURN_TRANSFORM_ROLE_ARN)",
    )
    transform.add_argument(
        "--image",
        default=os.environ.get("CHURN_XGBOOST_IMAGE"),
        help="the sagemaker-xgboost:1.7-1 image of the region (CHURN_XGBOOST_IMAGE)",
    )
    transform.add_argument(
        "--work",
        default=os.environ.get("CHURN_SCORE_WORK"),
        help="s3://bucket/prefix for the job's inputs and outputs (CHURN_SCORE_WORK)",
    )
    transform.add_argument(
        "--instance-type",
        default="ml.m5.xlarge",
        help="the job's instance type (%(default)s)",
    )
    parser.add_argument(
        "--explain",
        choices=("churners", "all", "none"),
        default=defaults.explain,
        help="whose top-3 drivers to compute: customers at or above the threshold, everyone, "
        "or no one (%(default)s); drivers cost about forty predictions each",
    )
    parser.add_argument(
        "--top",
        type=bounded(int, 0, 1_000_000),
        default=defaults.top,
        help="how many of the riskiest customers top.csv keeps (%(default)s)",
    )
    parser.add_argument(
        "--max-reject-share",
        type=bounded(float, 0.0, 1.0),
        default=defaults.max_reject_share,
        help="fail, publishing nothing, when more than this share of rows break the "
        "contract (%(default)s)",
    )
    parser.add_argument(
        "--report",
        type=Path,
        help="also write the published run's SUMMARY.md, DRIFT.md, drift.json and "
        "drift-status (one word) to this local folder, e.g. for a workflow's job summary",
    )
    return parser


def _progress(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    options = ScoreOptions(
        explain=arguments.explain,
        top=int(arguments.top),
        max_reject_share=arguments.max_reject_share,
        report_dir=arguments.report,
    )
    try:
        transform = _transform_settings(arguments)
        summary = score(
            arguments.input,
            arguments.output,
            arguments.bundle,
            options,
            _progress,
            transform=transform,
        )
    except KeyboardInterrupt:
        return _fail(130, "interrupted; nothing was published")
    except Exception as error:  # noqa: BLE001 - the last line of defence: no traceback to users
        return _fail(*_explain(error))
    rows = summary["rows"]
    _progress(
        f"{rows['scored']:,} scored, {rows['rejected']:,} rejected, drift: "
        f"{summary['drift']['status']} ({json.dumps(summary['bands'])})"
    )
    print(arguments.output)
    return 0


def _transform_settings(arguments: argparse.Namespace) -> TransformSettings | None:
    if arguments.engine == "local":
        return None
    missing = [
        flag
        for flag, value in (
            ("--role-arn", arguments.role_arn),
            ("--image", arguments.image),
            ("--work", arguments.work),
        )
        if not value
    ]
    if missing:
        raise InputError(f"the batch-transform engine needs {', '.join(missing)}")
    if not storage.is_s3(arguments.work):
        raise InputError(f"--work must be an s3:// prefix, not {arguments.work!r}")
    return TransformSettings(
        role_arn=arguments.role_arn,
        image_uri=arguments.image,
        work=arguments.work,
        name_prefix=names.name_prefix(),
        instance_type=arguments.instance_type,
    )


def _explain(error: Exception) -> tuple[int, str]:
    """The exit code and the one line a failure is reported with."""
    if isinstance(error, InputError):
        return EXIT_BAD_INPUT, f"invalid input: {error}"
    if isinstance(error, RejectsError):
        return EXIT_REJECTS, str(error)
    if isinstance(error, TransformError):
        return EXIT_TRANSFORM, f"batch transform failed: {error}"
    if isinstance(error, BundleError):
        return EXIT_BUNDLE, f"no model to score with: {error}"
    if isinstance(error, storage.StorageError):
        return EXIT_OUTPUT, f"cannot write the outputs: {error}"
    if os.environ.get("CHURN_DEBUG"):
        traceback.print_exception(error)
    return EXIT_INTERNAL, f"internal error: {type(error).__name__}: {error}"


def _fail(code: int, message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return code
