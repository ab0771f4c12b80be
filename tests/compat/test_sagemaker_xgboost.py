"""The bundle's model.tar.gz gives the same probabilities in the SageMaker XGBoost 1.7-1
container's libraries as at training time, for all 7,043 customers."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np

from churn import artifacts, contract
from churn.features import PreprocessingSpec, Vectorizer
from churn.train.bundle import new_version, write_bundle
from churn.train.dataset import Dataset
from churn.train.modelling import predict_proba
from churn.train.training import TrainingResult
from tests.support.environments import Installer

HERE = Path(__file__).parent
TOLERANCE = 1e-6


def test_container_probabilities_match_training(
    trained: TrainingResult, dataset: Dataset, tmp_path: Path, installed: Installer
) -> None:
    python = installed.virtualenv("sagemaker-xgboost-1.7-1", HERE / "sagemaker-xgboost-1.7-1.txt")
    bundle = Path(
        write_bundle(trained, dataset, str(tmp_path), version=new_version(), min_roc_auc=0.5)
    )
    # The payload is built by the serving path: canonical record -> spec -> CSV line.
    spec_json = (bundle / artifacts.PREPROCESSING_SPEC).read_text()
    spec = PreprocessingSpec.model_validate_json(spec_json)
    vectorizer = Vectorizer(spec)
    records: list[contract.Record] = dataset.features.to_dict(orient="records")  # type: ignore[assignment]
    payload = tmp_path / "payload.csv"
    payload.write_text("\n".join(",".join(repr(v) for v in vectorizer.vector(r)) for r in records))
    answer = tmp_path / "answer.json"

    subprocess.run(
        [str(python), str(HERE / "container_predict.py"),
         str(bundle / artifacts.MODEL_ARCHIVE), str(payload), str(answer)],
        check=True, timeout=600,
    )  # fmt: skip

    result = json.loads(answer.read_text())
    assert result["xgboost"] == "1.7.4"
    served = np.array(result["probabilities"])
    at_training = predict_proba(trained.model, dataset.features)
    assert served.shape == at_training.shape == (7043,)
    assert np.abs(served - at_training).max() <= TOLERANCE
