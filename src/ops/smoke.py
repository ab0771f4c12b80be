"""``churn-smoke``: after a deploy, score real example customers through the public path
(SigV4-signed ``POST /v1/predictions`` on the HTTP API's v1 stage, Lambda, SageMaker) and
compare every answer with the same bundle scored in this process. Any difference, a wrong
model version, or an error fails the deploy run.

A serverless endpoint that has just been created makes the API answer 503 while it starts:
that is retried, after the Retry-After the API sends, for a bounded time. A 502 means a
failure, not a start: API Gateway's when the function ran and failed (or answered in the
wrong shape), the API's own when the model endpoint failed. A crashing release is retried a
few times only, in case the failure was passing, and then fails the test instead of holding
the deploy for the whole wait.

With ``--invoke-role-arn`` the calls are signed as that role, assumed with the ambient
credentials (in the deploy: ml-engineer assumes the platform's smoke-test role, the only
identity that may call this API, while the bundle is still read as ml-engineer).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, Final

import boto3
from botocore.credentials import Credentials
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import ValidationError

from churn import cli
from churn.api.schemas import Customer
from churn.api.service import PredictionService, build_service
from churn.api.settings import Settings
from churn.errors import DependencyError, RefusedError, UsageError, context
from churn.ui.client import ApiClient, ApiError, SigV4Signer
from churn.ui.settings import UiSettings

PROG: Final = "churn-smoke"

TOLERANCE: Final = 1e-6
DRIVERS: Final = 5  # asked of each answer, whose additivity is checked
# A cold or starting deployment: the API's 503 (endpoint starting), retried until the wait
# ends. 502 is a failure: API Gateway's when the function ran and returned an error or a
# malformed response (https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway-errors.html),
# the API's when the model endpoint failed; tried FUNCTION_ERROR_ATTEMPTS times in a row at most.
RETRYABLE: Final = frozenset({502, 503})
FUNCTION_ERROR: Final = 502
FUNCTION_ERROR_ATTEMPTS: Final = 3
DEFAULT_PAUSE_SECONDS: Final = 5.0


class SmokeError(RefusedError):
    """The deployment answered wrongly or not at all; one line says how."""


def example_customers() -> list[dict[str, Any]]:
    examples: list[dict[str, Any]] = json.loads(
        resources.files("churn.api").joinpath("examples.json").read_text()
    )
    return examples


def expected_answer(service: PredictionService, customer: dict[str, Any]) -> dict[str, Any]:
    prediction = asyncio.run(service.predict_one(Customer.model_validate(customer)))
    return prediction.model_dump()


def check(answer: dict[str, Any], expected: dict[str, Any]) -> None:
    who = expected.get("customerID") or "customer"
    if answer.get("model_version") != expected["model_version"]:
        raise SmokeError(
            f"{who}: served by model {answer.get('model_version')!r}, "
            f"but main names {expected['model_version']!r}"
        )
    probability = answer.get("churn_probability")
    if not isinstance(probability, float | int):
        raise SmokeError(f"{who}: the answer has no churn_probability: {answer}")
    if abs(probability - expected["churn_probability"]) > TOLERANCE:
        raise SmokeError(
            f"{who}: probability {probability:.6f} through the API, "
            f"{expected['churn_probability']:.6f} from the bundle"
        )
    if answer.get("churn") != expected["churn"]:
        raise SmokeError(
            f"{who}: churn={answer.get('churn')} but the bundle says {expected['churn']}"
        )


def check_explanation(who: str, answer: dict[str, Any]) -> None:
    """The drivers the API computed add up to the probability it served: in AWS the two come
    from different places (the Lambda's trees, the endpoint's model)."""
    explanation = answer.get("explanation") or {}
    try:
        listed = math.fsum(driver["contribution"] for driver in explanation["drivers"])
        total = explanation["base_value"] + listed + explanation["other_fields"]
        margin = float(explanation["margin"])
    except (KeyError, TypeError):
        raise SmokeError(f"{who}: the answer has no explanation: {answer}") from None
    if abs(total - margin) > TOLERANCE or len(explanation["drivers"]) != DRIVERS:
        raise SmokeError(f"{who}: the drivers do not add up to their margin: {explanation}")
    explained = 1.0 / (1.0 + math.exp(-margin))
    if abs(explained - answer["churn_probability"]) > TOLERANCE:
        raise SmokeError(
            f"{who}: the drivers explain {explained:.6f}, "
            f"but the API served {answer['churn_probability']:.6f}"
        )


def assumed_credentials(role_arn: str, region: str) -> Credentials:
    """The role's credentials, assumed with the ambient ones."""
    try:
        answer = boto3.client("sts", region_name=region).assume_role(
            RoleArn=role_arn, RoleSessionName="churn-smoke"
        )
    except (BotoCoreError, ClientError) as error:
        raise DependencyError(f"cannot assume {role_arn}: {error}") from None
    issued = answer["Credentials"]
    return Credentials(issued["AccessKeyId"], issued["SecretAccessKey"], issued["SessionToken"])


