"""What the Terraform checks read, as one fingerprint, so that a deploy runs them only when
it changed.

deploy.yml's checks (fmt, validate, tflint, checkov with ``policies/``: the reusable
terraform-checks workflow and the Makefile targets it calls) give the same verdict on the
same inputs: every tool is pinned in the repository. A release records the fingerprint of the
tree its checks read, and is deployed only once they passed; a later commit with the same
fingerprint as a deployed release (a new model, a change of code or docs) passed those checks
already, and its deploy goes without them: its release names the one they passed in.

The fingerprint is the commit's whole tree but what the checks do not read: the Python
(``src/``, ``tests/``, ``bench/``), ``docs/``, Markdown files, and the value of the model
pointer (``model.auto.tfvars``' version string, whose form the platform's variable validates
in every plan). Anything else, a file added anywhere included, changes it.
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Final

from churn.errors import RefusedError
from churn.ops import bump_model
from churn.ops.releases import Release, ReleaseLog

NOT_READ_FOLDERS: Final = ("src/", "tests/", "bench/", "docs/")
NOT_READ_SUFFIX: Final = ".md"
# How many of the newest releases are asked (newest first): the checks' inputs change far
# less often than the model, and a deploy reads each record it asks.
LOOK_BACK: Final = 20


class CheckoutError(RefusedError):
    """The folder is not a git checkout of the commit; one line for the user."""


def git(repo: Path, *arguments: str) -> bytes:
    finished = subprocess.run(  # noqa: S603 (git with arguments we build)
        ["git", "-C", str(repo), *arguments],  # noqa: S607 (the git on PATH)
        capture_output=True,
        check=False,
    )
    if finished.returncode != 0:
        said = finished.stderr.decode(errors="replace").strip().splitlines()
        raise CheckoutError(f"{repo}: git {arguments[0]} failed: {said[-1] if said else ''}")
    return finished.stdout


def read_by_checks(path: str) -> bool:
    return not path.startswith(NOT_READ_FOLDERS) and not path.endswith(NOT_READ_SUFFIX)


def tree_entries(repo: Path) -> Iterable[tuple[str, str, str]]:
    """(mode, object id, path) of every file in HEAD's tree."""
    listing = git(repo, "ls-tree", "-r", "-z", "--full-tree", "HEAD").decode()
    for entry in filter(None, listing.split("\0")):
        meta, path = entry.split("\t", 1)
        mode, _kind, object_id = meta.split(" ")
        yield mode, object_id, path


def without_model_version(repo: Path, object_id: str) -> str:
    """The pointer file's content with its version string, and nothing else, left out,
    hashed."""
    text = git(repo, "cat-file", "blob", object_id).decode()
    found = bump_model.VERSION_LINE.search(text)
    if found is not None:
        text = text[: found.start(2)] + text[found.end(2) :]
    return hashlib.sha256(text.encode()).hexdigest()


def fingerprint(repo: Path) -> str:
    """SHA-256 of what the checks read in the commit checked out in ``repo``."""
    pointer = PurePosixPath(bump_model.MODEL_FILE).as_posix()
    lines = []
    for mode, object_id, path in sorted(tree_entries(repo), key=lambda entry: entry[2]):
        if not read_by_checks(path):
            continue
        content = without_model_version(repo, object_id) if path == pointer else object_id
        lines.append(f"{mode} {content} {path}\n")
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def passed_before(log: ReleaseLog, inputs: str) -> Release | None:
    """The newest of the last LOOK_BACK releases whose checks read exactly ``inputs`` and
    passed. A deploy records its release while the checks still run beside its plans, and
    applies it only once they passed (deploy.yml): a release deployed anywhere passed them,
    one whose checks failed never was."""
    recent = log.ids()[-LOOK_BACK:]
    deployed = {event.release for event in log.events(recent) if event.kind == "deployed"}
    for release_id in reversed(recent):
        if release_id in deployed:
            release = log.read(release_id)
            if release.checked_inputs == inputs:
                return release
    return None
