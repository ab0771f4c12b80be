"""The post-deploy smoke test against a live API: it passes when every example customer's
answer matches the bundle scored in-process, and fails with one line otherwise. (The
SigV4 signing it relies on is the UI client's, verified in tests/ui/test_sigv4.py.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from churn import artifacts, storage
from churn.api.service import build_service
from churn.api.settings import Settings
from churn.ops import smoke
from tests.support.servers import free_port, make_bucket


@pytest.fixture(scope="module")
def expected(bundle_dir: Path) -> dict[str, Any]:
    service = build_service(Settings(bundle=str(bundle_dir), predictor="local"))
    return smoke.expected_answer(service, smoke.example_customers()[0])


def test_the_deployed_api_answers_every_example_correctly(
    api_url: str, bundle_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = smoke.main(["--api-endpoint", api_url, "--bundle", str(bundle_dir), "--auth", "none"])
    assert code == 0
    # The live API runs in this process and logs to stdout too: the smoke test's line is last.
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last == f"churn-smoke: 3 customers answered correctly by {api_url}"


def test_an_api_that_is_down_fails_the_run_with_one_line(
    bundle_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    code = smoke.main(["--api-endpoint", url, "--bundle", str(bundle_dir), "--auth", "none"])
    assert code == 1
    error = capsys.readouterr().err
    assert error.startswith("churn-smoke: FAILED: 7590-VHVEG: ") and error.count("\n") == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"model_version": "20200101T000000Z-000000"}, "served by model '20200101T000000Z-000000'"),
        ({"churn_probability_shift": 0.01}, "through the API"),
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
    assert capsys.readouterr().err.startswith("churn-smoke: FAILED: ")
