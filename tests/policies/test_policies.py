"""The project's checkov policies: each check passes its pass_* fixtures and fails its
fail_* fixtures; and the real configuration passes every built-in and custom check, with
each skip carrying its reason inline."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.support.environments import REPO_ROOT

CHECKOV = REPO_ROOT / ".venv-scanners" / "bin" / "checkov"
POLICIES = REPO_ROOT / "policies"
FIXTURES = Path(__file__).parent / "fixtures"
# Which checks each fixture file exercises.
FIXTURE_CHECKS = {
    "naming.tf": {"CKV_CHURN_1"},
    "tags.tf": {"CKV_CHURN_2"},
    "iam.tf": {"CKV_CHURN_3", "CKV_CHURN_4"},
    "boundaries.tf": {"CKV_CHURN_13", "CKV_CHURN_14"},
    "network.tf": {"CKV_CHURN_5"},
    "serving.tf": {"CKV_CHURN_6", "CKV_CHURN_7", "CKV_CHURN_12"},
    "sagemaker_limits.tf": {"CKV_CHURN_8", "CKV_CHURN_9"},
    "fargate.tf": {"CKV_CHURN_10"},
    "name_limits.tf": {"CKV_CHURN_11"},
}
CUSTOM_IDS = sorted(set().union(*FIXTURE_CHECKS.values()))


def checkov(directory: Path, *arguments: str) -> dict[str, Any]:
    if not CHECKOV.exists():
        pytest.fail("checkov is missing: run `make scanners` (make test does)")
    finished = subprocess.run(
        [
            str(CHECKOV),
            "--directory",
            str(directory),
            "--framework",
            "terraform",
            "--external-checks-dir",
            str(POLICIES),
            "--skip-download",
            "--output",
            "json",
            *arguments,
        ],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "HOME": str(REPO_ROOT / ".cache")},
    )
    assert finished.returncode in (0, 1), finished.stderr[-3000:]
    report = json.loads(finished.stdout)
    assert isinstance(report, dict), "expected one framework's report"
    return report


@pytest.fixture(scope="module")
def fixture_report() -> dict[str, Any]:
    return checkov(FIXTURES, "--check", ",".join(CUSTOM_IDS))


def outcomes(report: dict[str, Any]) -> dict[tuple[str, str], str]:
    """(check id, resource name) -> passed / failed, for each fixture file's own checks."""
    seen = {}
    for outcome in ("passed", "failed"):
        for result in report["results"][f"{outcome}_checks"]:
            file_name = Path(result["file_path"]).name
            if result["check_id"] in FIXTURE_CHECKS[file_name]:
                name = re.sub(r"\[.*\]$", "", result["resource"].split(".")[-1])
                seen[(result["check_id"], name)] = outcome
    return seen


def declared_fixtures() -> list[tuple[str, str]]:
    """(file, name) of every pass_* / fail_* resource, data source or provider alias in the
    fixtures."""
    names = []
    for path in sorted(FIXTURES.glob("*.tf")):
        text = path.read_text()
        names += [
            (path.name, n)
            for n in re.findall(r'(?:resource|data) "\w+" "((?:pass|fail)_\w+)"', text)
        ]
        names += [(path.name, n) for n in re.findall(r'alias = "((?:pass|fail)_\w+)"', text)]
    return names


@pytest.mark.parametrize(("file_name", "name"), declared_fixtures())
def test_each_fixture_gets_the_outcome_its_name_promises(
    fixture_report: dict[str, Any], file_name: str, name: str
) -> None:
    results = {
        check: outcome
        for (check, resource), outcome in outcomes(fixture_report).items()
        if resource == name
    }
    assert results, f"{file_name}: no check of {sorted(FIXTURE_CHECKS[file_name])} ran on {name}"
    expected = "passed" if name.startswith("pass_") else "failed"
    assert set(results.values()) == {expected}, results


def test_every_custom_check_has_passing_and_failing_fixtures(
    fixture_report: dict[str, Any],
) -> None:
    seen = outcomes(fixture_report)
    for check in CUSTOM_IDS:
        assert {o for (c, _), o in seen.items() if c == check} == {"passed", "failed"}, check


@pytest.mark.slow
def test_the_configuration_passes_every_check_and_explains_every_skip() -> None:
    report = checkov(REPO_ROOT / "terraform")
    summary = report["summary"]
    failed = [f"{r['check_id']} {r['resource']}" for r in report["results"]["failed_checks"]]
    assert summary["failed"] == 0, failed
    assert summary["passed"] > 300  # the built-in checks ran, not only ours
    ran = {r["check_id"] for r in report["results"]["passed_checks"]}
    # No access key exists by default (CKV_CHURN_4), and the Lambda reserves no concurrency
    # by default: checkov reads that null variable as its reference (CKV_CHURN_7 UNKNOWN).
    assert set(CUSTOM_IDS) - {"CKV_CHURN_4", "CKV_CHURN_7"} <= ran
    for skipped in report["results"]["skipped_checks"]:
        reason = (skipped.get("check_result") or {}).get("suppress_comment", "")
        assert len(reason) > 20, f"{skipped['check_id']} on {skipped['resource']} has no reason"