@dataclass
class Patience:
    """How long a starting deployment is waited for, across all customers."""

    seconds: float
    say: Callable[[str], None] = print
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        self.deadline = self.clock() + self.seconds

    def predict(self, client: ApiClient, customer: dict[str, Any]) -> dict[str, Any]:
        function_errors = 0
        while True:
            try:
                return client.predict(customer, drivers=DRIVERS)
            except ApiError as error:
                if error.status not in RETRYABLE:
                    raise
                function_errors = function_errors + 1 if error.status == FUNCTION_ERROR else 0
                if function_errors == FUNCTION_ERROR_ATTEMPTS:
                    raise SmokeError(
                        f"the API's function failed {function_errors} times in a row: {error}"
                    ) from None
                pause = DEFAULT_PAUSE_SECONDS if error.retry_after is None else error.retry_after
                if self.clock() + pause > self.deadline:
                    raise SmokeError(
                        f"still {error.status} after waiting {self.seconds:.0f} s: {error}"
                    ) from None
                self.say(f"churn-smoke: {error.status} (starting?); retrying in {pause:.0f} s")
                self.sleep(pause)


def run(client: ApiClient, service: PredictionService, patience: Patience) -> int:
    customers = example_customers()
    for customer in customers:
        with context(str(customer.get("customerID"))):  # an ApiError keeps its exit code
            answer = patience.predict(client, customer)
        check(answer, expected_answer(service, customer))
        check_explanation(customer.get("customerID") or "customer", answer)
    return len(customers)


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Score example customers through the deployed API and check the answers.",
        epilog=cli.EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--api-endpoint", required=True, help="the HTTP API's base URL (no stage)")
    parser.add_argument(
        "--bundle", required=True, help="the bundle main names: s3://<bucket>/models/<version>"
    )
    parser.add_argument("--region", default="eu-central-1", help="region to sign requests for")
    parser.add_argument(
        "--auth", choices=("iam", "none"), default="iam", help="iam: sign with SigV4"
    )
    parser.add_argument(
        "--invoke-role-arn",
        help="sign the API calls as this role, assumed with the ambient credentials",
    )
    parser.add_argument(
        "--wait-seconds",
        type=float,
        default=600.0,
        help="how long 503 answers of a starting deployment are retried (default 600)",
    )
    arguments = parser.parse_args(argv)
    if arguments.invoke_role_arn and arguments.auth != "iam":
        parser.error("--invoke-role-arn signs the calls: it needs --auth iam")
    return arguments


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    return cli.run(PROG, lambda: _smoke(arguments))


def _smoke(arguments: argparse.Namespace) -> None:
    smoke_test(
        arguments.api_endpoint,
        arguments.bundle,
        auth=arguments.auth,
        region=arguments.region,
        invoke_role_arn=arguments.invoke_role_arn,
        wait_seconds=arguments.wait_seconds,
    )


def smoke_test(
    api_endpoint: str,
    bundle: str,
    *,
    auth: str = "iam",
    region: str = "eu-central-1",
    invoke_role_arn: str | None = None,
    wait_seconds: float = 600.0,
) -> None:
    """Every example customer through the API, checked against ``bundle``; SmokeError (or
    the API's or AWS's error) when one answer is wrong or missing."""
    try:
        settings = UiSettings.model_validate(
            {"API_ENDPOINT": api_endpoint, "API_AUTH": auth, "AWS_REGION": region}
        )
    except ValidationError as error:
        first = error.errors()[0]
        raise UsageError(f"{first['loc'][0]} {first['input']!r}: {first['msg']}") from None
    service = build_service(Settings(bundle=bundle, predictor="local"))
    signer = None
    if invoke_role_arn:
        signer = SigV4Signer(region, assumed_credentials(invoke_role_arn, region))
    scored = run(ApiClient(settings, signer), service, Patience(wait_seconds))
    cli.progress(PROG)(f"{scored} customers answered correctly by {api_endpoint}")


if __name__ == "__main__":
    sys.exit(main())
