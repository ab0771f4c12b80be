"""Every churn-* command, as a user runs it (its console script, in a new process), given a
bad input: it ends with the code of the one exit-code table (churn.errors) and says why in
one line on stderr, with no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import NamedTuple

import pytest

from churn.errors import ExitCode
from tests.support.servers import free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MISSING = "/nonexistent/customers.csv"


class Bad(NamedTuple):
    arguments: tuple[str, ...]
    code: ExitCode
    said: str  # what the one line says, after "<command>: error: "


def cases(tmp: Path) -> dict[str, Bad]:
    closed = f"http://127.0.0.1:{free_port()}"
    return {
        "churn-train": Bad(
            ("--data", MISSING, "--output", str(tmp / "bundles")),
            ExitCode.REFUSED,
            f"invalid data: {MISSING}: no such file",
        ),
        "churn-score": Bad(
            ("--input", MISSING, "--output", str(tmp / "run"), "--bundle", str(tmp / "none")),
            ExitCode.REFUSED,
            f"no model to score with: {tmp / 'none'}: no such directory",
        ),
        "churn-api": Bad(("--bundle", str(tmp / "none")), ExitCode.REFUSED, f"{tmp / 'none'}: "),
        "churn-ui": Bad(
            ("--api", "ftp://api"), ExitCode.USAGE, "API_ENDPOINT 'ftp://api': String should"
        ),
        "churn-plan-comment": Bad(
            (f"platform={MISSING}", "--artifact-url", "x", "--output", str(tmp / "c.md")),
            ExitCode.REFUSED,
            f"{MISSING}: cannot read the plan",
        ),
        "churn-bump-model": Bad(
            ("not-a-version", "--models", str(tmp), "--repo", str(tmp), "--body", "b.md"),
            ExitCode.REFUSED,
            "terraform/platform/model.auto.tfvars",
        ),
        "churn-launch-training": Bad(
            ("--data", "s3://b/d.csv", "--output", "s3://b/models"),
            ExitCode.DEPENDENCY,
            "AWS refused: Could not connect to the endpoint URL",
        ),
        "churn-smoke": Bad(
            ("--api-endpoint", closed, "--bundle", str(tmp / "none"), "--auth", "none"),
            ExitCode.REFUSED,
            f"{tmp / 'none'}: no such directory",
        ),
        "churn-fetch-data": Bad(
            ("--url", MISSING, "--sha256", "0" * 64, "--output", str(tmp / "data.csv")),
            ExitCode.REFUSED,
            f"{MISSING}: no such file",
        ),
        "churn-github": Bad(
            ("upsert-comment", "--pr", "1", "--body", str(tmp / "comment.md")),
            ExitCode.USAGE,
            "GH_TOKEN, GITHUB_REPOSITORY not set",
        ),
        "churn-push-images": Bad(
            ("--tag", "0" * 40),
            ExitCode.DEPENDENCY,
            "AWS refused: Could not connect to the endpoint URL",
        ),
        "churn-release": Bad(
            ("--model-bucket", "b", "list"),
            ExitCode.DEPENDENCY,
            "s3://b/releases/: Could not connect to the endpoint URL",
        ),
        "churn-stack": Bad(
            ("apply", "platform", "--repo", str(tmp), "--out-dir", str(tmp / "plans")),
            ExitCode.REFUSED,
            f"{tmp / 'terraform' / 'platform'}: no such stack",
        ),
    }


def test_every_console_script_of_the_project_is_covered(tmp_path: Path) -> None:
    scripts = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert set(cases(tmp_path)) == set(scripts)
    assert len(scripts) == 13


@pytest.mark.parametrize("command", list(cases(Path("/tmp"))))
def test_a_bad_input_ends_with_the_tables_code_and_one_line(command: str, tmp_path: Path) -> None:
    bad = cases(tmp_path)[command]
    closed = f"http://127.0.0.1:{free_port()}"
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        # AWS calls go nowhere, at once: no retries, no credentials of this machine.
        "AWS_ENDPOINT_URL": closed,
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_DEFAULT_REGION": "eu-central-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }
    finished = subprocess.run(
        [str(BIN / command), *bad.arguments],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == bad.code, finished.stderr
    errors = [line for line in finished.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1, finished.stderr
    assert errors[0].startswith(f"{command}: error: {bad.said}"), finished.stderr
    assert "Traceback" not in finished.stderr
