from __future__ import annotations

from pathlib import Path

import pytest

from scripts.prune_botocore import KEEP, prune


def fake_botocore(root: Path, services: list[str]) -> Path:
    data = root / "botocore" / "data"
    for service in services:
        (data / service / "2020-01-01").mkdir(parents=True)
    (data / "endpoints.json").write_text("{}")
    return root


def test_keeps_the_services_the_lambda_calls_and_the_shared_files(tmp_path: Path) -> None:
    root = fake_botocore(tmp_path, [*KEEP, "ec2", "dynamodb"])
    assert prune(root) == 2
    remaining = {p.name for p in (root / "botocore" / "data").iterdir()}
    assert remaining == {*KEEP, "endpoints.json"}


def test_refuses_a_botocore_without_a_needed_service(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="lacks"):
        prune(fake_botocore(tmp_path, ["s3"]))


def test_refuses_a_folder_without_botocore(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="no botocore/data"):
        prune(tmp_path)
