"""The one runner every ``churn-*`` command goes through: progress on stderr, an error in
one line with the exit code its class carries (``churn.errors``), a traceback only when
``CHURN_DEBUG`` is set, and 130 on Ctrl-C.

A command's ``main(argv)`` parses its arguments (argparse exits 2 on bad usage by itself),
then hands its work to ``run``; the work returns what to print on stdout, if anything.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Final

from churn.errors import ChurnError, ExitCode

Progress = Callable[[str], None]
DEBUG_VARIABLE: Final = "CHURN_DEBUG"
EXIT_CODES: Final = f"""\
exit codes (the same for every churn-* command; docs/cli.md):
  {ExitCode.OK:<3}  done
  {ExitCode.REFUSED:<3}  refused: the input, or a check, said no
  {ExitCode.USAGE:<3}  bad usage: the command line is wrong
  {ExitCode.DEPENDENCY:<3}  a dependency failed: S3, AWS, GitHub, Terraform, Docker, the network
  {ExitCode.INTERNAL:<3}  internal error, in one line ({DEBUG_VARIABLE}=1 prints the traceback)
  {ExitCode.INTERRUPTED:<3}  interrupted
"""


def progress(prog: str) -> Progress:
    """A function that says ``message`` on stderr as ``<prog>: <message>``."""

    def say(message: str) -> None:
        print(f"{prog}: {message}", file=sys.stderr, flush=True)

    return say


def append_outputs(outputs_file: Path | None, values: dict[str, str]) -> None:
    """``key=value`` lines appended to ``outputs_file`` (a workflow passes $GITHUB_OUTPUT)."""
    if outputs_file is not None:
        with outputs_file.open("a") as sink:
            sink.write("".join(f"{key}={value}\n" for key, value in values.items()))


def one_line(text: str) -> str:
    """A message as one line: a multi-line one (a tool's output) joined with " / "."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " / ".join(lines)


def run(prog: str, work: Callable[[], str | None]) -> int:
    """Run ``work``; print what it returns on stdout; the exit code of how it ended. (What
    the work was doing when it failed is in the message: ``churn.errors.context``.)"""
    try:
        printed = work()
    except KeyboardInterrupt:
        return _fail(prog, ExitCode.INTERRUPTED, "interrupted; nothing more was done")
    except ChurnError as error:
        _trace_if_asked(error)
        if error.details.strip():
            print(error.details.rstrip(), file=sys.stderr)
        return _fail(prog, error.exit_code, one_line(str(error)) or type(error).__name__)
    except Exception as error:  # noqa: BLE001 - the last line of defence: no traceback to users
        _trace_if_asked(error)
        hint = f" (set {DEBUG_VARIABLE}=1 for the traceback)"
        message = f"internal error: {type(error).__name__}: {one_line(str(error))}{hint}"
        return _fail(prog, ExitCode.INTERNAL, message)
    if printed is not None:
        print(printed, flush=True)
    return ExitCode.OK


def _trace_if_asked(error: BaseException) -> None:
    if os.environ.get(DEBUG_VARIABLE):
        traceback.print_exception(error)


def _fail(prog: str, code: ExitCode, message: str) -> int:
    print(f"{prog}: error: {message}", file=sys.stderr, flush=True)
    return int(code)
