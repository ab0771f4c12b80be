"""The API (local predictor, over HTTP) answers exactly what training computed, all rows."""

from __future__ import annotations

from typing import Any

import httpx
import numpy as np

from churn.api.schemas import MAX_BATCH_ROWS, Customer
from churn.features import Vectorizer
from churn.train.dataset import Dataset
from churn.train.modelling import predict_proba, transform
from churn.train.training import TrainingResult


def test_probabilities_match_training_for_every_customer(
    api: httpx.Client,
    customers: list[dict[str, Any]],
    trained: TrainingResult,
    dataset: Dataset,
) -> None:
    served: list[float] = []
    labels: list[bool] = []
    for start in range(0, len(customers), MAX_BATCH_ROWS):
        chunk = customers[start : start + MAX_BATCH_ROWS]
        answer = api.post("/v1/predictions/batch", json={"customers": chunk})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["rejected"] == 0
        assert [row["row"] for row in body["results"]] == list(range(len(chunk)))
        ids = [row["prediction"]["customerID"] for row in body["results"]]
        assert ids == [customer["customerID"] for customer in chunk]
        served += [row["prediction"]["churn_probability"] for row in body["results"]]
        labels += [row["prediction"]["churn"] for row in body["results"]]

    at_training = predict_proba(trained.model, dataset.features)
    assert len(served) == 7043
    assert np.abs(np.array(served) - at_training).max() <= 1e-6
    assert labels == list(at_training >= trained.threshold)


def test_request_vectors_equal_the_training_matrix_exactly(
    customers: list[dict[str, Any]], trained: TrainingResult, dataset: Dataset
) -> None:
    vectorizer = Vectorizer(trained.spec)
    from_requests = np.array(
        [vectorizer.vector(Customer.model_validate(c).record()) for c in customers]
    )
    assert np.array_equal(from_requests, transform(trained.model, dataset.features))
