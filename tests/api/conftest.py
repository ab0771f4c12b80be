"""A real bundle from the session's training, and the API serving it over real HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from churn import contract
from churn.api.app import create_app
from churn.api.settings import Settings
from churn.train.bundle import new_version, write_bundle
from churn.train.dataset import Dataset
from churn.train.training import TrainingResult
from tests.support.customers import read_rows
from tests.support.live import serve


@pytest.fixture(scope="session")
def bundle_dir(
    trained: TrainingResult, dataset: Dataset, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    output = tmp_path_factory.mktemp("bundles")
    return Path(write_bundle(trained, dataset, str(output), version=new_version(), min_roc_auc=0.5))


@pytest.fixture(scope="session")
def api_url(bundle_dir: Path) -> Iterator[str]:
    with serve(create_app(Settings(bundle=str(bundle_dir)))) as url:
        yield url


@pytest.fixture
def api(api_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api_url, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def customers(data_path: Path) -> list[dict[str, Any]]:
    """Every real customer as the API takes it: the contract's canonical form plus its id."""
    _, rows = read_rows(data_path)
    return [
        {contract.ID_COLUMN: row[contract.ID_COLUMN], **contract.normalize_record(row)}
        for row in rows
    ]


def as_json(payload: Any) -> bytes:
    return json.dumps(payload).encode()
