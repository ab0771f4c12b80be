"""Scoring customers: one at a time, or a batch whose rows stand or fall on their own; each
answer with its drivers (why), and for one customer the retention levers (what if)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends

from churn.api.deps import DriversDep, LeversTopDep, ServiceDep
from churn.api.errors import require_json
from churn.api.responses import ERROR_RESPONSES
from churn.api.schemas import (
    EXAMPLES,
    BatchRequest,
    BatchResponse,
    Customer,
    Levers,
    Prediction,
)

router = APIRouter(
    prefix="/predictions",
    tags=["predictions"],
    responses=ERROR_RESPONSES,
    dependencies=[Depends(require_json)],
)

_SINGLE_EXAMPLES: dict[str, Any] = {
    example["customerID"]: {"summary": f"customer {example['customerID']}", "value": example}
    for example in EXAMPLES
}


@router.post("", response_model=Prediction)
async def predict(
    customer: Customer = Body(openapi_examples=_SINGLE_EXAMPLES),  # noqa: B008
    *,
    service: ServiceDep,
    drivers: DriversDep,
) -> Prediction:
    """Churn probability, label and risk band for one customer, and its drivers."""
    return await service.predict_one(customer, drivers)


@router.post("/batch", response_model=BatchResponse, response_model_exclude_none=True)
async def predict_batch(
    request: BatchRequest = Body(  # noqa: B008
        openapi_examples={"real customers": {"value": {"customers": EXAMPLES}}}
    ),
    *,
    service: ServiceDep,
    drivers: DriversDep,
) -> BatchResponse:
    """Score up to 1,000 customers; a bad row is rejected alone, answers keep input order."""
    return await service.predict_batch(request.customers, drivers)


@router.post("/levers", response_model=Levers)
async def levers(
    customer: Customer = Body(openapi_examples=_SINGLE_EXAMPLES),  # noqa: B008
    *,
    service: ServiceDep,
    top: LeversTopDep,
) -> Levers:
    """The offers that would lower this customer's churn probability most, all else equal."""
    return await service.levers(customer, top)
