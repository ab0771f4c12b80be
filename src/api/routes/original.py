"""The original system's route, kept so its clients work unchanged: ``POST /v1/predict``
with the customer in camelCase, answered as ``{"churn_probability", "will_churn"}``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends

from churn.api.deps import ServiceDep
from churn.api.errors import require_json
from churn.api.responses import ERROR_RESPONSES
from churn.api.schemas import ORIGINAL_EXAMPLES, OriginalCustomer, OriginalPrediction

router = APIRouter(tags=["original design"], responses=ERROR_RESPONSES)

_EXAMPLES: dict[str, Any] = {
    f"customer {index + 1}": {"value": example} for index, example in enumerate(ORIGINAL_EXAMPLES)
}


@router.post("/predict", response_model=OriginalPrediction, dependencies=[Depends(require_json)])
async def predict(
    customer: OriginalCustomer = Body(openapi_examples=_EXAMPLES),  # noqa: B008
    *,
    service: ServiceDep,
) -> OriginalPrediction:
    """The original design's contract: a 422 names the camelCase field, as its UI showed."""
    return await service.predict_original(customer)
