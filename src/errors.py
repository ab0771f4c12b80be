"""The one base of every error this project raises on purpose, carrying the exit code a
``churn-*`` command ends with when it reaches the command line (``churn.cli.run``).

Exit codes, the same for every command (docs/cli.md):

====  ===========  ==========================================================================
code  name         meaning
====  ===========  ==========================================================================
0     OK           done
1     REFUSED      the input, or a check, said no: a file or request that breaks the
                   contract, too many rejects, a failed quality gate or smoke test, a missing
                   object or file, a plan that is not the reviewed one
2     USAGE        the command line itself is wrong (argparse's own code)
3     DEPENDENCY   something relied on failed: S3, SageMaker, ECS, ECR, GitHub, Terraform,
                   Docker, the network or the disk
70    INTERNAL     a bug: an error nothing here anticipated (CHURN_DEBUG=1 prints its
                   traceback; sysexits' EX_SOFTWARE)
130   INTERRUPTED  stopped by Ctrl-C (128 + SIGINT, as shells report it)
====  ===========  ==========================================================================

Pure standard library: the Lambda and every image import it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from enum import IntEnum
from typing import ClassVar


class ExitCode(IntEnum):
    OK = 0
    REFUSED = 1
    USAGE = 2
    DEPENDENCY = 3
    INTERNAL = 70
    INTERRUPTED = 130


class ChurnError(Exception):
    """An error reported to a person in one line (its message), ending a command with
    ``exit_code``. ``details``: what a tool said that explains it (Terraform's diagnostics,
    say), shown before that line."""

    exit_code: ClassVar[ExitCode] = ExitCode.REFUSED

    def __init__(self, message: str, *, details: str = "") -> None:
        super().__init__(message)
        self.details = details


class RefusedError(ChurnError):
    """The input, or a check, said no."""

    exit_code = ExitCode.REFUSED


class DependencyError(ChurnError):
    """Something the command relies on failed (a service, a tool, the network, the disk)."""

    exit_code = ExitCode.DEPENDENCY


class UsageError(ChurnError):
    """The arguments cannot work together, found after argparse accepted each one."""

    exit_code = ExitCode.USAGE


@contextlib.contextmanager
def context(words: str) -> Iterator[None]:
    """Say what was being done before the message of a ``ChurnError`` raised in the block
    (``cannot write the bundle: <its message>``); its class, and so its exit code, stay."""
    try:
        yield
    except ChurnError as error:
        error.args = (f"{words}: {error}", *error.args[1:])
        raise
