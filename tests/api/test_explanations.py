"""Why and what if, through the API: every answer's drivers add up to the probability it
serves, the levers are valid customers scored like any other, and the original system's
camelCase route answers as `/v1/predictions` does (in-process model; SageMaker mode is in
test_sagemaker.py)."""

from __future__ import annotations

import asyncio
import math
from pathlib import Path
from typing import Any

import httpx
import pytest

from churn import contract
from churn.api.schemas import (
    DEFAULT_DRIVERS,
    MAX_BATCH_ROWS,
    ORIGINAL_NAMES,
    Customer,
    OriginalCustomer,
)
from churn.api.service import build_service
from churn.api.settings import Settings

TOLERANCE = 1e-6


def sigmoid(margin: float) -> float:
    return 1.0 / (1.0 + math.exp(-margin))


def batches(customers: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    return [
        customers[start : start + MAX_BATCH_ROWS]
        for start in range(0, len(customers), MAX_BATCH_ROWS)
    ]


def predictions(api: httpx.Client, customers: list[dict[str, Any]], query: str) -> list[Any]:
    answers: list[Any] = []
    for batch in batches(customers):
        answer = api.post(f"/v1/predictions/batch?{query}", json={"customers": batch})
        assert answer.status_code == 200, answer.text
        answers += [row["prediction"] for row in answer.json()["results"]]
    return answers


def assert_adds_up(prediction: dict[str, Any]) -> float:
    """base + drivers + other fields = margin, and sigmoid(margin) = the probability served;
    returns how far the probability is from the margin's."""
    explanation = prediction["explanation"]
    listed = math.fsum(driver["contribution"] for driver in explanation["drivers"])
    total = explanation["base_value"] + listed + explanation["other_fields"]
    assert total == pytest.approx(explanation["margin"], abs=1e-9)
    gap: float = abs(sigmoid(explanation["margin"]) - prediction["churn_probability"])
    assert gap <= TOLERANCE
    return gap


def test_every_customers_drivers_add_up_to_its_probability(
    api: httpx.Client, customers: list[dict[str, Any]]
) -> None:
    """All 7,043 customers, every field listed: the explanation always adds up to the answer
    on the screen, and each driver shows the customer's own value under its plain label."""
    answers = predictions(api, customers, f"top={len(contract.FIELDS)}")
    worst = max(assert_adds_up(prediction) for prediction in answers)
    assert worst <= TOLERANCE
    for customer, prediction in zip(customers, answers, strict=True):
        drivers = prediction["explanation"]["drivers"]
        assert prediction["explanation"]["other_fields"] == 0.0
        assert sorted(driver["field"] for driver in drivers) == sorted(contract.FIELD_NAMES)
        for driver in drivers:
            assert driver["value"] == customer[driver["field"]]
            assert driver["label"] == contract.FIELDS_BY_NAME[driver["field"]].label
        sizes = [abs(driver["contribution"]) for driver in drivers]
        assert sizes == sorted(sizes, reverse=True)


def test_drivers_are_on_by_default_and_top_n_keeps_the_largest(
    api: httpx.Client, customers: list[dict[str, Any]]
) -> None:
    customer = customers[0]
    default = api.post("/v1/predictions", json=customer).json()
    every = api.post(f"/v1/predictions?top={len(contract.FIELDS)}", json=customer).json()
    three = api.post("/v1/predictions?explain=drivers&top=3", json=customer).json()
    ranked = every["explanation"]["drivers"]
    assert default["explanation"]["drivers"] == ranked[:DEFAULT_DRIVERS]
    assert three["explanation"]["drivers"] == ranked[:3]
    rest = math.fsum(driver["contribution"] for driver in ranked[3:])
    assert three["explanation"]["other_fields"] == pytest.approx(rest, abs=1e-12)
    assert three["explanation"]["margin"] == every["explanation"]["margin"]
    assert_adds_up(three)
    assert_adds_up(default)


def test_explain_none_answers_without_an_explanation(
    api: httpx.Client, customers: list[dict[str, Any]]
) -> None:
    plain = api.post("/v1/predictions?explain=none", json=customers[0]).json()
    explained = api.post("/v1/predictions", json=customers[0]).json()
    assert plain["explanation"] is None
    assert plain == explained | {"explanation": None}
    batch = api.post("/v1/predictions/batch?explain=none", json={"customers": customers[:2]})
    assert all("explanation" not in row["prediction"] for row in batch.json()["results"])


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("top=0", "top"),
        (f"top={len(contract.FIELDS) + 1}", "top"),
        ("top=three", "top"),
        ("explain=shap", "explain"),
    ],
)
@pytest.mark.parametrize("path", ["/v1/predictions", "/v1/predictions/batch"])
def test_a_bad_explain_option_is_a_422_naming_it(
    api: httpx.Client, customers: list[dict[str, Any]], path: str, query: str, field: str
) -> None:
    body = customers[0] if path == "/v1/predictions" else {"customers": customers[:1]}
    answer = api.post(f"{path}?{query}", json=body)
    assert answer.status_code == 422
    assert answer.json()["message"].startswith(f"invalid request: {field}: ")
    assert answer.json()["detail"][0]["field"] == field


