"""A scratch git repository for the tests that read a commit's tree."""

from __future__ import annotations

import subprocess
from pathlib import Path


def init(path: Path) -> Path:
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    return path


def commit_files(repo: Path, files: dict[str, str]) -> None:
    """Write ``files`` (path -> text) into ``repo`` and commit everything there."""
    for name, text in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "c"],
        check=True,
    )
