"""The prediction API over HTTP: the UI's only way to the model.

Every failure becomes an ``ApiError`` with one sentence a person can act on; the page shows
it as a message, never as a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

import httpx
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.session import Session

from churn.errors import DependencyError
from churn.ui.settings import UiSettings

SIGNING_SERVICE = "execute-api"


class ApiError(DependencyError):
    """Something went wrong talking to the API; ``str(error)`` is the message to show."""

    def __init__(
        self, message: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class SigV4Signer:
    """Signs requests for an API Gateway HTTP API with IAM authorization.

    Credentials come from botocore's default chain: in ECS, the task role."""

    def __init__(self, region: str, credentials: Credentials | None = None) -> None:
        resolved = credentials or Session().get_credentials()
        if resolved is None:
            raise ApiError("API_AUTH=iam, but no AWS credentials were found to sign requests")
        self.region = region
        self.credentials = resolved

    def headers(
        self, method: str, url: str, body: bytes, headers: Mapping[str, str]
    ) -> dict[str, str]:
        request = AWSRequest(method=method, url=url, data=body, headers=dict(headers))
        SigV4Auth(self.credentials.get_frozen_credentials(), SIGNING_SERVICE, self.region).add_auth(
            request
        )
        return dict(request.headers.items())


class ApiClient:
    def __init__(self, settings: UiSettings, signer: SigV4Signer | None = None) -> None:
        self.base_url = settings.api_endpoint.rstrip("/")
        self.signer = signer or (
            SigV4Signer(settings.aws_region) if settings.api_auth == "iam" else None
        )
        self._http = httpx.Client(timeout=settings.timeout_seconds)

    def model(self) -> dict[str, Any]:
        return self._call("GET", "/v1/model")

    def predict(self, customer: Mapping[str, Any], *, drivers: int) -> dict[str, Any]:
        """The prediction with its ``drivers`` largest drivers."""
        return self._call("POST", f"/v1/predictions?top={drivers}", customer)

    def levers(self, customer: Mapping[str, Any]) -> dict[str, Any]:
        return self._call("POST", "/v1/predictions/levers", customer)

    def predict_batch(
        self, customers: Sequence[Mapping[str, Any]], *, drivers: int | None = None
    ) -> dict[str, Any]:
        """Each prediction with its ``drivers`` largest drivers, or no explanation (None)."""
        query = "explain=none" if drivers is None else f"top={drivers}"
        return self._call("POST", f"/v1/predictions/batch?{query}", {"customers": list(customers)})

    def latest_scores(self) -> dict[str, Any]:
        """The latest scoring run of the whole base: counts per band, drift report."""
        return self._call("GET", "/v1/scores/latest")

    def scored_customers(
        self, *, offset: int, limit: int, band: str | None = None, search: str | None = None
    ) -> dict[str, Any]:
        """A page of that run's riskiest customers, riskiest first."""
        query = {"offset": offset, "limit": limit, "band": band, "search": search}
        chosen = {name: value for name, value in query.items() if value not in (None, "")}
        return self._call("GET", f"/v1/scores/latest/customers?{urlencode(chosen)}")

    def _call(self, method: str, path: str, payload: Any = None) -> dict[str, Any]:
        url = f"{self.base_url}{path}"
        body = b"" if payload is None else httpx.Request("POST", url, json=payload).content
        headers = {"content-type": "application/json"} if payload is not None else {}
        if self.signer:
            headers = self.signer.headers(method, url, body, headers)
        try:
            response = self._http.request(method, url, content=body or None, headers=headers)
        except httpx.TimeoutException:
            raise ApiError(f"the prediction API did not answer in time ({url})") from None
        except httpx.HTTPError as error:
            raise ApiError(
                f"the prediction API cannot be reached at {self.base_url} ({error})"
            ) from None
        if response.is_success:
            answer: dict[str, Any] = response.json()
            return answer
        retry_after = _seconds(response.headers.get("retry-after"))
        raise ApiError(
            _explain(response, retry_after), status=response.status_code, retry_after=retry_after
        )


def _seconds(retry_after: str | None) -> float | None:
    """Retry-After in seconds; the HTTP-date form (which the API never sends) counts as none."""
    try:
        return max(0.0, float(retry_after)) if retry_after else None
    except ValueError:
        return None


def _explain(response: httpx.Response, retry_after: float | None) -> str:
    try:
        message = str(response.json().get("message") or "")
    except ValueError:
        message = ""
    if response.status_code == 403:
        return "the prediction API refused the request (403): check the UI's IAM permissions"
    if response.status_code >= 500:
        later = "" if retry_after is None else f"; try again in {retry_after:g} s"
        return (
            f"the prediction API failed ({response.status_code}): {message or 'no detail'}{later}"
        )
    return message or f"the prediction API answered {response.status_code}"