# ---------------------------------------------------------------------------------------
# Levers
# ---------------------------------------------------------------------------------------


def variant(customer: dict[str, Any], lever: dict[str, Any]) -> dict[str, Any]:
    return customer | {lever["field"]: lever["offer"]}


@pytest.mark.parametrize("index", [0, 1, 2, 3, 6, 14])
def test_levers_are_the_offers_that_lower_the_probability_most(
    api: httpx.Client, customers: list[dict[str, Any]], index: int
) -> None:
    """Each lever is a declared offer for this customer, its probability is the one the
    changed customer gets through /v1/predictions, and they come largest drop first."""
    customer = customers[index]
    answer = api.post("/v1/predictions/levers", json=customer)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    today = api.post("/v1/predictions?explain=none", json=customer).json()["churn_probability"]
    assert body["churn_probability"] == today
    assert body["customerID"] == customer["customerID"]
    record = contract.normalize_record(customer)
    offered = {(lever.field, lever.offer): lever for lever, _ in contract.lever_variants(record)}
    changed = [
        api.post("/v1/predictions?explain=none", json=variant(customer, lever)).json()
        for lever in body["levers"]
    ]
    for lever, scored in zip(body["levers"], changed, strict=True):
        declared = offered[(lever["field"], lever["offer"])]
        assert lever["description"] == declared.wording
        assert lever["value"] == customer[lever["field"]]
        assert lever["label"] == contract.FIELDS_BY_NAME[lever["field"]].label
        assert lever["churn_probability"] == scored["churn_probability"]
        assert lever["change"] == pytest.approx(lever["churn_probability"] - today, abs=1e-12)
        assert lever["change"] < 0
    changes = [lever["change"] for lever in body["levers"]]
    assert changes == sorted(changes)
    left_out = set(offered) - {(lever["field"], lever["offer"]) for lever in body["levers"]}
    for field, offer in left_out:  # what is not listed does not lower the probability
        scored = api.post("/v1/predictions?explain=none", json=customer | {field: offer}).json()
        assert scored["churn_probability"] >= today


def test_the_default_customer_has_levers_and_top_limits_them(
    api: httpx.Client, customers: list[dict[str, Any]]
) -> None:
    every = api.post("/v1/predictions/levers", json=customers[0]).json()["levers"]
    assert len(every) >= 3
    two = api.post("/v1/predictions/levers?top=2", json=customers[0]).json()["levers"]
    assert two == every[:2]
    for bad in ("0", str(len(contract.LEVERS) + 1)):
        answer = api.post(f"/v1/predictions/levers?top={bad}", json=customers[0])
        assert answer.status_code == 422 and answer.json()["detail"][0]["field"] == "top"


def test_a_customer_with_every_offer_already_has_no_lever(
    api: httpx.Client, customers: list[dict[str, Any]]
) -> None:
    settled = next(
        c
        for c in customers
        if c["Contract"] == "Two year"
        and c["PaymentMethod"].endswith("(automatic)")
        and all(c[name] == "Yes" for name in ("OnlineSecurity", "TechSupport"))
        and all(c[name] == "Yes" for name in ("OnlineBackup", "DeviceProtection"))
    )
    assert api.post("/v1/predictions/levers", json=settled).json()["levers"] == []


class FixedAnswers:
    """A predictor that answers the probabilities it was given, in order (no model)."""

    name = "fixed"
    blocking = False

    def __init__(self, probabilities: list[float]) -> None:
        self.probabilities = probabilities

    def predict(self, vectors: object) -> list[float]:
        return self.probabilities

    def ready(self) -> tuple[bool, str | None]:
        return True, None


def test_an_offer_that_leaves_the_probability_as_it_is_is_no_lever(
    bundle_dir: Path, customers: list[dict[str, Any]]
) -> None:
    service = build_service(Settings(bundle=str(bundle_dir)))
    customer = Customer.model_validate(customers[0])
    variants = contract.lever_variants(customer.record())
    assert len(variants) >= 3
    # Today 0.5; the first offer leaves it there, the second lowers it, the others raise it.
    service.predictor = FixedAnswers([0.5, 0.5, 0.4] + [0.6] * (len(variants) - 2))
    answer = asyncio.run(service.levers(customer, top=len(contract.LEVERS)))
    assert [(lever.field, lever.offer) for lever in answer.levers] == [
        (variants[1][0].field, variants[1][0].offer)
    ]
    assert answer.levers[0].change == pytest.approx(-0.1)


