"""``churn-ui``: start the Streamlit UI against a prediction API, as `make run` does."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Final

APP: Final = Path(__file__).with_name("app.py")
# Production settings, the same on a laptop and in the container.
STREAMLIT_OPTIONS: Final = {
    "server.headless": "true",
    "browser.gatherUsageStats": "false",
    "server.enableXsrfProtection": "true",
    "server.enableCORS": "true",
    "server.maxUploadSize": "20",  # MB: a 7,043-row file is under 1 MB
    "server.fileWatcherType": "none",
    "client.toolbarMode": "viewer",
    "global.developmentMode": "false",
}


def command(api: str, port: int, address: str) -> tuple[list[str], dict[str, str]]:
    options = STREAMLIT_OPTIONS | {"server.port": str(port), "server.address": address}
    argv = [sys.executable, "-m", "streamlit", "run", str(APP)]
    argv += [f"--{name}={value}" for name, value in options.items()]
    return argv, os.environ | {"API_ENDPOINT": api}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="churn-ui", description=__doc__)
    parser.add_argument(
        "--api",
        default=os.environ.get("API_ENDPOINT", "http://127.0.0.1:8000"),
        help="the prediction API's base URL (default: %(default)s)",
    )
    parser.add_argument("--port", type=int, default=8501, help="port (%(default)s)")
    parser.add_argument("--address", default="127.0.0.1", help="address to bind (%(default)s)")
    arguments = parser.parse_args(argv)
    program, env = command(arguments.api, arguments.port, arguments.address)
    print(
        f"churn-ui: http://{arguments.address}:{arguments.port} -> {arguments.api}", file=sys.stderr
    )
    os.execve(program[0], program, env)  # noqa: S606 - replaces this process with streamlit


if __name__ == "__main__":
    sys.exit(main())
