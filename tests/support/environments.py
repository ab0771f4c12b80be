"""Clean Python environments for proving dependency sets, cached between runs.

Each environment lives under ``.cache/environments/<name>-<hash of its inputs>`` and is
reused while its inputs are unchanged; a marker written last means it is complete. Test
workers running in parallel build each one once: the first takes its lock, the others wait.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
CACHE = REPO_ROOT / ".cache" / "environments"
COMPLETE = ".complete"


def _digest(*parts: str | Path) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part.read_bytes() if isinstance(part, Path) else part.encode())
    return hasher.hexdigest()[:12]


def _pip(*arguments: str, python: str = sys.executable) -> None:
    command = [python, "-m", "pip", "--disable-pip-version-check", "--quiet", *arguments]
    finished = subprocess.run(command, capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        raise RuntimeError(f"{shlex.join(command)} failed:\n{finished.stderr[-3000:]}")


@contextlib.contextmanager
def built_once(directory: Path) -> Iterator[bool]:
    """Whether ``directory`` must be built, under its lock (held until the block ends, so
    parallel workers build it once): the caller builds it when told to, the marker follows."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    with directory.with_name(f"{directory.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        missing = not (directory / COMPLETE).exists()
        if missing:
            shutil.rmtree(directory, ignore_errors=True)
        yield missing
        if missing:
            (directory / COMPLETE).touch()


def target_directory(name: str, requirements: Path, constraints: Path) -> Path:
    """``pip install --target`` of a requirement file, as a Dockerfile does it, but for the
    bytecode: an image compiles it (for its cold start), this folder does not
    (``--no-compile``: the same packages in three-fifths less CPU)."""
    directory = CACHE / f"{name}-{_digest(requirements, constraints)}"
    with built_once(directory) as missing:
        if missing:
            _pip(
                "install",
                "--no-compile",
                "--target",
                str(directory),
                "-r",
                str(requirements),
                "-c",
                str(constraints),
            )
    return directory


def virtualenv(name: str, requirements: Path) -> Path:
    """A venv with exactly ``requirements`` installed; returns its python."""
    directory = CACHE / f"{name}-{_digest(requirements)}"
    python = directory / "bin" / "python"
    with built_once(directory) as missing:
        if missing:
            # The project's installer (scripts/setup.sh): a test's own environment, not an
            # image's, so it need not be built as a Dockerfile builds one.
            uv = str(Path(sys.executable).with_name("uv"))
            for command in (
                [uv, "venv", "--quiet", "--python", sys.executable, str(directory)],
                [uv, "pip", "install", "--quiet", "--python", str(python), "-r", str(requirements)],
            ):
                finished = subprocess.run(command, capture_output=True, text=True, check=False)
                if finished.returncode != 0:
                    raise RuntimeError(f"{shlex.join(command)} failed:\n{finished.stderr[-3000:]}")
    return python


class Installer:
    """What the ``installed`` fixture hands a test: the clean environments above."""

    target_directory = staticmethod(target_directory)
    virtualenv = staticmethod(virtualenv)


@dataclass(frozen=True)
class Copy:
    sources: tuple[str, ...]
    destination: str


def dockerfile_copies(dockerfile: Path) -> list[Copy]:
    """The ``COPY`` instructions of a Dockerfile (continuation lines joined)."""
    text = dockerfile.read_text().replace("\\\n", " ")
    copies = []
    for line in text.splitlines():
        words = line.split()
        if words[:1] == ["COPY"] and not any(word.startswith("--") for word in words):
            *sources, destination = words[1:]
            copies.append(Copy(tuple(sources), destination))
    return copies


def replay_copies(
    dockerfile: Path, image_root: Path, *, under: str, source_root: Path = REPO_ROOT
) -> None:
    """Apply the Dockerfile's COPY lines whose destination is below ``under``,
    mapping that image path onto ``image_root``; sources are read under ``source_root``
    (the checkout, or another commit's tree)."""
    for copy in dockerfile_copies(dockerfile):
        if not copy.destination.startswith(under):
            continue
        destination = image_root / copy.destination.removeprefix(under).lstrip("/")
        for source in copy.sources:
            origin = source_root / source
            if origin.is_dir():
                shutil.copytree(origin, destination, dirs_exist_ok=True)
            else:
                destination.mkdir(parents=True, exist_ok=True)
                shutil.copy2(origin, destination / origin.name)
