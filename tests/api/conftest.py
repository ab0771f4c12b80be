"""The API serving the session's bundle over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from churn.api.app import create_app
from churn.api.settings import Settings
from tests.support.live import serve


@pytest.fixture(scope="session")
def api_url(bundle_dir: Path) -> Iterator[str]:
    with serve(create_app(Settings(bundle=str(bundle_dir)))) as url:
        yield url


@pytest.fixture
def api(api_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api_url, timeout=30) as client:
        yield client
