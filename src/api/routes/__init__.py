"""One router per resource, gathered here."""

from fastapi import APIRouter

from churn.api.routes import meta, original, predictions, scores

router = APIRouter(prefix="/v1")
router.include_router(predictions.router)
router.include_router(meta.router)
router.include_router(original.router)
router.include_router(scores.router)
