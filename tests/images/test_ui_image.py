"""The UI image's dependency set, proven without Docker: its requirements installed into a
clean directory, the Dockerfile's COPY lines replayed, Streamlit started from there with
site-packages switched off and its health check answering 200, and the page itself run from
there (AppTest), the form seen and a customer scored through the live API."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx

from churn.contract import FIELD_NAMES
from tests.support.environments import (
    REPO_ROOT,
    Installer,
    dockerfile_copies,
    replay_copies,
)
from tests.support.servers import LOOPBACK, free_port, wait_for_http

DOCKERFILE = REPO_ROOT / "src" / "ui" / "Dockerfile"
PAGE_CHECK = Path(__file__).with_name("ui_page.py")
IMAGE_LIB = "/opt/churn/lib"


def test_streamlit_serves_from_the_images_files_alone(
    tmp_path: Path, api_url: str, installed: Installer
) -> None:
    target = installed.target_directory(
        "ui-image", REPO_ROOT / "src/ui/requirements.txt", REPO_ROOT / "constraints.txt"
    )
    lib = tmp_path / "lib"
    replay_copies(DOCKERFILE, lib, under=IMAGE_LIB)
    packages = {entry.name.split("-")[0].lower() for entry in target.iterdir()}
    assert not packages & {"xgboost", "sklearn", "scikit_learn", "fastapi", "mangum"}

    port = free_port()
    python = getattr(sys, "_base_executable", sys.executable)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env |= {"PYTHONPATH": f"{lib}{os.pathsep}{target}", "HOME": str(tmp_path)}
    command = [
        python,
        "-S",
        "-m",
        "churn.ui",
        "--api",
        api_url,
        "--port",
        str(port),
        "--address",
        LOOPBACK,
    ]
    log = tmp_path / "streamlit.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=sink, stderr=sink)
    try:
        url = f"http://{LOOPBACK}:{port}"
        wait_for_http(f"{url}/_stcore/health", timeout=90)
        health = httpx.get(f"{url}/_stcore/health")
        assert (health.status_code, health.text) == (200, "ok")
        assert httpx.get(url).status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert "Traceback" not in log.read_text()

    page = subprocess.run(
        [python, "-S", str(PAGE_CHECK), f"{lib}/churn/ui/app.py"],
        check=False,
        env=env | {"API_ENDPOINT": api_url, "API_AUTH": "none"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert page.returncode == 0, page.stderr[-2000:]
    report = json.loads(page.stdout.strip().splitlines()[-1])
    assert report["exceptions"] == [] and report["exceptions_after_submit"] == []
    assert report["title"] == ["Customer churn risk"]
    assert {f"customer.{name}" for name in FIELD_NAMES} <= {
        key.removesuffix(".absent") for key in report["fields"]
    }
    assert report["metrics"][0].endswith("%")  # the probability the API answered


def test_only_ui_code_and_the_contract_are_copied() -> None:
    sources = [s for copy in dockerfile_copies(DOCKERFILE) for s in copy.sources]
    assert all((REPO_ROOT / s).exists() for s in sources), sources
    assert not any(s.startswith(("src/train", "src/api", "tests")) for s in sources)
