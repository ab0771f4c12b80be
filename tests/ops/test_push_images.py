"""churn-push-images against moto's ECR, with the rehearsal's docker stand-in on PATH (no
Docker engine runs here): a first run builds and pushes the three images; a re-run of the
same commit finds every tag in ECR and pushes nothing, so a re-run deploy succeeds on
immutable tags. The prefix comes from NAME_PREFIX."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path

import boto3
import pytest

from churn.errors import ExitCode
from churn.ops import launch_training, push_images
from tests.support.environments import REPO_ROOT
from tests.support.servers import MotoServer

TAG = "0123456789abcdef0123456789abcdef01234567"
PREFIX = "teleco-churn-pushtest-"


@pytest.fixture
def docker_stand_in(
    aws_env: dict[str, str],
    moto_server: MotoServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    records = tmp_path / "records"
    records.mkdir()
    monkeypatch.setenv("PATH", f"{REPO_ROOT / 'tests' / 'rehearsal' / 'bin'}:{os.environ['PATH']}")
    monkeypatch.setenv("REHEARSAL_PYTHON", sys.executable)
    monkeypatch.setenv("REHEARSAL_REPO", str(REPO_ROOT))
    monkeypatch.setenv("REHEARSAL_DIR", str(records))
    monkeypatch.setenv("MOTO_ENDPOINT", moto_server.endpoint)
    monkeypatch.setenv("NAME_PREFIX", PREFIX)
    ecr = boto3.client("ecr")
    for image in push_images.IMAGES:  # the moto server lives for the session
        with contextlib.suppress(ecr.exceptions.RepositoryAlreadyExistsException):
            ecr.create_repository(repositoryName=f"{PREFIX}{image}", imageTagMutability="IMMUTABLE")
    return records


def pushed(records: Path) -> list[str]:
    path = records / "pushes.jsonl"
    lines = path.read_text().splitlines() if path.exists() else []
    return [json.loads(line)["target"] for line in lines]


def test_a_rerun_of_the_same_commit_pushes_nothing(
    docker_stand_in: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = ["--tag", TAG, "--context", str(REPO_ROOT)]
    assert push_images.main(arguments) == 0
    first = pushed(docker_stand_in)
    assert sorted(t.split("/", 1)[1] for t in first) == [
        f"{PREFIX}api:{TAG}",
        f"{PREFIX}training:{TAG}",
        f"{PREFIX}ui:{TAG}",
    ]
    assert capsys.readouterr().err.strip().endswith("3 pushed, 0 already there")

    assert push_images.main(arguments) == 0
    assert pushed(docker_stand_in) == first  # nothing pushed again
    assert capsys.readouterr().err.strip().endswith("0 pushed, 3 already there")


def test_a_build_that_fails_fails_the_run_with_one_line(
    docker_stand_in: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A context without the Dockerfiles' sources: docker build fails, nothing is pushed."""
    context = tmp_path / "context"
    for dockerfile in push_images.IMAGES.values():
        (context / dockerfile).parent.mkdir(parents=True, exist_ok=True)
        (context / dockerfile).write_text((REPO_ROOT / dockerfile).read_text())
    assert push_images.main(["--tag", "f" * 40, "--context", str(context)]) == (ExitCode.DEPENDENCY)
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        "churn-push-images: error: docker build failed with exit code 1"
    )
    assert pushed(docker_stand_in) == []


def test_the_launcher_takes_the_prefix_from_name_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NAME_PREFIX", PREFIX)
    arguments = launch_training.parse_arguments(["--data", "s3://b/d.csv", "--output", "s3://b/m"])
    assert arguments.name_prefix == PREFIX
    monkeypatch.setenv("NAME_PREFIX", "")
    arguments = launch_training.parse_arguments(["--data", "s3://b/d.csv", "--output", "s3://b/m"])
    assert arguments.name_prefix == "teleco-customer-churn-"  # empty means the default
