"""The API's answers as the page reads them: typed, and checked when they arrive, so a
changed API fails in one place with a clear message instead of deep inside a chart.
Only the fields the page shows are declared; the rest of each answer is ignored."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class ContractField(BaseModel):
    name: str
    label: str
    group: str
    description: str
    kind: Literal["categorical", "integer", "number"]
    levels: list[str] = Field(default_factory=list)
    minimum: float = 0.0
    maximum: float = 0.0
    unit: str | None = None


class CvMetric(BaseModel):
    mean: float


class Metrics(BaseModel):
    cross_validation: dict[str, Any]
    test: dict[str, Any]

    def table(self) -> list[dict[str, float | str]]:
        """One row per metric: the model beside the baseline, CV means and test."""
        cv, test = self.cross_validation, self.test
        return [
            {
                "metric": name,
                "model (CV mean)": CvMetric.model_validate(cv["model"][name]).mean,
                "baseline (CV mean)": CvMetric.model_validate(cv["baseline"][name]).mean,
                "model (test)": float(test["model"][name]),
                "baseline (test)": float(test["baseline"][name]),
            }
            for name in cv["model"]
        ]


class Importance(BaseModel):
    feature: str
    share_of_gain: float


class ModelInfo(BaseModel):
    """GET /v1/model."""

    release: str | None = None  # an API from before releases leaves it out
    model_version: str
    threshold: float
    risk_bands: dict[str, str]
    metrics: Metrics
    curves: dict[str, dict[str, list[float]]]
    feature_importance: list[Importance]
    contract: list[ContractField]
    examples: list[dict[str, Any]]
    model_card: str


class Driver(BaseModel):
    field: str
    label: str
    value: str | int | float
    contribution: float


class Explanation(BaseModel):
    base_value: float
    drivers: list[Driver]
    other_fields: float
    margin: float


class Prediction(BaseModel):
    """POST /v1/predictions, with drivers."""

    churn_probability: float
    churn: bool
    risk_band: Literal["low", "medium", "high"]
    threshold: float
    model_version: str
    explanation: Explanation


class Lever(BaseModel):
    description: str
    churn_probability: float
    change: float


class Levers(BaseModel):
    """POST /v1/predictions/levers."""

    churn_probability: float
    levers: list[Lever]


class DriftField(BaseModel):
    label: str
    psi: float
    status: str


class DriftScore(BaseModel):
    psi: float
    mean: float
    reference_mean: float


class Drift(BaseModel):
    status: Literal["stable", "watch", "act", "unavailable"]
    advice: str
    fields: list[DriftField] = Field(default_factory=list)
    score: DriftScore | None = None


class ScoringRun(BaseModel):
    """GET /v1/scores/latest."""

    run: str
    created_at: str
    model_version: str
    rows: dict[str, int]
    bands: dict[str, int]
    drift: Drift


class ScoredDriver(BaseModel):
    label: str
    contribution: float


class ScoredCustomer(BaseModel):
    customerID: str
    churn_probability: float
    risk_band: str
    drivers: list[ScoredDriver]


class ScoredCustomers(BaseModel):
    """GET /v1/scores/latest/customers."""

    total: int
    offset: int
    customers: list[ScoredCustomer]
