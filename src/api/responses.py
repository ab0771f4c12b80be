"""The error responses the routes declare in OpenAPI, all with the same one-line body."""

from __future__ import annotations

from typing import Any, Final

from churn.api.schemas import ErrorBody

_BODY: Final = {"model": ErrorBody}
ERROR_RESPONSES: Final[dict[int | str, dict[str, Any]]] = {
    400: _BODY | {"description": "The body cannot be read at all (for example, not UTF-8)."},
    413: _BODY | {"description": "The body is larger than the API accepts."},
    415: _BODY | {"description": "The body is not application/json."},
    422: _BODY | {"description": "The request breaks the contract; `detail` names each field."},
    500: _BODY | {"description": "An unexpected error, in one line."},
    502: _BODY | {"description": "The model endpoint failed or answered nonsense."},
    503: _BODY | {"description": "No model yet, or the endpoint is cold or slow: retry later."},
}
