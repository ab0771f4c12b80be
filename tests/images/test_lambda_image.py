"""The Lambda image's dependency set, proven without Docker: its requirements installed
into a clean directory and pruned as the Dockerfile does, its COPY lines replayed, and the
handler invoked from there with a real payload-v2.0 event, its bundle on (moto) S3 and its
probabilities from the (moto) SageMaker endpoint."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest

from churn import storage
from churn.api.schemas import DEFAULT_DRIVERS
from tests.api.test_handler import http_api_event
from tests.api.test_sagemaker import ENDPOINT, create_moto_endpoint, queue_moto_results
from tests.support.environments import (
    REPO_ROOT,
    Installer,
    dockerfile_copies,
    replay_copies,
)
from tests.support.servers import MotoServer, make_bucket

DOCKERFILE = REPO_ROOT / "src" / "api" / "Dockerfile"
TASK_ROOT = "/var/task"
SIZE_TARGET_MB = 40


def directory_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


@pytest.fixture(scope="module")
def task_root(tmp_path_factory: pytest.TempPathFactory, installed: Installer) -> Path:
    """/var/task as the Dockerfile builds it."""
    target = installed.target_directory(
        "lambda-image", REPO_ROOT / "src/api/requirements.txt", REPO_ROOT / "constraints.txt"
    )
    root = tmp_path_factory.mktemp("lambda") / "task"
    shutil.copytree(target, root)
    subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts/prune_botocore.py"), str(root)], check=True
    )
    replay_copies(DOCKERFILE, root, under=TASK_ROOT)
    return root


def invoke(python: str, extra_path: str | None, event: dict[str, Any], env: dict[str, str],
           scratch: Path) -> dict[str, Any]:  # fmt: skip
    event_file = scratch / "event.json"
    event_file.write_text(json.dumps(event))
    command = [python, str(Path(__file__).with_name("lambda_invoke.py")), str(event_file)]
    if extra_path is not None:
        command.insert(1, "-S")  # no site-packages: only the image's files
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "CHURN_"))}
    clean |= env | ({"PYTHONPATH": extra_path} if extra_path else {})
    finished = subprocess.run(
        command, capture_output=True, text=True, env=clean, cwd=scratch, timeout=120, check=False
    )
    assert finished.returncode == 0, finished.stderr
    result: dict[str, Any] = json.loads(finished.stdout.strip().splitlines()[-1])
    return result


@pytest.fixture
def lambda_env(
    aws_env: dict[str, str], moto_server: MotoServer, bundle_dir: Path
) -> dict[str, str]:
    """Configuration as Terraform gives the function: bundle on S3, SageMaker predictor."""
    make_bucket("teleco-customer-churn-models")
    prefix = f"s3://teleco-customer-churn-models/models/{bundle_dir.name}"
    # The moto server lives for the session and a published bundle is immutable: publish
    # once, for every test that asks.
    listed = boto3.client("s3").list_objects_v2(
        Bucket="teleco-customer-churn-models", Prefix=f"models/{bundle_dir.name}/bundle.json"
    )
    if not listed.get("KeyCount"):
        storage.publish_directory(bundle_dir, prefix, last="bundle.json")
    create_moto_endpoint()
    return aws_env | {
        "CHURN_BUNDLE": prefix,
        "CHURN_PREDICTOR": "sagemaker",
        "CHURN_SAGEMAKER_ENDPOINT": ENDPOINT,
    }


def test_the_handler_answers_from_the_images_files_alone(
    task_root: Path,
    lambda_env: dict[str, str],
    moto_server: MotoServer,
    customers: list[dict[str, Any]],
    tmp_path: Path,
) -> None:
    queue_moto_results(moto_server, "0.6875")
    event = http_api_event(
        "POST",
        "/v1/predictions",
        body=json.dumps(customers[100]).encode(),  # see queue_moto_results
        headers={"content-type": "application/json"},
    )
    python = getattr(sys, "_base_executable", sys.executable)
    result = invoke(python, str(task_root), event, lambda_env, tmp_path)

    response = result["response"]
    assert response["statusCode"] == 200, response
    body = json.loads(response["body"])
    assert body["churn_probability"] == 0.6875
    # Drivers are on by default: computed from the bundle's trees by the handler itself.
    assert len(body["explanation"]["drivers"]) == DEFAULT_DRIVERS
    assert result["heavy"] == []


def test_the_image_holds_no_heavy_libraries_and_fits_the_size_target(task_root: Path) -> None:
    top_level = {entry.name.split("-")[0].lower() for entry in task_root.iterdir()}
    assert not top_level & {"pandas", "sklearn", "scikit_learn", "xgboost", "numpy", "scipy"}
    assert {"fastapi", "mangum", "pydantic", "boto3", "churn"} <= top_level
    assert directory_mb(task_root) <= SIZE_TARGET_MB


def test_no_heavy_import_is_reachable_from_the_handler_even_when_installed(
    lambda_env: dict[str, str], customers: list[dict[str, Any]], tmp_path: Path,
    moto_server: MotoServer,
) -> None:  # fmt: skip
    """In the development venv, where pandas & co. are installed, serving still avoids them."""
    queue_moto_results(moto_server, "0.125")
    event = http_api_event(
        "POST",
        "/v1/predictions",
        body=json.dumps(customers[101]).encode(),
        headers={"content-type": "application/json"},
    )
    result = invoke(sys.executable, None, event, lambda_env, tmp_path)
    assert result["response"]["statusCode"] == 200
    assert json.loads(result["response"]["body"])["explanation"]["drivers"]
    assert result["heavy"] == []


def test_only_serving_code_is_copied() -> None:
    sources = [s for copy in dockerfile_copies(DOCKERFILE) for s in copy.sources]
    assert all((REPO_ROOT / s).exists() for s in sources), sources
    assert not any(s.startswith(("src/train", "src/ui", "tests")) for s in sources)
