"""The UI's API client: every failure becomes one sentence for the page."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from churn.ui.client import ApiClient, ApiError
from churn.ui.settings import UiSettings
from tests.support.fake_api import FAKE_DRIVERS, PROBABILITY, FakeApi
from tests.support.servers import free_port


def client_for(url: str, **settings: Any) -> ApiClient:
    return ApiClient(UiSettings(API_ENDPOINT=url, **settings))


def test_a_prediction_and_the_model(fake: FakeApi, customers: list[dict[str, Any]]) -> None:
    client = client_for(fake.url)
    answer = client.predict(customers[0], drivers=3)
    assert answer["churn_probability"] == PROBABILITY
    assert [d["field"] for d in answer["explanation"]["drivers"]] == list(FAKE_DRIVERS[:3])
    assert client.model()["model_version"] == fake.model["model_version"]
    assert fake.requests[-1] == ("/v1/predictions?top=3", customers[0])
    assert client.levers(customers[0])["levers"][0]["offer"] == "Two year"
    assert fake.requests[-1] == ("/v1/predictions/levers", customers[0])


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
        client_for(fake.url).predict(customers[0], drivers=5)
    assert caught.value.status == status
    assert message in str(caught.value)


def test_a_slow_api_times_out_with_a_message(
    fake: FakeApi, customers: list[dict[str, Any]]
) -> None:
    fake.mode = "slow"
    with pytest.raises(ApiError, match="did not answer in time"):
        client_for(fake.url, API_TIMEOUT_SECONDS=0.5).predict(customers[0], drivers=5)


def test_an_unreachable_api_is_named() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(ApiError, match=f"cannot be reached at {url}"):
        client_for(url).model()


def recorded(answer: httpx.Response, seen: list[httpx.Request], **settings: Any) -> ApiClient:
    """A client whose HTTP goes to ``answer`` (httpx's own mock transport), recording requests."""

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer

    client = client_for("https://api.example/", **settings)
    client._http = httpx.Client(transport=httpx.MockTransport(handle))
    return client


def test_a_get_has_no_body_and_a_post_is_json_to_the_right_path() -> None:
    seen: list[httpx.Request] = []
    client = recorded(httpx.Response(200, json={"ok": True}), seen)
    assert client.model() == {"ok": True}
    assert client.predict_batch([{"a": 1}, {"b": 2}]) == {"ok": True}
    assert client.predict_batch([{"a": 1}], drivers=3) == {"ok": True}
    get, post, explained = seen
    assert (get.method, str(get.url), get.content) == ("GET", "https://api.example/v1/model", b"")
    assert "content-type" not in get.headers
    batch = "https://api.example/v1/predictions/batch"
    assert (post.method, str(post.url)) == ("POST", f"{batch}?explain=none")
    assert str(explained.url) == f"{batch}?top=3"
    assert post.headers["content-type"] == "application/json"
    assert json.loads(post.content) == {"customers": [{"a": 1}, {"b": 2}]}


def test_the_scores_pages_ask_only_for_the_filters_given() -> None:
    seen: list[httpx.Request] = []
    client = recorded(httpx.Response(200, json={"ok": True}), seen)
    assert client.latest_scores() == {"ok": True}
    assert client.scored_customers(offset=0, limit=10, band="high", search="") == {"ok": True}
    assert client.scored_customers(offset=20, limit=5, search="7590-VHVEG") == {"ok": True}
    scores = "https://api.example/v1/scores/latest"
    assert [(r.method, str(r.url)) for r in seen] == [
        ("GET", scores),
        ("GET", f"{scores}/customers?offset=0&limit=10&band=high"),
        ("GET", f"{scores}/customers?offset=20&limit=5&search=7590-VHVEG"),
    ]


@pytest.mark.parametrize(
    ("answer", "status", "message", "retry_after"),
    [
        (
            httpx.Response(403, json={"message": "Forbidden"}),
            403,
            "the prediction API refused the request (403): check the UI's IAM permissions",
            None,
        ),
        (
            httpx.Response(503, json={"message": "busy"}, headers={"retry-after": "2.5"}),
            503,
            "the prediction API failed (503): busy; try again in 2.5 s",
            2.5,
        ),
        (
            httpx.Response(500, text="<html>"),
            500,
            "the prediction API failed (500): no detail",
            None,
        ),
        (
            httpx.Response(502, json={"message": None}, headers={"retry-after": "-3"}),
            502,
            "the prediction API failed (502): no detail; try again in 0 s",
            0.0,
        ),
        (
            httpx.Response(503, json={}, headers={"retry-after": "Wed, 21 Oct 2026 07:28:00 GMT"}),
            503,
            "the prediction API failed (503): no detail",
            None,
        ),
        (httpx.Response(422, json={"message": "tenure: too big"}), 422, "tenure: too big", None),
        (httpx.Response(404, text="nope"), 404, "the prediction API answered 404", None),
        (httpx.Response(499, json={"message": ""}), 499, "the prediction API answered 499", None),
    ],
)
def test_every_refusal_becomes_one_sentence(
    answer: httpx.Response, status: int, message: str, retry_after: float | None
) -> None:
    with pytest.raises(ApiError) as refused:
        recorded(answer, []).predict({"a": 1}, drivers=5)
    assert str(refused.value) == message
    assert (refused.value.status, refused.value.retry_after) == (status, retry_after)


def test_a_signed_client_signs_what_it_sends(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    seen: list[httpx.Request] = []
    client = recorded(httpx.Response(200, json={}), seen, API_AUTH="iam", AWS_REGION="eu-west-1")
    client.predict({"a": 1}, drivers=5)
    authorization = seen[0].headers["authorization"]
    assert authorization.startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert "/eu-west-1/execute-api/aws4_request" in authorization
    assert "content-type" in authorization  # the JSON content type is signed too


def test_the_base_url_loses_its_trailing_slashes_and_nothing_else() -> None:
    assert (
        client_for("https://api.example/X//", API_AUTH="none").base_url == "https://api.example/X"
    )
