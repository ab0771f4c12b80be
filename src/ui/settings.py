"""The UI's configuration, from the environment (the ECS task definition sets it)."""

from __future__ import annotations

from typing import Final, Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# What the file tab is for: a team's list of customers, not the whole base (the data set's
# 7,043 rows are under 1 MB). The caps keep one visitor's upload from exhausting the task:
# Streamlit refuses larger uploads (cli.py sets it), and the parser stops at the row cap.
MAX_FILE_MB: Final = 2
MAX_FILE_ROWS: Final = 10_000


class UiSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    api_endpoint: str = Field(
        "http://127.0.0.1:8000",
        validation_alias="API_ENDPOINT",
        description="The prediction API's base URL; paths under it start with /v1.",
        pattern=r"^https?://",
    )
    api_auth: Literal["none", "iam"] = Field(
        "none",
        validation_alias="API_AUTH",
        description="iam: sign every request with SigV4 (the HTTP API uses IAM auth).",
    )
    aws_region: str = Field(
        "eu-central-1", validation_alias=AliasChoices("AWS_REGION", "AWS_DEFAULT_REGION")
    )
    timeout_seconds: float = Field(30.0, gt=0, le=120, validation_alias="API_TIMEOUT_SECONDS")
    batch_rows: int = Field(500, ge=1, le=1000, validation_alias="API_BATCH_ROWS")
