"""The page's way to the API: one client per server process, answers parsed into the
models of ``answers``, and the ones that change rarely kept a few minutes."""

from __future__ import annotations

from typing import Any, TypeVar

import streamlit as st
from pydantic import BaseModel, ValidationError

from churn.ui.answers import ModelInfo, ScoringRun
from churn.ui.client import ApiClient, ApiError
from churn.ui.settings import UiSettings

Answer = TypeVar("Answer", bound=BaseModel)


def parsed(kind: type[Answer], answer: Any) -> Answer:
    """``answer`` as ``kind``; an answer of another shape is an ApiError in one line."""
    try:
        return kind.model_validate(answer)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ApiError(
            f"the API's {kind.__name__} answer is not what this page reads ({where}: "
            f"{first['msg']})"
        ) from None


@st.cache_resource
def api_client() -> ApiClient:
    return ApiClient(UiSettings())


@st.cache_data(ttl=300, show_spinner="Asking the API about its model…")
def model_info() -> ModelInfo:
    return parsed(ModelInfo, api_client().model())


@st.cache_data(ttl=300, show_spinner="Reading the latest scoring run…")
def latest_scores() -> ScoringRun:
    return parsed(ScoringRun, api_client().latest_scores())
