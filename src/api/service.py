"""The prediction service: contract-checked customers in, probabilities and labels out.

Built once per process (a Lambda cold start, or the web server's startup) and shared by
every request: the bundle, the vectorizer and the predictor are loaded exactly once.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from churn import bands, contract, storage
from churn.api.bounds import ErrorBudget, field_name, message
from churn.api.drivers import TreeExplainer, TreeModelError, field_drivers
from churn.api.predictors import LocalPredictor, Predictor, SageMakerPredictor
from churn.api.schemas import (
    BatchResponse,
    BatchRow,
    Customer,
    CustomerBase,
    Explanation,
    FieldDriver,
    FieldError,
    Lever,
    Levers,
    OriginalPrediction,
    Prediction,
)
from churn.api.settings import Settings
from churn.bands import RiskBand
from churn.bundles import BundleError, ServingBundle, load_bundle
from churn.features import Vectorizer


class PredictionService:
    """``drivers``, where a method takes it: how many drivers each answer carries (None: no
    explanation at all)."""

    def __init__(self, bundle: ServingBundle, predictor: Predictor) -> None:
        self.bundle = bundle
        self.predictor = predictor
        self.vectorizer = Vectorizer(bundle.spec)
        self.explainer = TreeExplainer(bundle.booster)
        self.threshold = bundle.threshold

    def risk_band(self, probability: float) -> RiskBand:
        return bands.risk_band(probability, self.threshold)

    def risk_bands(self) -> dict[str, str]:
        return bands.band_rules(self.threshold)

    async def probabilities(self, records: Sequence[contract.Record]) -> list[float]:
        """One predictor call for all of them (one SageMaker invocation in AWS)."""
        vectors = [self.vectorizer.vector(record) for record in records]
        if self.predictor.blocking:
            return await run_in_threadpool(self.predictor.predict, vectors)
        return self.predictor.predict(vectors)

    def explanation(self, record: contract.Record, drivers: int) -> Explanation:
        explained = self.explainer.explain(self.vectorizer.vector(record))
        ranked = field_drivers(self.bundle.spec, record, explained)
        return Explanation(
            base_value=explained.base_value,
            drivers=[
                FieldDriver(
                    field=driver.field,
                    label=contract.FIELDS_BY_NAME[driver.field].label,
                    value=driver.value,
                    contribution=driver.contribution,
                )
                for driver in ranked[:drivers]
            ],
            other_fields=math.fsum(driver.contribution for driver in ranked[drivers:]),
            margin=explained.margin,
        )

    def answer(
        self,
        customer: CustomerBase,
        probability: float,
        drivers: int | None = None,
        record: contract.Record | None = None,
    ) -> Prediction:
        """``record``: the customer's canonical form when the caller has it already."""
        explanation = None
        if drivers is not None:
            explanation = self.explanation(record or customer.record(), drivers)
        return Prediction(
            customerID=getattr(customer, contract.ID_COLUMN),
            churn_probability=probability,
            churn=probability >= self.threshold,
            risk_band=self.risk_band(probability),
            threshold=self.threshold,
            model_version=self.bundle.version,
            explanation=explanation,
        )

    async def predict_one(self, customer: CustomerBase, drivers: int | None = None) -> Prediction:
        record = customer.record()
        (probability,) = await self.probabilities([record])
        return self.answer(customer, probability, drivers, record)

    async def predict_batch(
        self, rows: list[dict[str, Any]], drivers: int | None = None
    ) -> BatchResponse:
        """Each row validated on its own; the valid ones scored in one predictor call."""
        results: list[BatchRow] = []
        valid: list[tuple[int, CustomerBase]] = []
        budget = ErrorBudget()
        for index, row in enumerate(rows):
            try:
                valid.append((index, Customer.model_validate(row)))
            except ValidationError as error:
                listed, omitted = budget.take(error.errors())
                errors = [FieldError(field=field_name(e), message=message(e)) for e in listed]
                results.append(BatchRow(row=index, errors=errors, errors_omitted=omitted or None))
        if valid:
            records = [customer.record() for _, customer in valid]
            probabilities = await self.probabilities(records)
            results += [
                BatchRow(row=index, prediction=self.answer(customer, probability, drivers, record))
                for (index, customer), record, probability in zip(
                    valid, records, probabilities, strict=True
                )
            ]
        results.sort(key=lambda result: result.row)
        return BatchResponse(
            model_version=self.bundle.version,
            scored=len(valid),
            rejected=len(rows) - len(valid),
            errors_omitted=budget.omitted or None,
            results=results,
        )

    async def levers(self, customer: CustomerBase, top: int) -> Levers:
        """The customer and every variant its levers make, scored in one predictor call."""
        record = customer.record()
        variants = contract.lever_variants(record)
        today, *after = await self.probabilities([record, *(variant for _, variant in variants)])
        lowering = [
            Lever(
                field=lever.field,
                label=contract.FIELDS_BY_NAME[lever.field].label,
                value=str(record[lever.field]),
                offer=lever.offer,
                description=lever.wording,
                churn_probability=probability,
                change=probability - today,
            )
            for (lever, _), probability in zip(variants, after, strict=True)
            if probability < today
        ]
        return Levers(
            customerID=getattr(customer, contract.ID_COLUMN),
            churn_probability=today,
            model_version=self.bundle.version,
            levers=sorted(lowering, key=lambda lever: lever.change)[:top],
        )

    async def predict_original(self, customer: CustomerBase) -> OriginalPrediction:
        (probability,) = await self.probabilities([customer.record()])
        return OriginalPrediction(
            churn_probability=probability, will_churn=probability >= self.threshold
        )


def build_service(settings: Settings) -> PredictionService:
    bundle = load_bundle(settings.bundle)
    predictor: Predictor
    if settings.predictor == "local":
        predictor = LocalPredictor(bundle.booster)
    else:
        assert settings.sagemaker_endpoint is not None
        predictor = SageMakerPredictor(
            settings.sagemaker_endpoint,
            connect_timeout=settings.sagemaker_connect_timeout_seconds,
            read_timeout=settings.sagemaker_read_timeout_seconds,
            max_attempts=settings.sagemaker_max_attempts,
        )
    try:
        return PredictionService(bundle, predictor)
    except TreeModelError as error:
        remote = storage.is_s3(bundle.location)
        raise BundleError(f"{bundle.location}: {error}", remote=remote) from None


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
