"""Every Terraform root formats cleanly and validates with the real provider."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from churn.ops.terraform import prepare_roots
from tests.support.environments import REPO_ROOT

ROOTS = sorted(
    path.parent.name
    for path in (REPO_ROOT / "terraform").glob("*/versions.tf")
    if path.parent.name != "modules"
)


def test_terraform_fmt_is_clean() -> None:
    finished = subprocess.run(
        ["terraform", "fmt", "-check", "-recursive", "-diff", str(REPO_ROOT / "terraform")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert finished.returncode == 0, finished.stdout


def test_there_are_roots() -> None:
    assert set(ROOTS) == {"bootstrap", "pipeline", "platform"}


@pytest.mark.parametrize("root", ROOTS)
def test_root_validates(root: str, tmp_path: Path) -> None:
    terraform = prepare_roots(REPO_ROOT, tmp_path)[root]
    terraform.run("init", "-backend=false", "-input=false")
    assert "The configuration is valid" in terraform.run("validate", "-no-color").stdout


@pytest.mark.parametrize("root", ROOTS)
def test_root_commits_its_lock_file_for_the_mirrored_provider(root: str) -> None:
    lock = (REPO_ROOT / "terraform" / root / ".terraform.lock.hcl").read_text()
    assert 'provider "registry.terraform.io/hashicorp/aws"' in lock
    assert 'version     = "5.100.0"' in lock
