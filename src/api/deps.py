"""Dependencies as Annotated aliases: tests swap them with app.dependency_overrides."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query, Request

from churn import contract
from churn.api.schemas import DEFAULT_DRIVERS
from churn.api.scores import RunCache
from churn.api.service import PredictionService, ServiceHolder


def get_holder(request: Request) -> ServiceHolder:
    holder: ServiceHolder = request.app.state.holder
    return holder


def get_service(holder: Annotated[ServiceHolder, Depends(get_holder)]) -> PredictionService:
    return holder.get()


def get_runs(request: Request) -> RunCache:
    runs: RunCache = request.app.state.runs
    return runs


HolderDep = Annotated[ServiceHolder, Depends(get_holder)]
RunsDep = Annotated[RunCache, Depends(get_runs)]
ServiceDep = Annotated[PredictionService, Depends(get_service)]


def drivers_option(
    explain: Annotated[
        Literal["drivers", "none"],
        Query(description="drivers: each answer says why, with its fields' contributions."),
    ] = "drivers",
    top: Annotated[
        int, Query(ge=1, le=len(contract.FIELDS), description="How many drivers to list.")
    ] = DEFAULT_DRIVERS,
) -> int | None:
    """How many drivers each answer carries; None when no explanation is asked for."""
    return top if explain == "drivers" else None


def levers_option(
    top: Annotated[
        int, Query(ge=1, le=len(contract.LEVERS), description="How many levers to list at most.")
    ] = len(contract.LEVERS),
) -> int:
    return top


DriversDep = Annotated[int | None, Depends(drivers_option)]
LeversTopDep = Annotated[int, Depends(levers_option)]
