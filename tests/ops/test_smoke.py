"""The post-deploy smoke test against a live API: it passes when every example customer's
answer matches the bundle scored in-process, and fails with one line otherwise. (The
SigV4 signing it relies on is the UI client's, verified in tests/ui/test_sigv4.py.)"""

from __future__ import annotations

import http.server
import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from xml.etree import ElementTree

import boto3
import httpx
import pytest
from botocore.credentials import Credentials

from churn import artifacts, storage
from churn.api.service import build_service
from churn.api.settings import Settings
from churn.errors import ExitCode
from churn.ops import smoke
from churn.ui.client import ApiClient, ApiError, SigV4Signer
from churn.ui.settings import UiSettings
from tests.support.cli import help_text
from tests.support.servers import LOOPBACK, free_port, make_bucket, send_json, serve_http
from tests.support.sigv4 import credential_fields, expected_signature


@pytest.fixture(scope="module")
def expected(bundle_dir: Path) -> dict[str, Any]:
    service = build_service(Settings(bundle=str(bundle_dir), predictor="local"))
    return smoke.expected_answer(service, smoke.example_customers()[0])


def test_the_deployed_api_answers_every_example_correctly(
    api_url: str,
    bundle_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The expected answers come from the bundle in this process, whatever the job's
    environment says the API's predictor is."""
    monkeypatch.setenv("CHURN_PREDICTOR", "sagemaker")
    monkeypatch.setenv("CHURN_SAGEMAKER_ENDPOINT", "teleco-customer-churn-endpoint")
    code = smoke.main(["--api-endpoint", api_url, "--bundle", str(bundle_dir), "--auth", "none"])
    assert code == 0
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last == f"churn-smoke: 3 customers answered correctly by {api_url}"


def test_an_api_that_is_down_fails_the_run_with_one_line(
    bundle_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    code = smoke.main(["--api-endpoint", url, "--bundle", str(bundle_dir), "--auth", "none"])
    assert code == ExitCode.DEPENDENCY
    error = capsys.readouterr().err
    assert error.startswith("churn-smoke: error: 7590-VHVEG: ") and error.count("\n") == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"model_version": "20200101T000000Z-000000"}, "served by model '20200101T000000Z-000000'"),
        ({"churn_probability_shift": 0.01}, "through the API"),
        ({"churn_probability_shift": -0.01}, "through the API"),  # either way
        ({"churn_probability_shift": 2e-6}, "through the API"),  # just past the tolerance
        ({"churn_flip": True}, "but the bundle says"),
    ],
)
def test_a_wrong_answer_fails(
    expected: dict[str, Any], change: dict[str, Any], message: str
) -> None:
    answer = dict(expected)
    if "model_version" in change:
        answer["model_version"] = change["model_version"]
    if "churn_probability_shift" in change:
        answer["churn_probability"] = (
            expected["churn_probability"] + change["churn_probability_shift"]
        )
    if "churn_flip" in change:
        answer["churn"] = not expected["churn"]
    with pytest.raises(smoke.SmokeError, match=message):
        smoke.check(answer, expected)
    smoke.check(dict(expected), expected)  # the right answer passes


