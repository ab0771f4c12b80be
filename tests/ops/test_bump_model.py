"""The model-version bump on a copy of the repository: only the version line changes, and
the pull request's table shows both models' metrics."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from churn.ops import bump_model
from churn.ops.terraform import terraform_env
from tests.support.environments import REPO_ROOT


def version_of(bundle: Path) -> str:
    return str(json.loads((bundle / "metrics.json").read_text())["model_version"])


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "repo"
    shutil.copytree(
        REPO_ROOT / "terraform", copy / "terraform", ignore=shutil.ignore_patterns(".terraform")
    )
    return copy


@pytest.fixture
def models(bundle_dir: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A folder of two bundles: the serving one (champion) and a new one (challenger)."""
    folder = tmp_path / "models"
    champion = folder / "20260101T000000Z-aaaaaa"
    challenger = folder / bundle_dir.name
    shutil.copytree(bundle_dir, champion)
    shutil.copytree(bundle_dir, challenger)
    metrics = json.loads((champion / "metrics.json").read_text())
    metrics["model_version"] = champion.name
    metrics["test"]["model"]["roc_auc"] = 0.8
    (champion / "metrics.json").write_text(json.dumps(metrics))
    return champion, challenger


def test_only_the_version_line_changes_and_the_table_compares_both(
    repo_copy: Path, models: tuple[Path, Path], tmp_path: Path
) -> None:
    champion, challenger = models
    model_file = repo_copy / bump_model.MODEL_FILE
    original = model_file.read_text().replace(bump_model.current_version(repo_copy), champion.name)
    model_file.write_text(original)
    before = {p: p.read_bytes() for p in (repo_copy / "terraform").rglob("*") if p.is_file()}
    body = tmp_path / "body.md"

    code = bump_model.main(
        [
            str(challenger),
            "--models",
            str(champion.parent),
            "--repo",
            str(repo_copy),
            "--body",
            str(body),
        ]
    )

    assert code == 0
    after = {p: p.read_bytes() for p in (repo_copy / "terraform").rglob("*") if p.is_file()}
    assert [p for p in after if after[p] != before[p]] == [model_file]
    diff = [
        (old, new)
        for old, new in zip(original.splitlines(), model_file.read_text().splitlines(), strict=True)
        if old != new
    ]
    assert diff == [(f'model_version = "{champion.name}"', f'model_version = "{challenger.name}"')]
    text = body.read_text()
    assert f"| metric | serving `{champion.name}` | new `{challenger.name}` | |" in text
    test_auc = json.loads((challenger / "metrics.json").read_text())["test"]["model"]["roc_auc"]
    assert f"| Test ROC-AUC | 0.8000 | {test_auc:.4f} | better |" in text
    assert "| CV ROC-AUC (mean of 5x3 folds) |" in text


def test_terraform_still_reads_the_bumped_file(
    repo_copy: Path, models: tuple[Path, Path], tmp_path: Path
) -> None:
    _, challenger = models
    bump_model.set_version(repo_copy, challenger.name)
    # The platform's variable declarations (with their validation) and the bumped file,
    # without providers or backend, so terraform console can evaluate them offline.
    scratch = tmp_path / "console"
    scratch.mkdir()
    platform = repo_copy / "terraform" / "platform"
    shutil.copy(platform / "variables.tf", scratch)
    shutil.copy(repo_copy / bump_model.MODEL_FILE, scratch)
    console = subprocess.run(
        # plain_http_demo: no certificate here, and the platform requires one otherwise.
        ["terraform", "console", "-var", "image_tag=abc123", "-var", "plain_http_demo=true"],
        input="var.model_version\n",
        cwd=scratch,
        capture_output=True,
        text=True,
        check=False,
        env=terraform_env(REPO_ROOT),
    )
    assert console.stdout.strip() == f'"{challenger.name}"', console.stderr


@pytest.mark.parametrize(
    ("bundle_name", "message"),
    [
        ("not-a-version", "not-a-version: not a bundle version id"),
    ],
)
def test_a_bad_version_is_refused_and_nothing_changes(
    repo_copy: Path,
    tmp_path: Path,
    bundle_name: str,
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bundle = tmp_path / bundle_name
    bundle.mkdir()
    (bundle / "metrics.json").write_text(json.dumps({"model_version": bundle_name}))
    before = (repo_copy / bump_model.MODEL_FILE).read_text()
    body = tmp_path / "body.md"
    code = bump_model.main(
        [str(bundle), "--models", str(tmp_path), "--repo", str(repo_copy), "--body", str(body)]
    )
    assert code == 2
    assert message in capsys.readouterr().err
    assert (repo_copy / bump_model.MODEL_FILE).read_text() == before
    assert not body.exists()


def test_bumping_to_the_serving_version_is_refused(
    repo_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    serving = bump_model.current_version(repo_copy)
    code = bump_model.main(
        [
            f"s3://b/models/{serving}",
            "--models",
            "s3://b/models",
            "--repo",
            str(repo_copy),
            "--body",
            str(tmp_path / "b.md"),
        ]
    )
    assert code == 2
    assert "is already the model main serves" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("champion", "challenger", "higher_is_better", "said"),
    [
        (0.80, 0.85, True, "better"),
        (0.85, 0.80, True, "worse"),
        (0.80, 0.80, True, "="),
        (0.10, 0.08, False, "better"),  # lower is better: a smaller Brier score or spread
        (0.08, 0.10, False, "worse"),
        (0.10, 0.10, False, "="),
        (0.40, 0.45, None, ""),  # no direction: the threshold, the baseline
        (None, 0.80, True, ""),  # a metric the serving model does not have
        (0.80, None, True, ""),
    ],
)
def test_each_verdict(
    champion: float | None, challenger: float | None, higher_is_better: bool | None, said: str
) -> None:
    assert bump_model.verdict(champion, challenger, higher_is_better) == said


def test_every_row_of_the_table_gets_the_verdict_its_direction_says() -> None:
    """Every row, higher- and lower-is-better alike, from metrics where the new model moved
    each value by a known amount."""

    def metrics(version: str, shift: float) -> dict[str, Any]:
        document: dict[str, Any] = {"model_version": version}
        for _, path, _, _ in bump_model.ROWS:
            node = document
            for key in path[:-1]:
                node = node.setdefault(key, {})
            node[path[-1]] = 0.5 + shift
        return document

    table = bump_model.comparison(metrics("old", 0.0), metrics("new", 0.01)).splitlines()[2:]
    assert len(table) == len(bump_model.ROWS)
    for line, (label, _, _, higher_is_better) in zip(table, bump_model.ROWS, strict=True):
        expected = {True: "better", False: "worse", None: ""}[higher_is_better]
        assert line.startswith(f"| {label} |") and line.endswith(f"| {expected} |"), line
    same = bump_model.comparison(metrics("old", 0.0), metrics("new", 0.0)).splitlines()[2:]
    for line, (_, _, _, higher_is_better) in zip(same, bump_model.ROWS, strict=True):
        assert line.endswith("| = |" if higher_is_better is not None else "|  |"), line
