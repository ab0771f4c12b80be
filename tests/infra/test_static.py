"""Every Terraform root formats cleanly and validates with the real provider."""

from __future__ import annotations

import json
import re
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


def test_tflint_config_parses_and_pins_the_aws_ruleset() -> None:
    """tflint cannot run here (a Go binary); its config is at least valid HCL with the AWS
    ruleset pinned, read by the HCL parser checkov ships in the scanners' venv."""
    python = REPO_ROOT / ".venv-scanners" / "bin" / "python"
    assert python.exists(), "run `make scanners` (make test does)"
    script = "import hcl2, json, sys; print(json.dumps(hcl2.load(open(sys.argv[1]))))"
    finished = subprocess.run(
        [str(python), "-c", script, str(REPO_ROOT / ".tflint.hcl")],
        capture_output=True,
        text=True,
        check=True,
    )
    config = json.loads(finished.stdout)
    plugins = {name: body for entry in config["plugin"] for name, body in entry.items()}
    aws = plugins["aws"]
    assert aws["enabled"] == [True]
    assert aws["source"] == ["github.com/terraform-linters/tflint-ruleset-aws"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", aws["version"][0])
    assert config["config"][0]["call_module_type"] == ["local"]
