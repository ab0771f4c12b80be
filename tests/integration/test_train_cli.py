"""churn-train as a user runs it: the console script, the bundle it writes, its failures."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tarfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from churn import artifacts
from churn.errors import ExitCode
from churn.train import bundle as bundle_module
from churn.train.cli import main

CHURN_TRAIN = str(Path(sys.executable).with_name("churn-train"))
QUICK = ["--cv-folds", "2", "--cv-repeats", "1", "--min-roc-auc", "0.8"]


def run_train(
    *arguments: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CHURN_TRAIN, *arguments],
        capture_output=True,
        text=True,
        env=os.environ | (env or {}),
        timeout=600,
        check=False,
    )


def check_bundle_files(files: dict[str, bytes], data: bytes) -> dict[str, object]:
    """What every published bundle must satisfy; returns its metrics."""
    assert sorted(files) == sorted(artifacts.BUNDLE_FILES)
    manifest = json.loads(files[artifacts.MANIFEST])
    for name, digest in manifest["sha256"].items():
        assert hashlib.sha256(files[name]).hexdigest() == digest, name
    metrics: dict[str, object] = json.loads(files[artifacts.METRICS])
    assert metrics["model_version"] == manifest["version"]
    assert artifacts.VERSION_PATTERN.match(manifest["version"])
    assert metrics["data"]["sha256"] == hashlib.sha256(data).hexdigest()  # type: ignore[index]
    assert len(str(metrics["git_commit"])) >= 7
    return metrics


def test_full_training_on_the_real_data_publishes_a_bundle(data_path: Path, tmp_path: Path) -> None:
    finished = run_train("--data", str(data_path), "--output", str(tmp_path))

    assert finished.returncode == 0, finished.stderr
    location = Path(finished.stdout.strip().splitlines()[-1])
    assert location.parent == tmp_path
    assert [p.name for p in tmp_path.iterdir()] == [location.name]  # no .partial- leftovers
    files = {p.name: p.read_bytes() for p in location.iterdir()}
    metrics = check_bundle_files(files, data_path.read_bytes())
    assert metrics["quality_gate"] == {"min_roc_auc": 0.84, "passed": True}
    assert "quality gate passed" in finished.stderr
    assert "Traceback" not in finished.stderr
    card = files[artifacts.MODEL_CARD].decode()
    assert "## Limits" in card and location.name in card

    with tarfile.open(location / artifacts.MODEL_ARCHIVE) as archive:
        members = archive.getmembers()
    assert [(m.name, m.isfile()) for m in members] == [(artifacts.BOOSTER_FILE, True)]


def test_versions_are_unique_and_sort_by_time() -> None:
    same_second = datetime(2026, 11, 24, 9, 30, 5, tzinfo=UTC)
    twins = {bundle_module.new_version(same_second) for _ in range(50)}
    assert len(twins) == 50  # the random suffix separates trainings in the same second
    times = [same_second + timedelta(seconds=s) for s in (86_400 * 40, 1, 3_600, 59)]
    versions = [bundle_module.new_version(moment) for moment in times]
    assert all(artifacts.VERSION_PATTERN.match(version) for version in versions)
    assert sorted(versions) == [v for _, v in sorted(zip(times, versions, strict=True))]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--min-roc-auc", "0.99"], "is below --min-roc-auc 0.9900"),
        (["--n-estimators", "5", "--max-depth", "1", "--min-roc-auc", "0.5"], "does not beat the"),
    ],
    ids=["below the floor", "below the baseline"],
)
def test_the_quality_gate_refuses_and_writes_nothing(
    arguments: list[str], message: str, data_path: Path, tmp_path: Path
) -> None:
    output = tmp_path / "bundles"
    quick = ["--cv-folds", "2", "--cv-repeats", "1"]
    finished = run_train("--data", str(data_path), "--output", str(output), *quick, *arguments)
    assert finished.returncode == ExitCode.REFUSED
    assert message in finished.stderr.splitlines()[-1]
    assert "nothing was written" in finished.stderr
    assert not output.exists()


def test_a_crash_while_writing_leaves_nothing_behind(
    data_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def broken_card(metrics: dict[str, object]) -> str:
        raise OSError("disk full")

    monkeypatch.setattr(bundle_module, "model_card", broken_card)
    existing = tmp_path / "existing"
    existing.mkdir()
    fresh = tmp_path / "fresh"

    assert main(["--data", str(data_path), "--output", str(existing), *QUICK]) == ExitCode.INTERNAL
    assert main(["--data", str(data_path), "--output", str(fresh), *QUICK]) == ExitCode.INTERNAL

    assert list(existing.iterdir()) == []
    assert not fresh.exists()
    assert "internal error: OSError: disk full" in capsys.readouterr().err


def test_an_unwritable_output_is_refused(data_path: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    finished = run_train("--data", str(data_path), "--output", str(blocker / "bundles"), *QUICK)
    assert finished.returncode == ExitCode.REFUSED  # the path given is under a file
    assert finished.stderr.splitlines()[-1].startswith(
        "churn-train: error: cannot write the bundle"
    )
    assert blocker.read_text() == "not a directory"


def test_help_explains_every_flag_and_exit_code() -> None:
    finished = run_train("--help")
    assert finished.returncode == 0
    for flag in ("--data", "--output", "--seed", "--min-roc-auc", "--n-estimators"):
        assert flag in finished.stdout
    assert "exit codes" in finished.stdout
