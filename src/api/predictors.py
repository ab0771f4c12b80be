"""Turn feature vectors into churn probabilities: in-process, or through SageMaker.

xgboost is imported only by the local predictor, so the Lambda (which uses SageMaker)
never loads it. Every failure becomes a ``PredictorError`` carrying the HTTP status the
API should answer with and a one-line reason.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final, Protocol

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from churn.errors import DependencyError

if TYPE_CHECKING:
    from mypy_boto3_sagemaker_runtime import SageMakerRuntimeClient

logger = logging.getLogger("churn.api")
Vectors = Sequence[Sequence[float]]
RETRY_AFTER_SECONDS: Final = 5
# Throttling and a serverless endpoint that is still cold: worth retrying soon.
TRANSIENT_CODES: Final = frozenset(
    {"ModelNotReadyException", "ServiceUnavailable", "ThrottlingException", "InternalFailure"}
)


class PredictorError(DependencyError):
    """``message`` goes to the client; ``logged``, when given, only to the server's log
    (AWS's own error text names accounts, roles and endpoints)."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        retry_after: int | None = None,
        logged: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after
        self.logged = logged or message


class Predictor(Protocol):
    name: str
    blocking: bool
    """True when a call waits on the network (and belongs in a worker thread)."""

    def predict(self, vectors: Vectors) -> list[float]: ...

    def ready(self) -> tuple[bool, str | None]: ...


class LocalPredictor:
    """The booster in this process, from the bundle's own model.tar.gz."""

    name = "local"
    blocking = False

    def __init__(self, booster_document: bytes) -> None:
        import numpy as np  # noqa: PLC0415 - only the local predictor needs numpy/xgboost
        import xgboost as xgb  # noqa: PLC0415

        self._np = np
        self._booster = xgb.Booster()
        self._booster.load_model(bytearray(booster_document))
        # One thread: requests are tiny, and threads would fight the web server for cores.
        self._booster.set_param({"nthread": 1})

    def predict(self, vectors: Vectors) -> list[float]:
        matrix = self._np.asarray(vectors, dtype=self._np.float64)
        probabilities = self._booster.inplace_predict(matrix, validate_features=False)
        return [float(p) for p in probabilities]

    def ready(self) -> tuple[bool, str | None]:
        return True, None


def csv_payload(vectors: Vectors) -> bytes:
    """The endpoint's text/csv request: one line per vector, each float's exact repr."""
    return "\n".join(",".join(repr(float(value)) for value in row) for row in vectors).encode()


class SageMakerPredictor:
    """The serverless endpoint running the SageMaker XGBoost 1.7-1 image, over text/csv.

    Its worst case (attempts x (connect + read timeout)) is held under API Gateway's 29 s
    integration limit by ``Settings``; timeouts and transient errors answer 503 with
    Retry-After, a model failure 502.
    """

    name = "sagemaker"
    blocking = True

    def __init__(
        self,
        endpoint: str,
        *,
        connect_timeout: float,
        read_timeout: float,
        max_attempts: int,
    ) -> None:
        self.endpoint = endpoint
        self._timeout_hint = read_timeout
        config = Config(
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            retries={"total_max_attempts": max_attempts, "mode": "standard"},
        )
        self._runtime: SageMakerRuntimeClient = boto3.client("sagemaker-runtime", config=config)
        self._control = boto3.client("sagemaker", config=config)
        # None until the first check: monotonic time starts near 0 on a new machine (a
        # Lambda cold start), so no time stands for "never".
        self._status_checked_at: float | None = None
        self._status: tuple[bool, str | None]  # set by the first check

    def predict(self, vectors: Vectors) -> list[float]:
        try:
            response = self._runtime.invoke_endpoint(
                EndpointName=self.endpoint,
                ContentType="text/csv",
                Accept="text/csv",
                Body=csv_payload(vectors),
            )
            answer = response["Body"].read().decode("utf-8")
        except (ReadTimeoutError, ConnectTimeoutError):
            raise PredictorError(
                503,
                f"the model endpoint did not answer within {self._timeout_hint:g} s",
                retry_after=RETRY_AFTER_SECONDS,
            ) from None
        except EndpointConnectionError:
            raise PredictorError(
                503, "the model endpoint cannot be reached", retry_after=RETRY_AFTER_SECONDS
            ) from None
        except ClientError as error:
            raise _client_error(error, self.endpoint) from None
        except BotoCoreError as error:
            raise PredictorError(
                502, "the model endpoint call failed (see the server's log)", logged=str(error)
            ) from None
        return _parse_probabilities(answer, expected=len(vectors))

    def ready(self) -> tuple[bool, str | None]:
        """Whether the endpoint is InService; asked at most every 30 s."""
        checked_at = self._status_checked_at
        if checked_at is not None and time.monotonic() - checked_at < 30:
            return self._status
        try:
            status = self._control.describe_endpoint(EndpointName=self.endpoint)["EndpointStatus"]
            self._status = (status == "InService", None if status == "InService" else status)
        except (ClientError, BotoCoreError) as error:
            logger.warning("cannot describe the endpoint", extra={"reason": str(error)})
            self._status = (False, "the endpoint's status cannot be read (see the server's log)")
        self._status_checked_at = time.monotonic()
        return self._status


def _client_error(error: ClientError, endpoint: str) -> PredictorError:
    details = error.response.get("Error", {})
    code, message = details.get("Code", ""), details.get("Message", "")
    if code in TRANSIENT_CODES:
        return PredictorError(
            503, f"the model endpoint is busy or starting ({code})", retry_after=RETRY_AFTER_SECONDS
        )
    said = f"{code}: {message} (endpoint {endpoint})"
    if code == "ModelError":
        return PredictorError(502, "the model endpoint failed (ModelError)", logged=said)
    if code == "ValidationError" and "not found" in message.lower():
        return PredictorError(503, "the model endpoint does not exist", retry_after=30, logged=said)
    return PredictorError(502, f"the model endpoint call failed ({code})", logged=said)


def _parse_probabilities(answer: str, *, expected: int) -> list[float]:
    # The container answers text/csv as one value per line (or comma-separated).
    cells = [cell for cell in answer.replace("\n", ",").split(",") if cell.strip()]
    try:
        probabilities = [float(cell) for cell in cells]
    except ValueError:
        raise PredictorError(
            502, "the model endpoint answered something other than numbers"
        ) from None
    if len(probabilities) != expected:
        raise PredictorError(
            502, f"the model endpoint answered {len(probabilities)} values for {expected} rows"
        )
    if not all(0.0 <= p <= 1.0 for p in probabilities):
        raise PredictorError(502, "the model endpoint answered values outside 0..1")
    return probabilities
