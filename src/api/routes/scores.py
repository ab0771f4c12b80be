"""The latest scoring run of the whole customer base: counts, drift, riskiest customers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from churn import contract
from churn.api.deps import RunsDep
from churn.api.responses import ERROR_RESPONSES
from churn.api.schemas import ErrorBody
from churn.bands import RiskBand

router = APIRouter(prefix="/scores", tags=["scores"])


class ScoredDriver(BaseModel):
    field: str = Field(description="The contract field.")
    label: str = Field(description="The field in plain words.")
    contribution: float = Field(description="Its effect on the log-odds, positive towards churn.")


class ScoredCustomer(BaseModel):
    line: int = Field(ge=2, description="The customer's line in the scored file.")
    customerID: str = Field(max_length=contract.ID_MAX_LENGTH)
    churn_probability: float = Field(ge=0, le=1)
    churn: bool
    risk_band: RiskBand
    drivers: list[ScoredDriver] = Field(description="Top drivers (customers at risk only).")


class ScoringRunSummary(BaseModel):
    run: str = Field(description="The run's folder under the scores location.")
    created_at: str
    model_version: str
    engine: str
    threshold: float
    risk_bands: dict[str, str]
    rows: dict[str, int] = Field(description="scored, rejected, blank, churners, explained")
    bands: dict[str, int] = Field(description="Customers per risk band.")
    drift: dict[str, Any] = Field(
        description="The drift report: status, advice, each field's PSI (largest first), "
        "the scores' shift and the bands against training."
    )


class ScoredCustomers(BaseModel):
    run: str
    total: int = Field(ge=0, description="Customers matching the filter, in the riskiest kept.")
    offset: int = Field(ge=0)
    limit: int = Field(ge=1)
    customers: list[ScoredCustomer]


PAGE_LIMIT = 200
RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "No scoring run published (or configured) yet."},
    422: ERROR_RESPONSES[422],
    500: ERROR_RESPONSES[500],
}


@router.get("/latest", response_model=ScoringRunSummary, responses=RESPONSES)
async def latest(runs: RunsDep) -> ScoringRunSummary:
    """The latest run's counts per band and its drift report."""
    run = runs.get()
    summary = run.summary
    drift = {
        key: value
        for key, value in run.drift.items()
        if key not in ("schema_version", "model_version")
    }
    return ScoringRunSummary(
        run=run.name,
        created_at=summary["created_at"],
        model_version=summary["model_version"],
        engine=summary["engine"],
        threshold=summary["threshold"],
        risk_bands=summary["risk_bands"],
        rows=summary["rows"],
        bands=summary["bands"],
        drift=drift,
    )


@router.get("/latest/customers", response_model=ScoredCustomers, responses=RESPONSES)
async def customers(
    runs: RunsDep,
    offset: Annotated[int, Query(ge=0, description="How many matching customers to skip.")] = 0,
    limit: Annotated[int, Query(ge=1, le=PAGE_LIMIT, description="Page size.")] = 50,
    band: Annotated[RiskBand | None, Query(description="Only customers in this band.")] = None,
    search: Annotated[
        str | None, Query(max_length=64, description="Only ids containing this text.")
    ] = None,
) -> ScoredCustomers:
    """The riskiest customers of the latest run (top.csv), riskiest first, a page at a time."""
    run = runs.get()
    matching = [
        customer
        for customer in run.customers
        if (band is None or customer["risk_band"] == band)
        and (not search or search.lower() in customer["customerID"].lower())
    ]
    return ScoredCustomers(
        run=run.name,
        total=len(matching),
        offset=offset,
        limit=limit,
        customers=[ScoredCustomer(**c) for c in matching[offset : offset + limit]],
    )
