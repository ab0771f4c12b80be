"""The endpoints' behaviour for good requests."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from churn import contract
from churn.api.app import create_app
from churn.api.predictors import Vectors
from churn.api.schemas import EXAMPLES, Customer
from churn.api.service import PredictionService, build_service
from churn.api.settings import Settings
from churn.bands import HIGH_RISK_FROM
from churn.bundles import load_bundle
from churn.train.training import TrainingResult
from tests.support.customers import read_rows
from tests.support.live import serve


def test_one_customer(api: httpx.Client, customers: list[dict[str, Any]]) -> None:
    answer = api.post("/v1/predictions", json=customers[0])
    assert answer.status_code == 200
    body = answer.json()
    assert body["customerID"] == customers[0]["customerID"]
    assert 0 < body["churn_probability"] < 1
    assert body["churn"] == (body["churn_probability"] >= body["threshold"])
    assert body["risk_band"] in {"low", "medium", "high"}
    assert answer.headers["x-request-id"]


def test_the_data_sets_own_spellings_are_accepted(
    api: httpx.Client, customers: list[dict[str, Any]]
) -> None:
    canonical = api.post("/v1/predictions", json=customers[0]).json()
    senior = customers[0]["SeniorCitizen"]
    as_in_the_file = customers[0] | {"SeniorCitizen": 1 if senior == "Yes" else 0}
    assert api.post("/v1/predictions", json=as_in_the_file).json() == canonical


def test_the_id_is_optional(api: httpx.Client, customers: list[dict[str, Any]]) -> None:
    anonymous = {k: v for k, v in customers[5].items() if k != contract.ID_COLUMN}
    answer = api.post("/v1/predictions", json=anonymous)
    assert answer.status_code == 200
    assert answer.json()["customerID"] is None


def test_a_batch_rejects_bad_rows_alone_and_keeps_order(
    api: httpx.Client, customers: list[dict[str, Any]]
) -> None:
    rows = [customers[0], customers[1] | {"Contract": "Weekly"}, customers[2], {"tenure": 3}]
    body = api.post("/v1/predictions/batch", json={"customers": rows}).json()
    assert (body["scored"], body["rejected"]) == (2, 2)
    assert [row["row"] for row in body["results"]] == [0, 1, 2, 3]
    assert body["results"][0]["prediction"]["customerID"] == customers[0]["customerID"]
    assert body["results"][1]["errors"] == [
        {
            "field": "Contract",
            "message": "Input should be 'Month-to-month', 'One year' or 'Two year'",
        }
    ]
    assert "prediction" not in body["results"][1]
    missing = {error["field"] for error in body["results"][3]["errors"]}
    assert missing == set(contract.FIELD_NAMES) - {"tenure"}


def test_a_batch_of_exactly_1000_is_accepted(
    api: httpx.Client, customers: list[dict[str, Any]]
) -> None:
    body = api.post("/v1/predictions/batch", json={"customers": customers[:1000]}).json()
    assert body["scored"] == 1000


def test_health_reports_the_serving_model(api: httpx.Client, bundle_dir: Path) -> None:
    body = api.get("/v1/health").json()
    assert body == {
        "status": "ok",
        "ready": True,
        "predictor": "local",
        "model_version": bundle_dir.name,
        "detail": None,
    }


def test_model_describes_metrics_threshold_and_the_contract(
    api: httpx.Client, trained: TrainingResult
) -> None:
    body = api.get("/v1/model").json()
    assert body["threshold"] == trained.threshold
    assert [field["name"] for field in body["contract"]] == list(contract.FIELD_NAMES)
    cv = body["metrics"]["cross_validation"]
    assert cv["model"]["roc_auc"]["mean"] > cv["baseline"]["roc_auc"]["mean"]
    assert {"roc", "precision_recall", "calibration"} <= set(body["curves"])
    assert body["feature_importance"][0]["share_of_gain"] > 0
    assert body["model_card"].startswith("# Model card")
    assert set(body["risk_bands"]) == {"low", "medium", "high"}
    assert body["release"] is None  # a local run serves no release


def test_a_deployed_api_names_the_release_it_serves(bundle_dir: Path) -> None:
    """The platform sets CHURN_RELEASE from the release record it was planned from."""
    settings = Settings(bundle=str(bundle_dir), release="20261206T180000Z-1a0f6bb")
    with serve(create_app(settings)) as url:
        body = httpx.get(f"{url}/v1/model", timeout=30).json()
    assert (body["release"], body["model_version"]) == ("20261206T180000Z-1a0f6bb", bundle_dir.name)


@pytest.mark.parametrize("release", ["latest", "20261206T180000Z-1A0F6BB", ""])
def test_a_release_id_that_is_not_one_is_refused_at_start(release: str) -> None:
    with pytest.raises(ValidationError, match="release"):
        Settings(release=release)


@pytest.mark.parametrize(
    ("probability", "band"), [(0.0, "low"), (0.3199, "low"), (0.32, "medium"), (0.5, "high")]
)
def test_risk_bands_follow_the_threshold(probability: float, band: str) -> None:
    service = PredictionService.__new__(PredictionService)
    service.threshold = 0.32
    assert service.risk_band(probability) == band


@pytest.mark.parametrize(
    ("offset", "churn", "band"),
    [(-1e-9, False, "low"), (0.0, True, "medium"), (1e-9, True, "medium")],
)
def test_the_label_turns_at_the_threshold_itself(
    bundle_dir: Path, offset: float, churn: bool, band: str
) -> None:
    """A customer scored exactly at the model's threshold is labelled churn, as the model
    card and the bands say ("predict churn when p >= threshold")."""
    service = build_service(Settings(bundle=str(bundle_dir), predictor="local"))
    customer = Customer.model_validate(EXAMPLES[0])
    answer = service.answer(customer, service.threshold + offset)
    assert (answer.churn, answer.risk_band) == (churn, band)
    assert answer.threshold == service.threshold < HIGH_RISK_FROM


def test_openapi_and_docs_are_served_with_real_examples(api: httpx.Client, data_path: Path) -> None:
    schema = api.get("/v1/openapi.json").json()
    assert {"/v1/predictions", "/v1/predictions/batch", "/v1/health", "/v1/model"} <= set(
        schema["paths"]
    )
    assert api.get("/v1/docs").status_code == 200
    assert api.get("/docs", follow_redirects=True).url.path == "/v1/docs"
    examples = schema["paths"]["/v1/predictions"]["post"]["requestBody"]["content"][
        "application/json"
    ]["examples"]
    assert len(examples) == len(EXAMPLES) >= 3
    _, rows = read_rows(data_path)
    by_id = {row["customerID"]: row for row in rows}
    for example in EXAMPLES:  # each example is a real customer, field for field
        row = by_id[example["customerID"]]
        assert {k: str(v) for k, v in example.items()} == {
            k: (str(float(v)) if k in ("MonthlyCharges", "TotalCharges") else v)
            for k, v in row.items()
            if k != contract.LABEL_COLUMN
        }


class FixedPredictor:
    """A predictor that answers one probability for every customer."""

    name = "fixed"
    blocking = False

    def __init__(self, probability: float) -> None:
        self.probability = probability

    def predict(self, vectors: Vectors) -> list[float]:
        return [self.probability for _ in vectors]

    def ready(self) -> tuple[bool, str | None]:
        return True, None


@pytest.mark.parametrize(("offset", "churn"), [(-1e-9, False), (0.0, True)])
def test_the_original_contract_too_turns_at_the_threshold_itself(
    bundle_dir: Path, offset: float, churn: bool
) -> None:
    bundle = load_bundle(str(bundle_dir))
    service = PredictionService(bundle, FixedPredictor(bundle.threshold + offset))
    customer = Customer.model_validate(EXAMPLES[0])
    answer = asyncio.run(service.predict_original(customer))
    assert (answer.churn_probability, answer.will_churn) == (bundle.threshold + offset, churn)
