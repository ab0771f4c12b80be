"""Dependencies as Annotated aliases: tests swap them with app.dependency_overrides."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from churn.api.service import PredictionService, ServiceHolder
from churn.api.settings import Settings


def get_holder(request: Request) -> ServiceHolder:
    holder: ServiceHolder = request.app.state.holder
    return holder


def get_service(holder: Annotated[ServiceHolder, Depends(get_holder)]) -> PredictionService:
    return holder.get()


def get_settings(holder: Annotated[ServiceHolder, Depends(get_holder)]) -> Settings:
    return holder.settings


HolderDep = Annotated[ServiceHolder, Depends(get_holder)]
ServiceDep = Annotated[PredictionService, Depends(get_service)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
