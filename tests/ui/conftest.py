"""The real API's model document, captured once, for the fake API the page tests talk to."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.fake_api import FakeApi, fake_api


@pytest.fixture(scope="session")
def model_document(api_url: str) -> dict[str, Any]:
    document: dict[str, Any] = httpx.get(f"{api_url}/v1/model").json()
    return document


@pytest.fixture
def fake(model_document: dict[str, Any]) -> Iterator[FakeApi]:
    with fake_api(model_document) as api:
        yield api
