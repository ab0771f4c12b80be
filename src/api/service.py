"""The prediction service: contract-checked customers in, probabilities and labels out.

Built once per process (a Lambda cold start, or the web server's startup) and shared by
every request: the bundle, the vectorizer and the predictor are loaded exactly once.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from churn import contract
from churn.api.bundle import ServingBundle, load_bundle
from churn.api.predictors import LocalPredictor, Predictor, SageMakerPredictor
from churn.api.schemas import (
    INCONSISTENT,
    BatchResponse,
    BatchRow,
    Customer,
    CustomerBase,
    FieldError,
    Prediction,
    RiskBand,
)
from churn.api.settings import Settings
from churn.features import Vectorizer

HIGH_RISK_FROM = 0.5


class PredictionService:
    def __init__(self, bundle: ServingBundle, predictor: Predictor) -> None:
        self.bundle = bundle
        self.predictor = predictor
        self.vectorizer = Vectorizer(bundle.spec)
        self.threshold = bundle.threshold

    def risk_band(self, probability: float) -> RiskBand:
        if probability < self.threshold:
            return "low"
        return "high" if probability >= HIGH_RISK_FROM else "medium"

    def risk_bands(self) -> dict[str, str]:
        return {
            "low": f"probability below the threshold {self.threshold:g}",
            "medium": f"from {self.threshold:g} up to {HIGH_RISK_FROM:g}",
            "high": f"{max(self.threshold, HIGH_RISK_FROM):g} or more",
        }

    async def probabilities(self, customers: Sequence[CustomerBase]) -> list[float]:
        vectors = [self.vectorizer.vector(customer.record()) for customer in customers]
        if self.predictor.blocking:
            return await run_in_threadpool(self.predictor.predict, vectors)
        return self.predictor.predict(vectors)

    def answer(self, customer: CustomerBase, probability: float) -> Prediction:
        return Prediction(
            customerID=getattr(customer, contract.ID_COLUMN),
            churn_probability=probability,
            churn=probability >= self.threshold,
            risk_band=self.risk_band(probability),
            threshold=self.threshold,
            model_version=self.bundle.version,
        )

    async def predict_one(self, customer: CustomerBase) -> Prediction:
        (probability,) = await self.probabilities([customer])
        return self.answer(customer, probability)

    async def predict_batch(self, rows: list[dict[str, Any]]) -> BatchResponse:
        """Each row validated on its own; the valid ones scored in one predictor call."""
        results: list[BatchRow] = []
        valid: list[tuple[int, CustomerBase]] = []
        for index, row in enumerate(rows):
            try:
                valid.append((index, Customer.model_validate(row)))
            except ValidationError as error:
                results.append(BatchRow(row=index, errors=field_errors(error.errors())))
        if valid:
            probabilities = await self.probabilities([customer for _, customer in valid])
            results += [
                BatchRow(row=index, prediction=self.answer(customer, probability))
                for (index, customer), probability in zip(valid, probabilities, strict=True)
            ]
        results.sort(key=lambda result: result.row)
        return BatchResponse(
            model_version=self.bundle.version,
            scored=len(valid),
            rejected=len(rows) - len(valid),
            results=results,
        )


def field_name(error: Any) -> str:
    """The field an error is about: the consistency rule's field, else the first name in
    loc after "body" (later names are union members, such as "literal['No','Yes']")."""
    if error.get("type") == INCONSISTENT:
        return str(error["ctx"]["field"])
    names = [part for part in error.get("loc", ()) if isinstance(part, str) and part != "body"]
    return names[0] if names else "body"


def field_errors(errors: Sequence[Any]) -> list[FieldError]:
    return [FieldError(field=field_name(error), message=str(error["msg"])) for error in errors]


def build_service(settings: Settings) -> PredictionService:
    local = settings.predictor == "local"
    bundle = load_bundle(settings.bundle, with_booster=local)
    predictor: Predictor
    if local:
        assert bundle.booster is not None
        predictor = LocalPredictor(bundle.booster)
    else:
        assert settings.sagemaker_endpoint is not None
        predictor = SageMakerPredictor(
            settings.sagemaker_endpoint,
            connect_timeout=settings.sagemaker_connect_timeout_seconds,
            read_timeout=settings.sagemaker_read_timeout_seconds,
            max_attempts=settings.sagemaker_max_attempts,
        )
    return PredictionService(bundle, predictor)


class ServiceHolder:
    """Builds the service on first use and keeps it for the life of the process.

    Not in the ASGI lifespan: Mangum runs the lifespan on every Lambda invocation, which
    would reload the bundle each time.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._service: PredictionService | None = None
        self._lock = threading.Lock()

    @property
    def loaded_version(self) -> str | None:
        return self._service.bundle.version if self._service else None

    def get(self) -> PredictionService:
        if self._service is None:
            with self._lock:
                if self._service is None:
                    self._service = build_service(self.settings)
        return self._service
