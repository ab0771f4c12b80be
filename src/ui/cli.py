"""``churn-ui``: start the Streamlit UI against a prediction API, as `make run` does."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from churn.ui.settings import MAX_FILE_MB

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
    os.environ["API_ENDPOINT"] = arguments.api
    print(
        f"churn-ui: http://{arguments.address}:{arguments.port} -> {arguments.api}", file=sys.stderr
    )
    # In this process (not a new interpreter), so the UI runs exactly where churn-ui runs.
    from streamlit.web import cli as streamlit_cli  # noqa: PLC0415 - heavy; only when serving

    sys.argv = streamlit_argv(arguments.port, arguments.address)
    result: int = streamlit_cli.main()
    return result


if __name__ == "__main__":
    sys.exit(main())
