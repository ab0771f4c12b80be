"""How a storage failure reaches a person: one line naming the location, and the exit code
of whose fault it is."""

from __future__ import annotations

from churn.errors import ExitCode, RefusedError


class StorageError(RefusedError):
    """A location cannot be read or written because of what it names (no such file, bucket
    or object; an unsupported scheme; a destination that exists already)."""


class StorageUnavailableError(StorageError):
    """A location cannot be read or written because what holds it failed (S3 unreachable
    or refusing, an HTTPS server down, the disk)."""

    exit_code = ExitCode.DEPENDENCY