def test_the_bundle_main_names_is_read_from_the_model_bucket(
    api_url: str,
    bundle_dir: Path,
    aws_env: dict[str, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """As in the deploy: the expected answers come from the bundle in S3 (the moto server)."""
    make_bucket("teleco-customer-churn-smoke")
    prefix = f"s3://teleco-customer-churn-smoke/models/{bundle_dir.name}"
    storage.publish_directory(bundle_dir, prefix, last=artifacts.MANIFEST)
    assert smoke.main(["--api-endpoint", api_url, "--bundle", prefix, "--auth", "none"]) == 0
    missing = "s3://teleco-customer-churn-smoke/models/20200101T000000Z-000000"
    assert smoke.main(["--api-endpoint", api_url, "--bundle", missing, "--auth", "none"]) == 1
    assert capsys.readouterr().err.splitlines()[-1].startswith(f"churn-smoke: error: {missing}")


@contextmanager
def starting_deployment(api_url: str, unavailable_answers: int) -> Iterator[str]:
    """The live API behind a front that first answers 503 with Retry-After, as a serverless
    endpoint does while it starts, then forwards every request."""
    remaining = [unavailable_answers]

    class Front(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"]))
            if remaining[0] > 0:
                remaining[0] -= 1
                status, headers, content = 503, {"Retry-After": "1"}, b'{"message": "starting"}'
            else:
                forwarded = httpx.post(
                    api_url + self.path, content=body, headers={"content-type": "application/json"}
                )
                status, headers, content = forwarded.status_code, {}, forwarded.content
            send_json(self, status, content, headers)

        def log_message(self, *_: object) -> None:
            pass

    with serve_http(Front) as server:
        yield f"http://{LOOPBACK}:{server.server_port}"


def test_a_starting_deployment_is_waited_for_as_retry_after_says(
    api_url: str, bundle_dir: Path
) -> None:
    service = build_service(Settings(bundle=str(bundle_dir), predictor="local"))
    said: list[str] = []
    slept: list[float] = []
    with starting_deployment(api_url, unavailable_answers=2) as url:
        client = ApiClient(
            UiSettings.model_validate(
                {"API_ENDPOINT": url, "API_AUTH": "none", "AWS_REGION": "eu-central-1"}
            )
        )
        scored = smoke.run(client, service, smoke.Patience(60, say=said.append, sleep=slept.append))
    assert scored == 3
    assert said.count("churn-smoke: 503 (starting?); retrying in 1 s") == 2
    assert slept == [1.0, 1.0]  # Retry-After: 1, twice


def test_a_deployment_that_never_starts_fails_once_the_wait_is_over(
    api_url: str, bundle_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with starting_deployment(api_url, unavailable_answers=1_000) as url:
        arguments = ["--api-endpoint", url, "--bundle", str(bundle_dir), "--auth", "none"]
        code = smoke.main([*arguments, "--wait-seconds", "2"])
    assert code == 1
    error = capsys.readouterr().err
    assert error.startswith("churn-smoke: error: 7590-VHVEG: still 503 after waiting 2 s")
    assert error.count("\n") == 1


def test_other_errors_are_not_retried(bundle_dir: Path) -> None:
    class Refusing:
        calls = 0

        def predict(self, customer: dict[str, Any], *, drivers: int) -> dict[str, Any]:
            self.calls += 1
            raise ApiError("refused (403)", status=403)

    client = Refusing()
    patience = smoke.Patience(60, say=print, sleep=lambda _: None)
    with pytest.raises(ApiError):
        patience.predict(client, smoke.example_customers()[0])  # type: ignore[arg-type]
    assert client.calls == 1


@dataclass
class Issued:
    """What STS handed out, as API Gateway's IAM authorization knows it: access key ->
    (secret, session token), and the region each AssumeRole was signed for."""

    credentials: dict[str, tuple[str, str]] = field(default_factory=dict)
    sts_regions: list[str] = field(default_factory=list)


@contextmanager
def sts_in_front(moto_endpoint: str) -> Iterator[tuple[Issued, str]]:
    """STS forwarded to moto, keeping what each AssumeRole issued."""
    issued = Issued()

    class Sts(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"]))
            if parse_qs(body.decode()).get("Action") == ["AssumeRole"]:
                scope = credential_fields(self.headers["authorization"])["Credential"]
                issued.sts_regions.append(scope.split("/")[2])
            headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
            answer = httpx.post(moto_endpoint + self.path, content=body, headers=headers)
            found = ElementTree.fromstring(answer.content).find(".//{*}Credentials")
            if found is not None:
                key, secret, token = (
                    found.findtext(f"{{*}}{name}", "")
                    for name in ("AccessKeyId", "SecretAccessKey", "SessionToken")
                )
                issued.credentials[key] = (secret, token)
            send_json(self, answer.status_code, answer.content, {"content-type": "text/xml"})

        def log_message(self, *_: object) -> None:
            pass

    with serve_http(Sts) as server:
        yield issued, f"http://{LOOPBACK}:{server.server_port}"


@contextmanager
def signed_front(api_url: str, issued: Issued) -> Iterator[tuple[list[str], str]]:
    """The live API behind a front that, like API Gateway with IAM authorization, refuses a
    call unless it is signed with the secret of credentials STS issued and carries their
    session token; it records who signed each call and for which region (moto names the
    identity of an access key it issued)."""
    callers: list[str] = []

    class Front(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"]))
            headers = {k.lower(): v for k, v in self.headers.items()}
            authorization = headers.get("authorization", "")
            if not authorization.startswith("AWS4-HMAC-SHA256 "):
                send_json(self, 403, b'{"message": "Missing Authentication Token"}')
                return
            fields = credential_fields(authorization)
            access_key, _, region, *_ = fields["Credential"].split("/")
            secret, token = issued.credentials.get(access_key, ("", ""))
            signature = expected_signature("POST", self.path, headers, body, secret)
            if fields["Signature"] != signature or headers.get("x-amz-security-token") != token:
                send_json(self, 403, b'{"message": "The request signature does not match"}')
                return
            identity = boto3.client(
                "sts", aws_access_key_id=access_key, aws_secret_access_key="unused"
            ).get_caller_identity()
            callers.append(f"{identity['Arn']} in {region}")
            forwarded = httpx.post(
                api_url + self.path, content=body, headers={"content-type": "application/json"}
            )
            send_json(self, forwarded.status_code, forwarded.content)

        def log_message(self, *_: object) -> None:
            pass

    with serve_http(Front) as server:
        yield callers, f"http://{LOOPBACK}:{server.server_port}"


def test_the_calls_are_signed_as_the_role_given(
    api_url: str, bundle_dir: Path, aws_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """In the deploy, ml-engineer may not invoke the API itself: it assumes the platform's
    smoke-test role, and every call is signed as that role, for the region given (STS's
    call too), with the role's secret and session token."""
    role = boto3.client("iam").create_role(
        RoleName="teleco-customer-churn-smoke-test-role",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
    )["Role"]["Arn"]
    assert aws_env["AWS_REGION"] != "eu-west-3"  # the region given is not the ambient one
    with sts_in_front(aws_env["AWS_ENDPOINT_URL"]) as (issued, sts_url):
        monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sts_url)
        with signed_front(api_url, issued) as (callers, url):
            arguments = ["--api-endpoint", url, "--bundle", str(bundle_dir), "--auth", "iam"]
            arguments += ["--region", "eu-west-3", "--invoke-role-arn", role]
            assert smoke.main(arguments) == 0
    assert issued.sts_regions == ["eu-west-3"]
    account = role.split(":")[4]
    assumed = f"arn:aws:sts::{account}:assumed-role/teleco-customer-churn-smoke-test-role"
    assert callers == [f"{assumed}/churn-smoke in eu-west-3"] * 3


def test_without_a_role_the_calls_are_signed_with_the_ambient_credentials_for_the_region(
    api_url: str, bundle_dir: Path, aws_env: dict[str, str]
) -> None:
    ambient = aws_env["AWS_ACCESS_KEY_ID"]
    issued = Issued({ambient: (aws_env["AWS_SECRET_ACCESS_KEY"], aws_env["AWS_SESSION_TOKEN"])})
    identity = boto3.client("sts").get_caller_identity()["Arn"]
    with signed_front(api_url, issued) as (callers, url):
        arguments = ["--api-endpoint", url, "--bundle", str(bundle_dir), "--auth", "iam"]
        assert smoke.main([*arguments, "--region", "eu-west-3"]) == 0
    assert callers == [f"{identity} in eu-west-3"] * 3


def test_a_call_signed_with_anything_but_the_roles_secret_and_token_is_refused(
    api_url: str, aws_env: dict[str, str]
) -> None:
    """The front above is a real check: the same call, signed wrongly, is refused."""
    issued = Issued({"ASIAKEY": ("the-secret", "the-token")})
    settings = UiSettings.model_validate(
        {"API_ENDPOINT": "http://unused", "API_AUTH": "iam", "AWS_REGION": "eu-west-3"}
    )
    customer = smoke.example_customers()[0]
    with signed_front(api_url, issued) as (callers, url):
        settings = settings.model_copy(update={"api_endpoint": url})
        for secret, token in [
            ("the-secret", "the-token"),
            ("wrong", "the-token"),
            ("the-secret", None),
        ]:
            signer = SigV4Signer("eu-west-3", Credentials("ASIAKEY", secret, token))
            try:
                ApiClient(settings, signer).predict(customer, drivers=smoke.DRIVERS)
            except ApiError as error:
                assert error.status == 403
            else:
                assert (secret, token) == ("the-secret", "the-token")
    assert len(callers) == 1


def test_a_role_that_cannot_be_assumed_fails_with_one_line(
    bundle_dir: Path,
    aws_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://{LOOPBACK}:{free_port()}")  # STS unreachable
    role = "arn:aws:iam::123456789012:role/teleco-customer-churn-smoke-test-role"
    arguments = ["--api-endpoint", "http://127.0.0.1:9", "--bundle", str(bundle_dir)]
    assert smoke.main([*arguments, "--invoke-role-arn", role]) == ExitCode.DEPENDENCY
    error = capsys.readouterr().err
    assert error.startswith(f"churn-smoke: error: cannot assume {role}: ")
    assert error.count("\n") == 1


def test_a_role_to_sign_with_needs_signing(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        smoke.parse_arguments(
            ["--api-endpoint", "http://x", "--bundle", "b", "--auth", "none",
             "--invoke-role-arn", "arn:aws:iam::123456789012:role/r"]
        )  # fmt: skip
    assert stopped.value.code == 2
    assert capsys.readouterr().err.endswith(
        "error: --invoke-role-arn signs the calls: it needs --auth iam\n"
    )


ANSWER = {
    "customerID": "0001-ABCDE",
    "model_version": "20261201T000000Z-aaaaaa",
    "churn_probability": 0.5,
    "churn": True,
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"model_version": "v2"},
            "0001-ABCDE: served by model 'v2', but main names '20261201T000000Z-aaaaaa'",
        ),
        ({"churn_probability": "0.5"}, "0001-ABCDE: the answer has no churn_probability: {answer}"),
        ({"churn_probability": None}, "0001-ABCDE: the answer has no churn_probability: {answer}"),
        (
            {"churn_probability": 0.25},
            "0001-ABCDE: probability 0.250000 through the API, 0.500000 from the bundle",
        ),
        (
            {"churn_probability": 0.5 + 2.5e-6},
            "0001-ABCDE: probability 0.500003 through the API, 0.500000 from the bundle",
        ),
        ({"churn": False}, "0001-ABCDE: churn=False but the bundle says True"),
        ({"churn": None}, "0001-ABCDE: churn=None but the bundle says True"),
    ],
)
def test_each_wrong_answer_is_named_in_one_line(change: dict[str, Any], message: str) -> None:
    answer = ANSWER | change
    with pytest.raises(smoke.SmokeError) as failed:
        smoke.check(answer, ANSWER)
    assert str(failed.value) == message.format(answer=answer)


@pytest.mark.parametrize("probability", [0.5, 1, 0.5 + 0.9e-6, 0.5 - 0.9e-6])
def test_an_answer_within_the_tolerance_passes(probability: float) -> None:
    expected = ANSWER | {"churn_probability": 1 if probability == 1 else 0.5}
    smoke.check(ANSWER | {"churn_probability": probability}, expected)


def test_an_answer_off_by_exactly_the_tolerance_passes() -> None:
    smoke.check(
        ANSWER | {"churn_probability": smoke.TOLERANCE}, ANSWER | {"churn_probability": 0.0}
    )


def test_a_customer_without_an_id_is_called_customer() -> None:
    expected = {k: v for k, v in ANSWER.items() if k != "customerID"}
    with pytest.raises(smoke.SmokeError, match=r"^customer: churn=False"):
        smoke.check(expected | {"churn": False}, expected)


def explained(probability: float, drivers: int = smoke.DRIVERS) -> dict[str, Any]:
    """An answer whose explanation adds up to ``probability``: base -1, drivers of 0.25,
    the rest in other_fields."""
    margin = math.log(probability / (1 - probability))
    listed = [{"field": f"f{i}", "contribution": 0.25} for i in range(drivers)]
    other = margin + 1.0 - 0.25 * drivers
    explanation = {"base_value": -1.0, "drivers": listed, "other_fields": other, "margin": margin}
    return ANSWER | {"churn_probability": probability, "explanation": explanation}


@pytest.mark.parametrize("probability", [0.5, 0.03, 0.97])
def test_drivers_that_add_up_to_the_served_probability_pass(probability: float) -> None:
    smoke.check_explanation("0001-ABCDE", explained(probability))


def test_drivers_that_explain_another_probability_fail() -> None:
    answer = explained(0.5) | {"churn_probability": 0.5 + 2e-6}
    with pytest.raises(smoke.SmokeError) as failed:
        smoke.check_explanation("0001-ABCDE", answer)
    assert str(failed.value) == (
        "0001-ABCDE: the drivers explain 0.500000, but the API served 0.500002"
    )
    smoke.check_explanation("c", explained(0.5) | {"churn_probability": 0.5 + 0.9e-6})


@pytest.mark.parametrize(
    "broken",
    [
        {"other_fields": 1e-5},
        {"base_value": -1.0 + 2e-6},
        {"drivers": [{"field": "f0", "contribution": 0.25}]},
    ],
    ids=["other fields", "base", "too few drivers"],
)
def test_drivers_that_do_not_add_up_to_their_margin_fail(broken: dict[str, Any]) -> None:
    answer = explained(0.5)
    answer["explanation"] = answer["explanation"] | broken
    with pytest.raises(smoke.SmokeError, match=r"^c: the drivers do not add up to their margin"):
        smoke.check_explanation("c", answer)


@pytest.mark.parametrize("explanation", [None, {}, {"drivers": [{"field": "f0"}]}, []])
def test_an_answer_without_an_explanation_fails(explanation: Any) -> None:
    with pytest.raises(smoke.SmokeError, match=r"^c: the answer has no explanation: "):
        smoke.check_explanation("c", ANSWER | {"explanation": explanation})


class Clock:
    """Time that passes only when the code sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class Starting:
    """An API that answers ``status`` (with ``retry_after``) ``times`` times, then 200."""

    def __init__(self, times: int, status: int = 503, retry_after: float | None = None) -> None:
        self.left, self.status, self.retry_after = times, status, retry_after

    def predict(self, customer: dict[str, Any], *, drivers: int) -> dict[str, Any]:
        assert drivers == smoke.DRIVERS
        if self.left > 0:
            self.left -= 1
            raise ApiError("failed", status=self.status, retry_after=self.retry_after)
        return {"answered": customer["customerID"]}


def patience(seconds: float, clock: Clock, said: list[str]) -> smoke.Patience:
    return smoke.Patience(seconds, say=said.append, sleep=clock.sleep, clock=lambda: clock.now)


def test_a_starting_api_is_retried_every_five_seconds_without_retry_after() -> None:
    clock, said = Clock(), list[str]()
    answer = patience(20, clock, said).predict(Starting(4, 503), {"customerID": "c1"})  # type: ignore[arg-type]
    assert answer == {"answered": "c1"}
    assert clock.slept == [5.0] * 4  # 20 s: the fourth pause ends exactly at the deadline
    assert said == ["churn-smoke: 503 (starting?); retrying in 5 s"] * 4


def test_a_passing_function_error_is_retried() -> None:
    clock, said = Clock(), list[str]()
    answer = patience(600, clock, said).predict(Starting(2, 502), {"customerID": "c1"})  # type: ignore[arg-type]
    assert answer == {"answered": "c1"}
    assert said == ["churn-smoke: 502 (starting?); retrying in 5 s"] * 2


def test_a_crashing_function_fails_after_three_502s_not_after_the_whole_wait() -> None:
    clock, said = Clock(), list[str]()
    with pytest.raises(smoke.SmokeError) as failed:
        patience(600, clock, said).predict(Starting(10, 502), {"customerID": "c1"})  # type: ignore[arg-type]
    assert clock.slept == [5.0] * 2
    assert str(failed.value) == "the API's function failed 3 times in a row: failed"


class Alternating(Starting):
    """503 and 502 in turn: a function error between 503s is not a third in a row."""

    def predict(self, customer: dict[str, Any], *, drivers: int) -> dict[str, Any]:
        self.status = 502 if self.status == 503 else 503
        return super().predict(customer, drivers=drivers)


def test_only_function_errors_in_a_row_count() -> None:
    clock = Clock()
    answer = patience(600, clock, []).predict(Alternating(6), {"customerID": "c1"})  # type: ignore[arg-type]
    assert answer == {"answered": "c1"} and len(clock.slept) == 6


def test_the_wait_ends_before_a_pause_would_pass_the_deadline() -> None:
    clock, said = Clock(), list[str]()
    with pytest.raises(smoke.SmokeError) as failed:
        patience(19, clock, said).predict(Starting(4), {"customerID": "c1"})  # type: ignore[arg-type]
    assert clock.slept == [5.0] * 3
    assert str(failed.value) == "still 503 after waiting 19 s: failed"


def test_the_deadline_is_shared_by_every_customer() -> None:
    clock, said = Clock(), list[str]()
    waiting = patience(10, clock, said)
    waiting.predict(Starting(1, retry_after=6), {"customerID": "c1"})  # type: ignore[arg-type]
    with pytest.raises(smoke.SmokeError, match=r"^still 503 after waiting 10 s"):
        waiting.predict(Starting(1, retry_after=6), {"customerID": "c2"})  # type: ignore[arg-type]
    assert clock.slept == [6]
    assert said == ["churn-smoke: 503 (starting?); retrying in 6 s"]


@pytest.mark.parametrize("status", [400, 403, 404, 422, 500, 504])
def test_only_502_and_503_are_waited_for(status: int) -> None:
    clock = Clock()
    with pytest.raises(ApiError):
        patience(60, clock, []).predict(Starting(1, status), {"customerID": "c1"})  # type: ignore[arg-type]
    assert clock.slept == []


def test_the_arguments_and_their_defaults(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    arguments = smoke.parse_arguments(["--api-endpoint", "https://api", "--bundle", "s3://b/m/v"])
    assert (arguments.region, arguments.auth, arguments.invoke_role_arn) == (
        "eu-central-1",
        "iam",
        None,
    )
    assert arguments.wait_seconds == 600.0
    for missing in ("--api-endpoint", "--bundle"):
        given = {"--api-endpoint": "https://api", "--bundle": "b"}
        argv = [part for name, value in given.items() if name != missing for part in (name, value)]
        with pytest.raises(SystemExit):
            smoke.parse_arguments(argv)
        assert f"the following arguments are required: {missing}" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        smoke.parse_arguments(["--api-endpoint", "x", "--bundle", "b", "--auth", "sigv2"])
    assert "argument --auth: invalid choice: 'sigv2'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        smoke.parse_arguments(
            ["--api-endpoint", "x", "--bundle", "b", "--auth", "none", "--invoke-role-arn", "r"]
        )
    assert "--invoke-role-arn signs the calls: it needs --auth iam" in capsys.readouterr().err
    assert help_text(smoke.parse_arguments, capsys, monkeypatch) == (
        "usage: churn-smoke [-h] --api-endpoint API_ENDPOINT --bundle BUNDLE [--region "
        "REGION] [--auth {iam,none}] [--invoke-role-arn INVOKE_ROLE_ARN] [--wait-seconds "
        "WAIT_SECONDS] Score example customers through the deployed API and check the "
        "answers. options: -h, --help show this help message and exit --api-endpoint "
        "API_ENDPOINT the HTTP API's base URL (no stage) --bundle BUNDLE the bundle main "
        "names: s3://<bucket>/models/<version> --region REGION region to sign requests "
        "for --auth {iam,none} iam: sign with SigV4 --invoke-role-arn INVOKE_ROLE_ARN "
        "sign the API calls as this role, assumed with the ambient credentials "
        "--wait-seconds WAIT_SECONDS how long 503 answers of a starting deployment are "
        "retried (default 600)"
    )


def test_a_bad_setting_is_named_with_what_was_given_in_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["--api-endpoint", "not a url", "--bundle", "b", "--auth", "none"]
    assert smoke.main(argv) == ExitCode.USAGE
    assert capsys.readouterr().err == (
        "churn-smoke: error: API_ENDPOINT 'not a url': String should match pattern '^https?://'\n"
    )


def at_the_edge(margin: float, probability: float, base_value: float) -> dict[str, Any]:
    """An answer whose explanation is ``base_value`` with no driver contributing."""
    listed = [{"field": f"f{i}", "contribution": 0.0} for i in range(smoke.DRIVERS)]
    explanation = {"base_value": base_value, "drivers": listed, "other_fields": 0.0}
    return ANSWER | {
        "churn_probability": probability,
        "explanation": explanation | {"margin": margin},
    }


def test_drivers_off_their_margin_by_exactly_the_tolerance_pass() -> None:
    smoke.check_explanation("0001-ABCDE", at_the_edge(0.0, 0.5, base_value=smoke.TOLERANCE))


def test_a_probability_off_the_explained_one_by_exactly_the_tolerance_passes() -> None:
    # A margin of -700 explains a probability of about 1e-304, so the served one, the
    # tolerance itself, is off by exactly the tolerance in floating point.
    smoke.check_explanation("0001-ABCDE", at_the_edge(-700.0, smoke.TOLERANCE, base_value=-700.0))
