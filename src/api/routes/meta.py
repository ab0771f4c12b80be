"""What is serving: liveness and readiness, and the model with its contract."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from churn import contract
from churn.api.deps import HolderDep, ServiceDep
from churn.api.responses import ERROR_RESPONSES
from churn.api.schemas import EXAMPLES
from churn.bundles import BundleError

router = APIRouter(tags=["model"])


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    ready: bool = Field(description="Whether the model (or its endpoint) can answer now.")
    predictor: Literal["local", "sagemaker"]
    model_version: str | None
    detail: str | None = None


class ModelInfo(BaseModel):
    release: str | None = Field(
        description="The release this API serves (releases/<id>/release.json in the model "
        "bucket); null outside a deploy, as on a laptop."
    )
    model_version: str
    threshold: float
    risk_bands: dict[str, str]
    metrics: dict[str, Any] = Field(description="CV and test metrics, model beside baseline.")
    curves: dict[str, Any] = Field(description="ROC, precision-recall and calibration curves.")
    feature_importance: list[dict[str, Any]]
    data: dict[str, Any]
    contract: list[dict[str, Any]] = Field(description="Every field with its allowed values.")
    examples: list[dict[str, Any]] = Field(description="Real customers, e.g. for form defaults.")
    model_card: str


@router.get("/health", response_model=Health)
async def health(holder: HolderDep, response: Response) -> Health:
    """Liveness, and whether the model (or its SageMaker endpoint) can answer now."""
    predictor = holder.settings.predictor
    try:
        service = holder.get()
    except BundleError as error:
        response.status_code = 503
        return Health(status="degraded", ready=False, predictor=predictor, model_version=None,
                      detail=error.public_message)  # fmt: skip
    ready, detail = service.predictor.ready()
    if not ready:
        response.status_code = 503
    return Health(
        status="ok" if ready else "degraded",
        ready=ready,
        predictor=predictor,
        model_version=service.bundle.version,
        detail=detail,
    )


@router.get("/model", response_model=ModelInfo, responses=ERROR_RESPONSES)
async def model(service: ServiceDep, holder: HolderDep) -> ModelInfo:
    """The serving model: release, version, threshold, metrics beside the baseline, the
    contract."""
    metrics = service.bundle.metrics
    test = {key: value for key, value in metrics["test"].items() if key != "curves"}
    return ModelInfo(
        release=holder.settings.release,
        model_version=service.bundle.version,
        threshold=service.threshold,
        risk_bands=service.risk_bands(),
        metrics={"cross_validation": metrics["cross_validation"], "test": test},
        curves=metrics["test"]["curves"],
        feature_importance=metrics["feature_importance"],
        data=metrics["data"] | {"split": metrics["split"]},
        contract=contract.describe_contract(),
        examples=EXAMPLES,
        model_card=service.bundle.model_card,
    )
