"""``churn-api``: serve the prediction API with uvicorn, as `make run` does."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

from pydantic import ValidationError

from churn import cli
from churn.bundles import resolve
from churn.errors import UsageError

PROG = "churn-api"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Serve the churn prediction API (docs at /v1/docs).",
    )
    parser.add_argument(
        "--bundle",
        default=os.environ.get("CHURN_BUNDLE", "artifacts"),
        help="a bundle directory, a folder of bundles (newest served) or s3://… "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--scores",
        default=os.environ.get("CHURN_SCORES"),
        help="where churn-score publishes its runs (a folder or s3://…); the latest is "
        "served under /v1/scores (default: none)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (%(default)s)")
    parser.add_argument("--port", type=int, default=8000, help="port (%(default)s)")
    parser.add_argument(
        "--predictor",
        choices=("local", "sagemaker"),
        default=os.environ.get("CHURN_PREDICTOR", "local"),
        help="local: the booster in this process; sagemaker: CHURN_SAGEMAKER_ENDPOINT "
        "(default: %(default)s)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    return cli.run(PROG, lambda: _serve(arguments))


def _serve(arguments: argparse.Namespace) -> None:
    import uvicorn  # noqa: PLC0415 - only the CLI serves with uvicorn; the Lambda never does

    from churn.api.app import create_app  # noqa: PLC0415
    from churn.api.settings import Settings  # noqa: PLC0415

    bundle = resolve(arguments.bundle) if arguments.predictor == "local" else arguments.bundle
    try:
        settings = Settings(bundle=bundle, predictor=arguments.predictor, scores=arguments.scores)
    except ValidationError as error:
        raise UsageError(error.errors()[0]["msg"]) from None
    say = cli.progress(PROG)
    say(f"serving {bundle} on http://{arguments.host}:{arguments.port}/v1/docs")
    uvicorn.run(create_app(settings), host=arguments.host, port=arguments.port,
                log_level="warning", access_log=False)  # fmt: skip
