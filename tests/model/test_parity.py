"""preprocessing.json applied in pure Python reproduces training's matrix, row for row."""

from __future__ import annotations

import numpy as np

from churn import contract
from churn.features import PreprocessingSpec, Vectorizer
from churn.train.dataset import Dataset
from churn.train.modelling import transform
from churn.train.training import TrainingResult


def test_pure_python_vectors_equal_the_training_matrix_for_every_row(
    trained: TrainingResult, dataset: Dataset
) -> None:
    spec = PreprocessingSpec.model_validate_json(trained.spec.model_dump_json())
    vectorizer = Vectorizer(spec)
    records: list[contract.Record] = dataset.features.to_dict(orient="records")  # type: ignore[assignment]
    pure_python = np.array([vectorizer.vector(record) for record in records])
    training = transform(trained.model, dataset.features)
    assert pure_python.shape == training.shape == (7043, len(spec.features))
    assert np.array_equal(pure_python, training)


def test_spec_lists_every_contract_field(trained: TrainingResult) -> None:
    sources = {feature.source for feature in trained.spec.features}
    assert sources == set(contract.FIELD_NAMES)
