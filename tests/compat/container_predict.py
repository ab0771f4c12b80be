"""Score a text/csv payload the way the SageMaker XGBoost 1.7-1 container does.

Runs inside a clean environment holding only that container's libraries (see
sagemaker-xgboost-1.7-1.txt), never this project. It follows the container's serving
code: extract model.tar.gz into the model directory, load every regular file there
(pickle first, then Booster.load_model), one thread; parse the CSV body by splitting
lines and commas, empty cells as NaN, cast to float64; predict with
validate_features=False and every tree.

usage: python container_predict.py MODEL_TAR_GZ PAYLOAD_CSV OUTPUT_JSON
"""

from __future__ import annotations

import json
import pickle
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np
import xgboost as xgb


def load_boosters(model_dir: Path) -> list[xgb.Booster]:
    boosters = []
    for path in sorted(p for p in model_dir.iterdir() if p.is_file()):
        try:
            with path.open("rb") as handle:
                booster = pickle.load(handle)
        except Exception:  # noqa: BLE001 - the container falls back the same way
            booster = xgb.Booster()
            booster.load_model(str(path))
        booster.set_param("nthread", 1)
        boosters.append(booster)
    return boosters


def parse_csv(payload: str) -> xgb.DMatrix:
    rows = [
        ["nan" if cell == "" else cell for cell in line.split(",")]
        for line in payload.strip().split("\n")
    ]
    return xgb.DMatrix(np.array(rows).astype(np.float64))


def main() -> None:
    archive, payload, output = (Path(arg) for arg in sys.argv[1:4])
    with tempfile.TemporaryDirectory() as model_dir, tarfile.open(archive) as tar:
        tar.extractall(model_dir, filter="data")
        boosters = load_boosters(Path(model_dir))
        if len(boosters) != 1:
            raise SystemExit(f"expected one model file, found {len(boosters)}")
        matrix = parse_csv(payload.read_text())
        predictions = boosters[0].predict(matrix, ntree_limit=0, validate_features=False)
    result = {"xgboost": xgb.__version__, "probabilities": [float(p) for p in predictions]}
    output.write_text(json.dumps(result))


if __name__ == "__main__":
    main()
