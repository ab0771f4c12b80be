"""``churn-fetch-data``: download the data set from a pinned URL and keep it only if its
SHA-256 is the pinned one, so a machine without ``../shared`` (a CI runner, a fresh fork)
trains and tests on exactly the same bytes. The file appears whole or not at all.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from churn import cli, storage
from churn.errors import DependencyError, RefusedError

PROG: Final = "churn-fetch-data"


class FetchError(RefusedError):
    """The data could not be fetched or is not the pinned file; one line for the user."""


def fetch(url: str, sha256: str, output: Path) -> str:
    """Write the verified content to ``output`` (atomically) and say what happened."""
    if output.is_file() and digest(output.read_bytes()) == sha256:
        return f"{output} is already the pinned file"
    content = storage.read_bytes(url)
    found = digest(content)
    if found != sha256:
        raise FetchError(f"{url}: sha256 {found}, expected {sha256}; nothing was written")
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=output.parent, delete=False) as partial:
        try:
            partial.write(content)
            partial.close()
            Path(partial.name).replace(output)
        except OSError as error:
            Path(partial.name).unlink(missing_ok=True)
            raise DependencyError(f"{output}: cannot write it ({error.strerror})") from None
    return f"{output}: {len(content):,} bytes from {url}, sha256 verified"


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Download a file and keep it only if its SHA-256 is the pinned one.",
        epilog=cli.EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--url", required=True, help="https:// (or s3://) source")
    parser.add_argument("--sha256", required=True, help="the pinned SHA-256, 64 hex digits")
    parser.add_argument("--output", type=Path, required=True, help="where the file goes")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    return cli.run(PROG, lambda: _fetch(arguments))


def _fetch(arguments: argparse.Namespace) -> None:
    said = fetch(arguments.url, arguments.sha256.lower(), arguments.output)
    cli.progress(PROG)(said)


if __name__ == "__main__":
    sys.exit(main())
