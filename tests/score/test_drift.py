"""Drift: the reference distributions training exports, the PSI, and the report of a run
over synthetic bases made from the real data, one as it is and one with two fields moved."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

from churn import artifacts, contract
from churn.artifacts import DRIFT_JSON, DRIFT_MD, SUMMARY
from churn.distributions import CategoricalReference, Reference, bin_counts, psi, quantile_edges
from churn.score import cli
from churn.train.dataset import Dataset
from tests.support.synthetic import moved, real_table, write_base

ROWS = 30_000


def test_psi_is_zero_for_the_same_shares_and_grows_with_the_move() -> None:
    expected = (0.5, 0.3, 0.2)
    assert psi(expected, np.array([500, 300, 200])) == pytest.approx(0.0, abs=1e-12)
    by_hand = sum((a - e) * math.log(a / e) for a, e in zip((0.2, 0.3, 0.5), expected, strict=True))
    assert psi(expected, np.array([20, 30, 50])) == pytest.approx(by_hand)
    # An empty bin counts as a small share rather than making the index infinite.
    assert math.isfinite(psi(expected, np.array([0, 0, 10])))


def test_bins_hold_values_up_to_and_including_their_upper_edge() -> None:
    values = np.array([-5.0, 1.0, 1.5, 2.0, 9.0])
    assert bin_counts((1.0, 2.0), values).tolist() == [2, 2, 1]
    # Repeated quantiles merge: a value as common as several bins gets one edge.
    assert quantile_edges(np.array([0.0] * 50 + list(range(50)), dtype=np.float64), 10) == (
        0.0,
        *(float(v) for v in (9, 19, 29, 39)),
    )


def test_the_bundle_carries_the_training_datas_distributions(
    bundle_dir: Path, dataset: Dataset
) -> None:
    reference = Reference.model_validate_json((bundle_dir / artifacts.REFERENCE).read_text())
    assert reference.rows == len(dataset.labels)
    contract_field = reference.fields["Contract"]
    assert isinstance(contract_field, CategoricalReference)
    shares = dataset.features["Contract"].value_counts(normalize=True)
    assert contract_field.shares == pytest.approx([shares[lv] for lv in contract_field.levels])
    tenure = reference.fields["tenure"]
    assert tenure.kind == "numeric"
    assert 5 <= len(tenure.shares) <= 10
    manifest = json.loads((bundle_dir / artifacts.MANIFEST).read_text())
    assert artifacts.REFERENCE in manifest["sha256"]
    assert sum(reference.score.band_shares.values()) == pytest.approx(1.0)


def test_a_reference_that_does_not_match_the_contract_is_refused(bundle_dir: Path) -> None:
    document = json.loads((bundle_dir / artifacts.REFERENCE).read_text())
    document["fields"]["Contract"]["levels"] = ["Monthly", "One year", "Two year"]
    with pytest.raises(ValidationError, match="levels differ"):
        Reference.model_validate(document)
    del document["fields"]["gender"]
    with pytest.raises(ValidationError, match="contract's fields"):
        Reference.model_validate(document)


def drift_of(data_path: Path, bundle_dir: Path, folder: Path, shift: Any = None) -> dict[str, Any]:
    base = write_base(real_table(data_path), folder / "base.csv", ROWS, seed=3, shift=shift)
    output = folder / "run"
    arguments = ("--input", str(base), "--output", str(output), "--bundle", str(bundle_dir))
    assert cli.main([*arguments, "--explain", "none"]) == 0
    report: dict[str, Any] = json.loads((output / DRIFT_JSON).read_text())
    assert json.loads((output / SUMMARY).read_text())["drift"]["status"] == report["status"]
    report["markdown"] = (output / DRIFT_MD).read_text()
    return report


def flagged(report: dict[str, Any]) -> set[str]:
    return {entry["field"] for entry in report["fields"] if entry["status"] != "stable"}


def test_a_base_like_the_training_data_shows_no_drift(
    data_path: Path, bundle_dir: Path, tmp_path: Path
) -> None:
    report = drift_of(data_path, bundle_dir, tmp_path)
    assert report["rows"] == ROWS
    assert flagged(report) == set()
    assert max(entry["psi"] for entry in report["fields"]) < 0.05
    assert report["status"] == "stable"
    assert "**No retraining needed" in report["markdown"]


def test_a_moved_base_flags_the_moved_fields_and_only_those(
    data_path: Path, bundle_dir: Path, tmp_path: Path
) -> None:
    report = drift_of(data_path, bundle_dir, tmp_path, shift=moved)
    assert flagged(report) == {"PaymentMethod", "tenure"}
    assert {entry["field"] for entry in report["fields"][:2]} == {"PaymentMethod", "tenure"}
    assert all(entry["psi"] >= 0.25 for entry in report["fields"][:2])
    assert report["status"] == "act"
    # Shorter tenures mean more churn: the scores moved too, and the report says so.
    assert report["score"]["mean"] > report["score"]["reference_mean"]
    table = report["markdown"].splitlines()
    assert "**Retraining advised" in report["markdown"]
    ranked = [line for line in table if line.startswith("| ") and "`" in line]
    assert [line.split("`")[1] for line in ranked[:2]] == [e["field"] for e in report["fields"][:2]]
    assert "**act**" in ranked[0]
    assert len(ranked) == len(contract.FIELDS)
