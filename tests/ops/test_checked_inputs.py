"""The fingerprint of what the Terraform checks read: unchanged by a new model, code or docs,
changed by anything else; and the checks' own commands read nothing it leaves out."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from churn.errors import RefusedError
from churn.ops import checked_inputs
from tests.support import git_repo

REPO_ROOT = Path(__file__).resolve().parents[2]
POINTER = "terraform/platform/model.auto.tfvars"


def commit(repo: Path, files: dict[str, str]) -> str:
    """Commit ``files``; the fingerprint of the new HEAD."""
    git_repo.commit_files(repo, files)
    return checked_inputs.fingerprint(repo)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return git_repo.init(tmp_path / "repo")


BASE = {
    "terraform/platform/main.tf": 'resource "aws_s3_bucket" "this" {}\n',
    POINTER: '# the model main serves\nmodel_version = "20261124T001109Z-b4f6bc"\n',
    "policies/check.py": "CHECK = 1\n",
    "Makefile": "scan:\n\tcheckov --directory terraform\n",
    "src/api/app.py": "app = 1\n",
    "README.md": "# churn\n",
}


@pytest.mark.parametrize(
    "change",
    [
        {POINTER: '# the model main serves\nmodel_version = "20261207T101010Z-0a1b2c"\n'},
        {"src/api/app.py": "app = 2\n", "src/api/new.py": "x = 1\n"},
        {"README.md": "# churn, again\n", "terraform/platform/README.md": "A module.\n"},
        {"docs/new.md": "more\n", "tests/test_x.py": "x = 1\n", "bench/b.py": "b = 1\n"},
    ],
    ids=["model-version", "code", "markdown", "docs-tests-bench"],
)
def test_what_the_checks_do_not_read_leaves_it_unchanged(
    repo: Path, change: dict[str, str]
) -> None:
    before = commit(repo, BASE)
    assert commit(repo, change) == before


@pytest.mark.parametrize(
    "change",
    [
        {"terraform/platform/main.tf": 'resource "aws_s3_bucket" "that" {}\n'},
        {POINTER: '# the model main serves\nmodel_version = "x"\nextra = 1\n'},
        {POINTER: '# the model main serves\nmodel_version = "20261124T001109Z-b4f6bc"\n\n\n'},
        {"policies/check.py": "CHECK = 2\n"},
        {"Makefile": "scan:\n\tcheckov --directory terraform --soft-fail\n"},
        {".tflint.hcl": "plugin {}\n"},
        {"terraform/platform/other.tfvars": "size = 1\n"},
    ],
    ids=[
        "terraform",
        "pointer-file-beyond-the-version",
        "pointer-file-blank-lines",
        "policies",
        "makefile",
        "new-file",
        "tfvars",
    ],
)
def test_anything_else_changes_it(repo: Path, change: dict[str, str]) -> None:
    before = commit(repo, BASE)
    assert commit(repo, change) != before


def test_a_file_made_executable_changes_it(repo: Path) -> None:
    before = commit(repo, BASE)
    (repo / "Makefile").chmod(0o755)
    assert commit(repo, {}) != before


def test_outside_a_git_checkout_it_says_so_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(RefusedError) as refused:
        checked_inputs.fingerprint(tmp_path)
    assert str(refused.value).startswith(f"{tmp_path}: git ls-tree failed: ")
    assert "\n" not in str(refused.value)


def test_the_checks_commands_name_nothing_the_fingerprint_leaves_out() -> None:
    """The reusable checks workflow's steps and the Makefile targets it calls: a folder the
    fingerprint leaves out, named there, would let a change to it skip checks it affects."""
    workflow = yaml.safe_load(
        (REPO_ROOT / ".github/workflows/reusable-terraform-checks.yml").read_text()
    )
    runs = [step.get("run", "") for step in workflow["jobs"]["checks"]["steps"]]
    assert any("make" in run and "tf-check scan" in run for run in runs)
    made = subprocess.run(
        ["make", "-n", "--no-print-directory", "tf-check", "scan"],
        cwd=REPO_ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    for text in [*runs, made]:
        for folder in checked_inputs.NOT_READ_FOLDERS:
            assert folder not in text and f" {folder.rstrip('/')} " not in text, (folder, text)
