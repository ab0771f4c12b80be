"""What training writes, file by file: the bundle's files and manifest, the metrics
document, the model card, the archive the SageMaker container loads, and where a bundle is
published (a folder, or an S3 prefix with the manifest last)."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
import platform
import re
import subprocess
import tarfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from churn import artifacts, contract
from churn.distributions import Reference
from churn.train import bundle
from churn.train.dataset import Dataset
from churn.train.training import TrainingResult
from tests.support.environments import REPO_ROOT
from tests.support.servers import intercept_puts, make_bucket, read_prefix

VERSION = "20261201T120000Z-abc123"


def write(trained: TrainingResult, dataset: Dataset, output: Path | str, **options: Any) -> str:
    arguments: dict[str, Any] = {"version": VERSION, "min_roc_auc": 0.7} | options
    return bundle.write_bundle(trained, dataset, str(output), **arguments)


def read_json(path: Path) -> Any:
    return json.loads(path.read_text())


@pytest.fixture
def far_from_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A machine whose local time is nine hours ahead of UTC."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_bundle_is_its_files_under_its_version_with_a_manifest_of_their_digests(
    trained: TrainingResult, dataset: Dataset, tmp_path: Path
) -> None:
    published = Path(write(trained, dataset, tmp_path / "models"))
    assert published == tmp_path / "models" / VERSION
    assert sorted(p.name for p in published.iterdir()) == sorted(artifacts.BUNDLE_FILES)
    assert [p.name for p in (tmp_path / "models").iterdir()] == [VERSION]  # no staging left
    digests = {
        name: hashlib.sha256((published / name).read_bytes()).hexdigest()
        for name in artifacts.BUNDLE_FILES
        if name != artifacts.MANIFEST
    }
    assert read_json(published / artifacts.MANIFEST) == {"version": VERSION, "sha256": digests}
    spec = read_json(published / artifacts.PREPROCESSING_SPEC)
    assert spec == trained.spec.model_dump(mode="json")


def test_json_files_are_two_space_indented_in_the_order_written(
    trained: TrainingResult, dataset: Dataset, tmp_path: Path
) -> None:
    published = Path(write(trained, dataset, tmp_path))
    for name in (artifacts.METRICS, artifacts.PREPROCESSING_SPEC, artifacts.MANIFEST):
        text = (published / name).read_text()
        assert text == json.dumps(json.loads(text), indent=2) + "\n", name
    metrics = read_json(published / artifacts.METRICS)
    assert list(metrics)[:3] == ["schema_version", "model_version", "created_at"]


def test_the_metrics_document_says_what_was_trained_on_what_and_where(
    trained: TrainingResult,
    dataset: Dataset,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    far_from_utc: None,
) -> None:
    monkeypatch.setenv("GIT_COMMIT", "0123abcd")
    before = datetime.now(UTC).replace(microsecond=0)
    metrics = read_json(Path(write(trained, dataset, tmp_path, min_roc_auc=0.81)) / "metrics.json")
    created = datetime.fromisoformat(metrics["created_at"])
    assert created.utcoffset() == timedelta(0)  # UTC, whatever the machine's zone
    assert before <= created <= datetime.now(UTC)
    assert metrics["schema_version"] == 1
    assert metrics["model_version"] == VERSION
    assert metrics["quality_gate"] == {"min_roc_auc": 0.81, "passed": True}
    assert metrics["data"] == {
        "source": dataset.source,
        "sha256": dataset.sha256,
        "rows": 7043,
        "churn_rate": round(float(dataset.labels.mean()), 5),
    }
    assert metrics["environment"] == {
        "python": platform.python_version(),
        **{name: metadata.version(name) for name in bundle.LIBRARIES},
    }
    assert metrics["git_commit"] == "0123abcd"
    assert metrics["contract_fields"] == list(contract.FIELD_NAMES)
    for key, value in trained.metrics.items():
        assert metrics[key] == json.loads(json.dumps(value)), key


def test_the_churn_rate_is_kept_to_five_decimals(
    trained: TrainingResult, dataset: Dataset, tmp_path: Path
) -> None:
    seven = dataclasses.replace(dataset, labels=dataset.labels.iloc[:7].reset_index(drop=True))
    metrics = read_json(Path(write(trained, seven, tmp_path)) / "metrics.json")
    assert metrics["data"]["churn_rate"] == round(float(seven.labels.mean()), 5)
    assert len(str(metrics["data"]["churn_rate"]).split(".")[1]) == 5


def test_the_commit_is_the_checkouts_when_git_commit_is_not_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("GIT_COMMIT", raising=False)
    monkeypatch.chdir(REPO_ROOT)
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert bundle._git_commit() == head
    monkeypatch.chdir(tmp_path)  # not a repository: git fails
    assert bundle._git_commit() == "unknown"
    monkeypatch.setenv("PATH", str(tmp_path))  # no git at all
    assert bundle._git_commit() == "unknown"


def test_a_library_that_is_not_installed_is_unknown() -> None:
    assert bundle._version_of("no-such-distribution-churn") == "unknown"
    assert bundle._version_of("xgboost-cpu") == metadata.version("xgboost-cpu")


def test_the_archive_holds_one_reproducible_file_at_the_best_compression(
    trained: TrainingResult, dataset: Dataset, tmp_path: Path
) -> None:
    first = Path(write(trained, dataset, tmp_path / "a")) / artifacts.MODEL_ARCHIVE
    second = Path(write(trained, dataset, tmp_path / "b")) / artifacts.MODEL_ARCHIVE
    raw = first.read_bytes()
    assert raw == second.read_bytes()
    assert raw[4:8] == b"\0\0\0\0"  # gzip's MTIME: not the time of writing, or no two agree
    assert raw[8] == 2  # gzip's XFL byte: written at level 9, the best compression
    with tarfile.open(first) as archive:
        (member,) = archive.getmembers()
        assert (member.name, member.mode, member.mtime) == (artifacts.BOOSTER_FILE, 0o644, 0)
        assert member.isfile()
        document = archive.extractfile(member)
        assert document is not None
        booster = json.loads(document.read())
    assert "learner" in booster
    assert gzip.decompress(raw)[:100].startswith(artifacts.BOOSTER_FILE.encode())


def test_the_model_card_reports_the_metrics_it_was_given(
    trained: TrainingResult, dataset: Dataset, tmp_path: Path
) -> None:
    published = Path(write(trained, dataset, tmp_path))
    metrics = read_json(published / artifacts.METRICS)
    card = (published / artifacts.MODEL_CARD).read_text(encoding="utf-8")
    assert card == bundle.model_card(metrics)
    assert card.startswith(f"# Model card: churn model {VERSION}\n")
    cv, test = metrics["cross_validation"], metrics["test"]
    for name in cv["model"]:
        row = (
            f"| {name} | {cv['model'][name]['mean']:.4f} ± {cv['model'][name]['std']:.4f} "
            f"| {cv['baseline'][name]['mean']:.4f} ± {cv['baseline'][name]['std']:.4f} "
            f"| {test['model'][name]:.4f} | {test['baseline'][name]:.4f} |\n"
        )
        assert row in card, name
    rows = re.findall(r"^\| (\w+) \| \d", card, flags=re.MULTILINE)
    assert rows == list(cv["model"])
    at_threshold = ", ".join(
        f"{name} {test['model'][name]:.3f}" for name in ("f1", "precision", "recall")
    )
    assert f"On the test split at that threshold: {at_threshold}.\n" in card
    top = [entry["feature"] for entry in metrics["feature_importance"]]
    assert f"Most informative features (share of gain): {', '.join(top[:5])}.\n" in card
    assert f"(sha256 `{dataset.sha256[:16]}…`), 7043 customers" in card


def test_a_bundle_is_published_to_s3_with_the_manifest_last(
    trained: TrainingResult,
    dataset: Dataset,
    monkeypatch: pytest.MonkeyPatch,
    aws_env: dict[str, str],
) -> None:
    make_bucket("churn-bundle-writer")
    order = intercept_puts(monkeypatch, lambda key: None)
    published = write(trained, dataset, "s3://churn-bundle-writer/models")
    assert published == f"s3://churn-bundle-writer/models/{VERSION}"
    assert order[-1] == f"models/{VERSION}/{artifacts.MANIFEST}"
    assert sorted(read_prefix("churn-bundle-writer", f"models/{VERSION}/")) == sorted(
        artifacts.BUNDLE_FILES
    )


def test_a_version_is_the_utc_time_and_a_random_suffix(far_from_utc: None) -> None:
    assert re.fullmatch(
        r"20261201T123456Z-[0-9a-f]{6}", bundle.new_version(datetime(2026, 12, 1, 12, 34, 56))
    )
    versions = {bundle.new_version() for _ in range(20)}
    assert len(versions) == 20
    now = datetime.now(UTC)
    for version in versions:
        assert artifacts.VERSION_PATTERN.match(version)
        stamp = datetime.strptime(version[:16], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        assert abs(now - stamp) < timedelta(minutes=1)


def test_the_bundle_carries_the_reference_distributions_of_its_training_data(
    bundle_dir: Path, trained: TrainingResult
) -> None:
    """What the drift report compares each scored base against (churn.distributions)."""
    reference = Reference.model_validate_json((bundle_dir / artifacts.REFERENCE).read_bytes())
    assert tuple(reference.fields) == contract.FIELD_NAMES
    assert reference.score_rows == len(trained.test_probabilities)
