"""The local engine's model: the bundle's booster in this process, over whole chunks.

Probabilities come from ``inplace_predict`` on float64 rows, exactly as the API's local
predictor computes them. Drivers are XGBoost's exact TreeSHAP contributions
(``pred_contribs``), summed onto the contract's fields like the API's drivers; they cost
about forty times a prediction, so by default only customers at or above the threshold
(the ones a retention team acts on) get them.
"""

from __future__ import annotations

from typing import Final, Literal

import numpy as np
import numpy.typing as npt
import xgboost as xgb

from churn import contract
from churn.bundles import ServingBundle

Explain = Literal["churners", "all", "none"]
DRIVERS: Final = 3
Matrix = npt.NDArray[np.float64]


class ChunkModel:
    def __init__(self, bundle: ServingBundle, threads: int) -> None:
        self.booster = xgb.Booster()
        self.booster.load_model(bytearray(bundle.booster))
        self.booster.set_param({"nthread": threads})
        self.threads = threads
        # Sums each encoded feature's contribution onto its contract field.
        self.grouping = np.zeros((len(bundle.spec.features), len(contract.FIELDS)))
        for position, feature in enumerate(bundle.spec.features):
            self.grouping[position, contract.FIELD_NAMES.index(feature.source)] = 1.0

    def probabilities(self, matrix: Matrix) -> Matrix:
        if not len(matrix):
            return np.empty(0, dtype=np.float64)
        predicted = self.booster.inplace_predict(matrix, validate_features=False)
        return np.asarray(predicted, dtype=np.float64)

    def drivers(self, matrix: Matrix) -> tuple[npt.NDArray[np.int64], Matrix]:
        """Each row's top fields (indices into the contract) and their contributions to the
        log-odds, largest effect first; ties keep the contract's order, as in the API."""
        if not len(matrix):
            return np.empty((0, DRIVERS), dtype=np.int64), np.empty((0, DRIVERS))
        contributions = self.booster.predict(
            xgb.DMatrix(matrix, nthread=self.threads), pred_contribs=True
        )
        per_field = contributions[:, :-1] @ self.grouping  # the last column is the bias
        ranked = np.argsort(-np.abs(per_field), axis=1, kind="stable")[:, :DRIVERS]
        return ranked, np.take_along_axis(per_field, ranked, axis=1)


def explained_rows(explain: Explain, churn: npt.NDArray[np.bool_]) -> npt.NDArray[np.intp]:
    if explain == "all":
        return np.arange(len(churn))
    if explain == "churners":
        return np.flatnonzero(churn)
    return np.empty(0, dtype=np.intp)
