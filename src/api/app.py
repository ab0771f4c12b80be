"""The FastAPI application: the same app under uvicorn and inside Lambda (via Mangum)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from churn.api.errors import RequestGuard, install_error_handlers
from churn.api.logs import AccessLog, configure_logging
from churn.api.routes import router
from churn.api.scores import RunCache
from churn.api.service import ServiceHolder
from churn.api.settings import Settings

DESCRIPTION = """\
Scores telecom customers for churn risk with the model the training pipeline published.
Every request is checked against the feature contract: a 422 names the offending field.
"""


def create_app(settings: Settings | None = None, *, preload: bool = True) -> FastAPI:
    """``preload``: load the bundle at startup (uvicorn) so a bad bundle fails fast. Lambda
    passes False and loads on the first request, once per process."""
    settings = settings or Settings()
    configure_logging(settings.log_level)
    holder = ServiceHolder(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if preload:
            holder.get()
        yield

    app = FastAPI(
        title="telco-churn prediction API",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url="/v1/docs",
        openapi_url="/v1/openapi.json",
        redoc_url=None,
    )
    app.state.holder = holder
    app.state.runs = RunCache(settings.scores)
    app.include_router(router)

    @app.get("/docs", include_in_schema=False)
    async def docs_redirect() -> RedirectResponse:
        """Every path lives under /v1 (as behind the API Gateway stage); this is a shortcut."""
        return RedirectResponse("/v1/docs")

    install_error_handlers(app)
    # Outermost first: the access log sees every answer, including the guard's 413/415.
    app.add_middleware(
        RequestGuard,
        max_body_bytes=settings.max_body_bytes,
        body_timeout_seconds=settings.body_timeout_seconds,
    )
    app.add_middleware(AccessLog, holder=holder)
    return app