def test_levers_refuse_a_bad_customer_naming_the_field(
    api: httpx.Client, customers: list[dict[str, Any]]
) -> None:
    answer = api.post("/v1/predictions/levers", json=customers[0] | {"Contract": "Forever"})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["field"] == "Contract"


# ---------------------------------------------------------------------------------------
# The original system's route
# ---------------------------------------------------------------------------------------


def original(customer: dict[str, Any]) -> dict[str, Any]:
    """A customer as the original UI sent it: camelCase, seniorCitizen as "Yes"/"No"."""
    record = contract.normalize_record(customer)
    return {ORIGINAL_NAMES[name]: record[name] for name in contract.FIELD_NAMES}


def test_every_customer_in_the_original_shape_gets_the_same_probability(
    bundle_dir: Path, customers: list[dict[str, Any]]
) -> None:
    """All 7,043 customers through the service both ways, in one process (7,043 HTTP
    round trips would cost a minute of the suite; the next test takes the HTTP path)."""
    service = build_service(Settings(bundle=str(bundle_dir)))

    async def both() -> list[tuple[Any, Any]]:
        batches_ = [await service.predict_batch(batch) for batch in batches(customers)]
        rows = [row.prediction for answer in batches_ for row in answer.results]
        originals = [
            await service.predict_original(OriginalCustomer.model_validate(original(customer)))
            for customer in customers
        ]
        return list(zip(rows, originals, strict=True))

    for prediction, answer in asyncio.run(both()):
        assert prediction is not None
        assert (answer.churn_probability, answer.will_churn) == (
            prediction.churn_probability,
            prediction.churn,
        )


def test_the_original_route_answers_over_http_as_predictions_does(
    api: httpx.Client, customers: list[dict[str, Any]]
) -> None:
    sample = customers[::50]
    answers = predictions(api, sample, "explain=none")
    for customer, prediction in zip(sample, answers, strict=True):
        answer = api.post("/v1/predict", json=original(customer))
        assert answer.status_code == 200, answer.text
        assert answer.json() == {
            "churn_probability": prediction["churn_probability"],
            "will_churn": prediction["churn"],
        }


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        ({"contract": "Forever"}, "contract", "'Month-to-month', 'One year' or 'Two year'"),
        ({"seniorCitizen": "maybe"}, "seniorCitizen", "'No' or 'Yes'"),
        ({"tenure": "12"}, "tenure", "valid integer"),
        ({"monthlyCharges": -1}, "monthlyCharges", "greater than or equal to 0"),
        ({"totalCharges": None}, "totalCharges", "valid number"),
        ({"phoneService": "Yes"}, "multipleLines", "when phoneService is 'Yes'"),
        ({"internetService": "No"}, "onlineSecurity", "when internetService is 'No'"),
        ({"StreamingTV": "No"}, "StreamingTV", "Extra inputs are not permitted"),
    ],
)
def test_the_original_route_names_the_original_field(
    api: httpx.Client,
    customers: list[dict[str, Any]],
    change: dict[str, Any],
    field: str,
    fragment: str,
) -> None:
    answer = api.post("/v1/predict", json=original(customers[0]) | change)
    assert answer.status_code == 422
    first = answer.json()["detail"][0]
    assert first["field"] == field
    assert fragment in first["msg"]
    assert answer.json()["message"].startswith(f"invalid request: {field}: ")


def test_the_original_route_names_a_missing_field_as_the_original_did(
    api: httpx.Client, customers: list[dict[str, Any]]
) -> None:
    body = original(customers[0])
    del body["paymentMethod"]
    answer = api.post("/v1/predict", json=body)
    assert answer.status_code == 422
    assert answer.json()["detail"] == [
        {"field": "paymentMethod", "loc": ["body", "paymentMethod"], "msg": "Field required",
         "type": "missing"}
    ]  # fmt: skip


def test_the_original_contract_is_documented_as_such(api: httpx.Client) -> None:
    schema = api.get("/v1/openapi.json").json()
    operation = schema["paths"]["/v1/predict"]["post"]
    assert operation["tags"] == ["original design"]
    customer = schema["components"]["schemas"]["OriginalCustomer"]
    assert set(customer["properties"]) == set(ORIGINAL_NAMES.values())
    assert set(customer["required"]) == set(ORIGINAL_NAMES.values())
    assert customer["additionalProperties"] is False
    answer = schema["components"]["schemas"]["OriginalPrediction"]
    assert set(answer["properties"]) == {"churn_probability", "will_churn"}
    examples = operation["requestBody"]["content"]["application/json"]["examples"]
    assert all(example["value"]["seniorCitizen"] in ("No", "Yes") for example in examples.values())
