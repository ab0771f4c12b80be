"""The model-version bump on a copy of the repository: only the version line changes, and
the pull request's table shows both models' metrics."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from churn import storage
from churn.errors import ExitCode
from churn.ops import bump_model, pointers
from tests.support.cli import help_text
from tests.support.environments import REPO_ROOT
from tests.support.servers import make_bucket


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
    assert text.endswith(".tfvars`.\n")  # its last sentence, then one newline: nothing after


def test_terraform_still_reads_the_bumped_file(
    repo_copy: Path, models: tuple[Path, Path], tmp_path: Path, terraform: dict[str, str]
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
        [
            "terraform",
            "console",
            "-var",
            "release_id=unreleased",
            "-var",
            "plain_http_demo=true",
            "-var",
            "image_digests=" + pointers.placeholders("platform")["image_digests"],
        ],
        input="var.model_version\n",
        cwd=scratch,
        capture_output=True,
        text=True,
        check=False,
        env=terraform,
    )
    assert console.stdout.strip() == f'"{challenger.name}"', console.stderr


@pytest.mark.parametrize(
    ("bundle_name", "message"),
    [
        ("not-a-version", "not-a-version: not a bundle version id"),
        ("20261201T000000Z-abcdeX", "20261201T000000Z-abcdeX: not a bundle version id"),
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
    assert code == ExitCode.REFUSED
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
    assert code == ExitCode.REFUSED
    assert capsys.readouterr().err == (
        f"churn-bump-model: error: {serving} is already the model main serves\n"
    )


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


def test_the_pull_request_body_in_full() -> None:
    """Every line of a body: a metric only one model has shows "—" for the other, a value
    that is not a number is not shown, and a bundle without a version reads "?"."""
    champion = {
        "model_version": "20260101T000000Z-aaaaaa",
        "test": {"model": {"roc_auc": 0.8, "f1": 0.61}},
        "threshold": 0.35,
        "cross_validation": {"model": {"roc_auc": {"mean": 0.84, "std": "n/a"}}},
    }
    challenger = {
        "test": {"model": {"roc_auc": 0.8512, "f1": 0.6}},
        "threshold": 0.4,
        "cross_validation": 7,
    }
    body = bump_model.pull_request_body(champion, challenger, "s3://m/models/new")
    assert body == "\n".join(
        [
            "Serve model `?`, trained from `s3://m/models/new`, instead of "
            "`20260101T000000Z-aaaaaa`.",
            "",
            "| metric | serving `20260101T000000Z-aaaaaa` | new `?` | |",
            "|---|---:|---:|---|",
            "| CV ROC-AUC (mean of 5x3 folds) | 0.8400 | — |  |",
            "| CV ROC-AUC std | — | — |  |",
            "| CV PR-AUC | — | — |  |",
            "| CV Brier score | — | — |  |",
            "| Test ROC-AUC | 0.8000 | 0.8512 | better |",
            "| Test PR-AUC | — | — |  |",
            "| Test F1 at the threshold | 0.610 | 0.600 | worse |",
            "| Test precision | — | — |  |",
            "| Test recall | — | — |  |",
            "| Decision threshold | 0.350 | 0.400 |  |",
            "| Baseline CV ROC-AUC (same folds) | — | — |  |",
            "",
            "Both columns come from each bundle's `metrics.json` (CV on the training split, "
            "test on the held-out split). Merging this pull request deploys the new model; "
            "it changes only `terraform/platform/model.auto.tfvars`.",
        ]
    )


def test_a_serving_model_without_a_version_reads_as_a_question_mark() -> None:
    body = bump_model.pull_request_body({}, {"model_version": "20261201T000000Z-bbbbbb"}, "b")
    assert body.splitlines()[:3] == [
        "Serve model `20261201T000000Z-bbbbbb`, trained from `b`, instead of `?`.",
        "",
        "| metric | serving `?` | new `20261201T000000Z-bbbbbb` | |",
    ]


@pytest.mark.parametrize(
    ("metrics", "path", "value"),
    [
        ({"a": {"b": 2}}, ("a", "b"), 2.0),
        ({"a": {"b": 0.5}}, ("a", "b"), 0.5),
        ({"a": 5}, ("a", "b"), None),  # a number where a section should be
        ({"a": {"c": 1}}, ("a", "b"), None),
        ({"a": {"b": "0.5"}}, ("a", "b"), None),  # text is not a metric
        ({"a": {"b": {"mean": 1}}}, ("a", "b"), None),
    ],
)
def test_lookup_finds_numbers_only(
    metrics: dict[str, Any], path: tuple[str, ...], value: float | None
) -> None:
    found = bump_model.lookup(metrics, path)
    assert found == value and (value is None or type(found) is float)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "{uri}: no such file"),
        ("not json", "{uri}: not JSON"),
        ("[1, 2]", "{uri}: not a metrics document"),
    ],
)
def test_a_bundle_without_readable_metrics_is_one_line(
    tmp_path: Path, content: str | None, message: str
) -> None:
    bundle = tmp_path / "20260101T000000Z-aaaaaa"
    bundle.mkdir()
    if content is not None:
        (bundle / "metrics.json").write_text(content)
    with pytest.raises(bump_model.BumpError) as refused:
        bump_model.metrics_of(f"{bundle}/")  # a trailing slash is the same bundle
    assert str(refused.value) == message.format(uri=bundle / "metrics.json")


def test_a_bundles_metrics_are_read_through_a_trailing_slash(tmp_path: Path) -> None:
    bundle = tmp_path / "bundleX"  # a name ending in a letter the slash is not
    bundle.mkdir()
    (bundle / "metrics.json").write_text('{"model_version": "v"}')
    assert bump_model.metrics_of(f"{bundle}//") == {"model_version": "v"}


def test_a_model_file_without_a_version_line_is_one_line(repo_copy: Path) -> None:
    (repo_copy / bump_model.MODEL_FILE).write_text('# model_version = "x"\n')
    with pytest.raises(bump_model.BumpError) as refused:
        bump_model.current_version(repo_copy)
    assert (
        str(refused.value) == 'terraform/platform/model.auto.tfvars: no model_version = "..." line'
    )


def test_a_repository_without_the_model_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(bump_model.BumpError) as refused:
        bump_model.read_model_file(tmp_path)
    assert str(refused.value) == (
        "terraform/platform/model.auto.tfvars: cannot read it (No such file or directory)"
    )


def test_a_model_file_with_two_version_lines_is_not_rewritten(repo_copy: Path) -> None:
    model_file = repo_copy / bump_model.MODEL_FILE
    twice = model_file.read_text() * 2
    model_file.write_text(twice)
    with pytest.raises(bump_model.BumpError) as refused:
        bump_model.set_version(repo_copy, "20261123T142501Z-3f9a1c")
    assert str(refused.value) == (
        "terraform/platform/model.auto.tfvars: expected exactly one model_version line, found 2"
    )
    assert model_file.read_text() == twice


def test_the_repository_defaults_to_the_working_directory(
    repo_copy: Path, models: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """And the new bundle may be named with a trailing slash."""
    _, challenger = models
    monkeypatch.chdir(repo_copy)
    body = tmp_path / "body.md"
    code = bump_model.main([f"{challenger}/", "--models", str(tmp_path), "--body", str(body)])
    assert code == 0
    assert bump_model.current_version(repo_copy) == challenger.name


def test_the_help_names_every_argument(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert help_text(bump_model.main, capsys, monkeypatch) == (
        "usage: churn-bump-model [-h] --models MODELS [--repo REPO] --body BODY bundle "
        "Point the platform at a new bundle and write the pull request's body. positional "
        "arguments: bundle the new bundle: s3://<bucket>/models/<version> or a directory "
        "options: -h, --help show this help message and exit --models MODELS where the "
        "serving bundle lives: s3://<bucket>/models or a folder --repo REPO the "
        "repository's root --body BODY file to write the pull request's body to"
    )


@pytest.mark.parametrize("missing", ["--models", "--body"])
def test_the_models_and_the_body_are_required(
    missing: str, capsys: pytest.CaptureFixture[str]
) -> None:
    given = {"--models": "s3://b/models", "--body": "body.md"}
    arguments = [part for name, value in given.items() if name != missing for part in (name, value)]
    with pytest.raises(SystemExit) as exit_:
        bump_model.main(["s3://b/models/v", *arguments])
    assert exit_.value.code == 2
    assert f"the following arguments are required: {missing}" in capsys.readouterr().err


@pytest.mark.usefixtures("aws_env")
def test_bundles_in_the_model_bucket_are_compared_and_a_missing_champion_is_said(
    repo_copy: Path,
    models: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """As in the retrain workflow: both bundles in S3, the folder named with a trailing
    slash; then a serving version the bucket never had (a fork's first model)."""
    champion, challenger = models
    make_bucket("churn-bump")
    for bundle in (champion, challenger):
        storage.publish_directory(
            bundle, f"s3://churn-bump/models/{bundle.name}", last="bundle.json"
        )
    model_file = repo_copy / bump_model.MODEL_FILE
    model_file.write_text(
        model_file.read_text().replace(bump_model.current_version(repo_copy), champion.name)
    )
    new = f"s3://churn-bump/models/{challenger.name}"
    body = tmp_path / "body.md"
    arguments = [
        "--models",
        "s3://churn-bump/models/",
        "--repo",
        str(repo_copy),
        "--body",
        str(body),
    ]
    assert bump_model.main([new, *arguments]) == 0
    text = body.read_text()
    assert text.startswith(
        f"Serve model `{challenger.name}`, trained from `{new}`, instead of `{champion.name}`."
    )
    assert "| Test ROC-AUC | 0.8000 |" in text  # the champion's metrics were read
    assert capsys.readouterr().err == (
        f"churn-bump-model: {champion.name} -> {challenger.name}; body written to {body}\n"
    )

    model_file.write_text(
        model_file.read_text().replace(challenger.name, "20250101T000000Z-cccccc")
    )
    assert bump_model.main([new, *arguments]) == 0
    said = capsys.readouterr().err.splitlines()
    assert said[0] == (
        "churn-bump-model: no serving bundle to compare with "
        "(s3://churn-bump/models/20250101T000000Z-cccccc/metrics.json: no object "
        "'models/20250101T000000Z-cccccc/metrics.json' in bucket 'churn-bump')"
    )
    text = body.read_text()
    assert text.startswith(
        f"Serve model `{challenger.name}`, trained from `{new}`, "
        "instead of `20250101T000000Z-cccccc`."
    )
    assert "| Test ROC-AUC | — |" in text


def test_a_new_bundle_named_from_its_own_folder(
    repo_copy: Path, models: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, challenger = models
    monkeypatch.chdir(challenger.parent)
    arguments = ["--models", ".", "--repo", str(repo_copy), "--body", str(tmp_path / "b.md")]
    assert bump_model.main([challenger.name, *arguments]) == 0
    assert bump_model.current_version(repo_copy) == challenger.name
