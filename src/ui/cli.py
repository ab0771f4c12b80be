"""``churn-ui``: start the Streamlit UI against a prediction API, as `make run` does."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from pydantic import ValidationError

from churn import cli
from churn.errors import UsageError
from churn.ui.settings import MAX_FILE_MB, UiSettings

PROG: Final = "churn-ui"
APP: Final = Path(__file__).with_name("app.py")
# Production settings, the same on a laptop and in the container.
STREAMLIT_OPTIONS: Final = {
    "server.headless": "true",
    "browser.gatherUsageStats": "false",
    "server.enableXsrfProtection": "true",
    "server.enableCORS": "true",
    "server.maxUploadSize": str(MAX_FILE_MB),  # Streamlit refuses larger uploads
    "server.fileWatcherType": "none",
    "client.toolbarMode": "viewer",
    "global.developmentMode": "false",
}


def streamlit_argv(port: int, address: str) -> list[str]:
    options = STREAMLIT_OPTIONS | {"server.port": str(port), "server.address": address}
    return ["streamlit", "run", str(APP), *(f"--{name}={value}" for name, value in options.items())]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=__doc__,
        epilog=cli.EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--api",
        default=os.environ.get("API_ENDPOINT", "http://127.0.0.1:8000"),
        help="the prediction API's base URL (default: %(default)s)",
    )
    parser.add_argument("--port", type=int, default=8501, help="port (%(default)s)")
    parser.add_argument("--address", default="127.0.0.1", help="address to bind (%(default)s)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    return cli.run(PROG, lambda: _serve(arguments))


def _serve(arguments: argparse.Namespace) -> None:
    try:  # what the page will read, checked before Streamlit starts
        UiSettings.model_validate({"API_ENDPOINT": arguments.api})
    except ValidationError as error:
        first = error.errors()[0]
        raise UsageError(f"{first['loc'][0]} {first['input']!r}: {first['msg']}") from None
    os.environ["API_ENDPOINT"] = arguments.api
    cli.progress(PROG)(f"http://{arguments.address}:{arguments.port} -> {arguments.api}")
    # In this process (not a new interpreter), so the UI runs exactly where churn-ui runs.
    from streamlit.web import cli as streamlit_cli  # noqa: PLC0415 - heavy; only when serving

    sys.argv = streamlit_argv(arguments.port, arguments.address)
    streamlit_cli.main()  # exits with Streamlit's own code when the server stops


if __name__ == "__main__":
    sys.exit(main())
