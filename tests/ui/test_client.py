"""The UI's API client: every failure becomes one sentence for the page."""

from __future__ import annotations

from typing import Any

import pytest

from churn.ui.client import ApiClient, ApiError
from churn.ui.settings import UiSettings
from tests.support.fake_api import PROBABILITY, FakeApi
from tests.support.servers import free_port


def client_for(url: str, **settings: Any) -> ApiClient:
    return ApiClient(UiSettings(API_ENDPOINT=url, **settings))


def test_a_prediction_and_the_model(fake: FakeApi, customers: list[dict[str, Any]]) -> None:
    client = client_for(fake.url)
    assert client.predict(customers[0])["churn_probability"] == PROBABILITY
    assert client.model()["model_version"] == fake.model["model_version"]
    assert fake.requests[-1] == ("/v1/predictions", customers[0])


@pytest.mark.parametrize(
    ("mode", "status", "message"),
    [
        ("invalid", 422, "invalid request: tenure: Input should be less than or equal to 120"),
        (
            "unavailable",
            503,
            "failed (503): the model endpoint is busy or starting; try again in 5 s",
        ),
    ],
)
def test_api_errors_become_messages(
    mode: str, status: int, message: str, fake: FakeApi, customers: list[dict[str, Any]]
) -> None:
    fake.mode = mode
    with pytest.raises(ApiError) as caught:
        client_for(fake.url).predict(customers[0])
    assert caught.value.status == status
    assert message in str(caught.value)


def test_a_slow_api_times_out_with_a_message(
    fake: FakeApi, customers: list[dict[str, Any]]
) -> None:
    fake.mode = "slow"
    with pytest.raises(ApiError, match="did not answer in time"):
        client_for(fake.url, API_TIMEOUT_SECONDS=0.5).predict(customers[0])


def test_an_unreachable_api_is_named() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(ApiError, match=f"cannot be reached at {url}"):
        client_for(url).model()
