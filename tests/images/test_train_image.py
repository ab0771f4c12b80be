"""The training image's dependency set, proven without Docker: its requirements installed
into a clean target directory, the Dockerfile's COPY lines replayed, a real training run
and a real scoring run from there with site-packages switched off."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from churn import artifacts
from tests.support.environments import (
    REPO_ROOT,
    Installer,
    dockerfile_copies,
    replay_copies,
)

DOCKERFILE = REPO_ROOT / "src" / "train" / "Dockerfile"
IMAGE_LIB = "/opt/churn/lib"  # where the Dockerfile installs and copies everything


def image_python(
    lib: Path, target: Path, *arguments: str, cwd: Path
) -> subprocess.CompletedProcess[str]:
    # -S: no site-packages, so nothing of the development venv can leak in.
    python = getattr(sys, "_base_executable", sys.executable)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env |= {"PYTHONPATH": f"{lib}{os.pathsep}{target}", "GIT_COMMIT": "image-test"}
    return subprocess.run(
        [python, "-S", *arguments], capture_output=True, text=True, env=env, cwd=cwd,
        timeout=600, check=False,
    )  # fmt: skip


def test_training_runs_from_the_images_dependency_set(
    data_path: Path, tmp_path: Path, installed: Installer
) -> None:
    target = installed.target_directory(
        "train-image", REPO_ROOT / "src/train/requirements.txt", REPO_ROOT / "constraints.txt"
    )
    lib = tmp_path / "lib"
    replay_copies(DOCKERFILE, lib, under=IMAGE_LIB)

    where = image_python(
        lib, target, "-c", "import churn, xgboost; print(churn.__file__); print(xgboost.__file__)",
        cwd=tmp_path,
    )  # fmt: skip
    assert where.returncode == 0, where.stderr
    churn_file, xgboost_file = where.stdout.split()
    assert churn_file.startswith(str(lib)) and xgboost_file.startswith(str(target))

    output = tmp_path / "bundles"
    finished = image_python(
        lib, target, "-m", "churn.train", "--data", str(data_path), "--output", str(output),
        "--cv-folds", "2", "--cv-repeats", "1", cwd=tmp_path,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stderr
    bundle = Path(finished.stdout.strip().splitlines()[-1])
    assert sorted(p.name for p in bundle.iterdir()) == sorted(artifacts.BUNDLE_FILES)
    metrics = json.loads((bundle / artifacts.METRICS).read_text())
    assert metrics["git_commit"] == "image-test"

    # The same image scores the base (SageMaker Processing and ECS run `python -m churn.score`).
    scored = image_python(
        lib, target, "-m", "churn.score", "--input", str(data_path), "--output",
        str(tmp_path / "scores"), "--bundle", str(bundle), cwd=tmp_path,
    )  # fmt: skip
    assert scored.returncode == 0, scored.stderr
    summary = json.loads((tmp_path / "scores" / "summary.json").read_text())
    assert (summary["rows"]["scored"], summary["model_version"]) == (7043, bundle.name)


def test_the_image_holds_no_development_tools_and_the_cpu_only_xgboost(
    installed: Installer,
) -> None:
    target = installed.target_directory(
        "train-image", REPO_ROOT / "src/train/requirements.txt", REPO_ROOT / "constraints.txt"
    )
    packages = {p.name.split("-")[0].lower() for p in target.glob("*.dist-info")}
    assert {"xgboost_cpu", "scikit_learn", "pandas", "boto3"} <= packages
    assert not packages & {"pytest", "moto", "mypy", "ruff", "xgboost"}
    assert not list(target.glob("nvidia*"))


def test_every_copy_source_exists_and_only_training_code_is_copied() -> None:
    sources = [s for copy in dockerfile_copies(DOCKERFILE) for s in copy.sources]
    assert all((REPO_ROOT / s).exists() for s in sources), sources
    assert not any(s.startswith(("src/api", "src/ui", "tests")) for s in sources)
