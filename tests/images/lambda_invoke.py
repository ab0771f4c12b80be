"""Invoke the Lambda handler once, as the Lambda runtime would, and report what was loaded.

Runs in a clean directory holding only the Lambda image's files (python -S, PYTHONPATH
set to it), so it imports nothing of the tests and nothing of the development venv.

usage: python lambda_invoke.py EVENT_JSON  -> prints {"response": ..., "heavy": [...]}
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mangum.types import LambdaCognitoIdentity, LambdaMobileClientContext

HEAVY = ("pandas", "sklearn", "xgboost", "numpy", "scipy")


class Context:
    """What the Lambda runtime passes as `context` (mangum.types.LambdaContext)."""

    function_name = "teleco-customer-churn-prediction-api"
    function_version = "$LATEST"
    invoked_function_arn = (
        "arn:aws:lambda:eu-central-1:123456789012:function:teleco-customer-churn-prediction-api"
    )
    memory_limit_in_mb = 1024
    log_group_name = "/aws/lambda/teleco-customer-churn-prediction-api"
    log_stream_name = "2026/11/24/[$LATEST]0123456789abcdef"
    identity: LambdaCognitoIdentity | None = None
    client_context: LambdaMobileClientContext | None = None

    def __init__(self, aws_request_id: str = "lambda-image-test") -> None:
        self.aws_request_id = aws_request_id

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def main() -> None:
    from churn.api.handler import handler  # noqa: PLC0415 - the import under test

    event = json.loads(Path(sys.argv[1]).read_text())
    response = handler(event, Context())
    heavy = sorted(name for name in sys.modules if name.split(".")[0] in HEAVY)
    print(json.dumps({"response": response, "heavy": heavy}))


if __name__ == "__main__":
    main()
