"""Training reads a header as the contract's one header check does."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from churn.train.dataset import load_dataset
from tests.support.customers import spaced_header


def test_a_header_spaced_after_each_comma_loads_the_same_data(
    data_path: Path, tmp_path: Path
) -> None:
    spaced = spaced_header(Path(shutil.copy(data_path, tmp_path / "telco.csv")))
    assert spaced.read_text().startswith("customerID, gender, SeniorCitizen,")
    loaded, original = load_dataset(str(spaced)), load_dataset(str(data_path))
    assert len(loaded.labels) == 7_043
    pd.testing.assert_frame_equal(loaded.features, original.features)
    pd.testing.assert_series_equal(loaded.labels, original.labels)
    assert loaded.customer_ids is not None and original.customer_ids is not None
    assert loaded.customer_ids.tolist() == original.customer_ids.tolist()
