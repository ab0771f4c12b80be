"""The API's configuration: one object, read from CHURN_* environment variables.

Building it has no side effects (no files, no connections), so it is cheap at import.
"""

from __future__ import annotations

from typing import Final, Literal, Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# API Gateway cuts an integration at 29 s; keep a margin for our own work around it.
API_GATEWAY_LIMIT_SECONDS: Final = 29
MARGIN_SECONDS: Final = 2


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CHURN_", extra="ignore", frozen=True)

    bundle: str = Field(
        "artifacts",
        description="A bundle directory, a folder of bundles (the newest complete one is "
        "served) or an s3://bucket/prefix/<version> URI.",
    )
    scores: str | None = Field(
        None,
        description="Where churn-score publishes its runs: a folder or s3://bucket/scores "
        "(the latest run is served under /v1/scores); unset: no scoring runs here.",
    )
    release: str | None = Field(
        None,
        pattern=r"^(\d{8}T\d{6}Z-[0-9a-f]{7}|unreleased)$",
        description="The release being served (the platform sets it from the release record); "
        "unset when the API runs outside a deploy.",
    )
    predictor: Literal["local", "sagemaker"] = Field(
        "local", description="local: the booster in this process; sagemaker: the endpoint."
    )
    sagemaker_endpoint: str | None = Field(None, min_length=1, max_length=63)
    sagemaker_connect_timeout_seconds: float = Field(2.0, gt=0, le=10)
    sagemaker_read_timeout_seconds: float = Field(10.0, gt=0, le=25)
    sagemaker_max_attempts: int = Field(2, ge=1, le=5)
    max_body_bytes: int = Field(
        2_000_000, ge=10_000, le=6_000_000, description="Larger bodies get 413 (Lambda: 6 MB)."
    )
    body_timeout_seconds: float = Field(
        10.0, gt=0, le=60, description="A body not fully received in this time gets 408."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        if self.predictor == "sagemaker" and not self.sagemaker_endpoint:
            raise ValueError("CHURN_SAGEMAKER_ENDPOINT is required with the sagemaker predictor")
        worst_case = self.sagemaker_max_attempts * (
            self.sagemaker_connect_timeout_seconds + self.sagemaker_read_timeout_seconds
        )
        if worst_case > API_GATEWAY_LIMIT_SECONDS - MARGIN_SECONDS:
            raise ValueError(
                f"SageMaker attempts x (connect + read timeout) = {worst_case:g} s would outlast "
                f"API Gateway's {API_GATEWAY_LIMIT_SECONDS} s limit; lower them"
            )
        return self
