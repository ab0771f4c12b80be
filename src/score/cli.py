"""``churn-score``: score a customer base of any size against a model bundle."""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from churn import cli, names, storage
from churn.arguments import bounded
from churn.errors import UsageError
from churn.score.run import ScoreOptions, score
from churn.score.transform import TransformSettings

PROG: Final = "churn-score"

EPILOG = f"""\
The input is a CSV in the data set's format (customerID and the 19 contract fields; Churn
and other columns are ignored), plain or gzip-compressed. Rows that break the contract go
to rejects.csv and never stop the run, unless there are more than --max-reject-share of
them. The outputs (scores.csv, top.csv, rejects.csv, summary.json, drift.json, DRIFT.md)
appear all at once at --output, which must not exist yet; the last line on stdout is that
location. Progress goes to stderr. When the run fails, nothing is published.

{cli.EXIT_CODES}"""


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


def main(argv: Sequence[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    return cli.run(PROG, lambda: _score(arguments))


def _score(arguments: argparse.Namespace) -> str:
    options = ScoreOptions(
        explain=arguments.explain,
        top=int(arguments.top),
        max_reject_share=arguments.max_reject_share,
        report_dir=arguments.report,
    )
    say = cli.progress(PROG)
    transform = _transform_settings(arguments)
    summary = score(
        arguments.input, arguments.output, arguments.bundle, options, say, transform=transform
    )
    rows = summary["rows"]
    say(
        f"{rows['scored']:,} scored, {rows['rejected']:,} rejected, drift: "
        f"{summary['drift']['status']} ({json.dumps(summary['bands'])})"
    )
    return str(arguments.output)


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
        raise UsageError(f"the batch-transform engine needs {', '.join(missing)}")
    if not storage.is_s3(arguments.work):
        raise UsageError(f"--work must be an s3:// prefix, not {arguments.work!r}")
    return TransformSettings(
        role_arn=arguments.role_arn,
        image_uri=arguments.image,
        work=arguments.work,
        name_prefix=names.name_prefix(),
        instance_type=arguments.instance_type,
    )
