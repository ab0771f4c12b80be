"""SigV4 signing, checked by a local verifier that recomputes the signature from AWS's
documented algorithm (not botocore's code) for every request it receives."""

from __future__ import annotations

import hmac
import http.server
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from botocore.credentials import Credentials

from churn.ui.client import ApiClient, ApiError, SigV4Signer
from churn.ui.settings import UiSettings
from tests.support.servers import LOOPBACK, send_json, serve_http
from tests.support.sigv4 import expected_signature

REGION = "eu-central-1"
KEY, SECRET, TOKEN = "ASIAEXAMPLEKEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "token-123"


@pytest.fixture(scope="module")
def verifier() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    seen: list[dict[str, Any]] = []

    class Verifier(http.server.BaseHTTPRequestHandler):
        def _check(self, body: bytes) -> None:
            headers = {name.lower(): value for name, value in self.headers.items()}
            claimed = headers.get("authorization", "").rsplit("Signature=", 1)[-1]
            valid = "authorization" in headers and hmac.compare_digest(
                claimed, expected_signature(self.command, self.path, headers, body, SECRET)
            )
            seen.append({"headers": headers, "valid": valid})
            status, payload = (200, {"ok": True}) if valid else (403, {"message": "Forbidden"})
            send_json(self, status, json.dumps(payload).encode())

        def do_GET(self) -> None:
            self._check(b"")

        def do_POST(self) -> None:
            self._check(self.rfile.read(int(self.headers["content-length"])))

        def log_message(self, format: str, *args: object) -> None:
            pass

    with serve_http(Verifier) as server:
        yield f"http://{LOOPBACK}:{server.server_address[1]}", seen


def signed_client(url: str, secret: str = SECRET) -> ApiClient:
    settings = UiSettings(API_ENDPOINT=url, API_AUTH="iam", AWS_REGION=REGION)
    return ApiClient(settings, SigV4Signer(REGION, Credentials(KEY, secret, TOKEN)))


def test_signed_get_and_post_verify(
    verifier: tuple[str, list[dict[str, Any]]], customers: list[dict[str, Any]]
) -> None:
    url, seen = verifier
    client = signed_client(url)
    assert client.model() == {"ok": True}
    assert client.predict(customers[0], drivers=5) == {"ok": True}  # a signed query string
    last = seen[-1]["headers"]
    assert last["x-amz-security-token"] == TOKEN
    assert f"Credential={KEY}/" in last["authorization"]
    assert f"/{REGION}/execute-api/aws4_request" in last["authorization"]


def test_a_wrong_secret_is_refused_with_a_clear_message(
    verifier: tuple[str, list[dict[str, Any]]],
) -> None:
    url, seen = verifier
    with pytest.raises(ApiError, match="refused the request \\(403\\)"):
        signed_client(url, secret="not-the-secret").model()
    assert seen[-1]["valid"] is False


def test_a_body_changed_after_signing_is_refused(
    verifier: tuple[str, list[dict[str, Any]]],
) -> None:
    """The signature covers the body: the same signed headers with another body are refused,
    and with the body they were made for, accepted."""
    url, seen = verifier
    signer = SigV4Signer(REGION, Credentials(KEY, SECRET, TOKEN))
    signed = b'{"a": 1}'
    headers = signer.headers("POST", f"{url}/v1/predictions", signed, {})
    with httpx.Client() as client:
        tampered = client.post(f"{url}/v1/predictions", content=b'{"a": 2}', headers=headers)
        assert (tampered.status_code, seen[-1]["valid"]) == (403, False)
        untouched = client.post(f"{url}/v1/predictions", content=signed, headers=headers)
        assert (untouched.status_code, seen[-1]["valid"]) == (200, True)


def test_without_credentials_the_ui_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(ApiError) as refused:
        SigV4Signer(REGION)
    assert str(refused.value) == (
        "API_AUTH=iam, but no AWS credentials were found to sign requests"
    )
    with pytest.raises(ApiError, match="no AWS credentials"):  # the client builds its signer
        ApiClient(UiSettings(API_ENDPOINT="https://api.example", API_AUTH="iam"))
