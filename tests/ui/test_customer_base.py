"""The "Customer base" tab with Streamlit's AppTest, against the real API serving a real
scoring run (churn-score on 2,000 customers of the data set): the counts per band, the
drift report, the riskiest customers a page at a time and filtered; and a message when no
run has been published."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from churn.api.app import create_app
from churn.api.settings import Settings
from churn.score import cli
from tests.support.live import serve

APP = Path(__file__).resolve().parents[2] / "src" / "ui" / "app.py"
RUN = "2026-12-07-1"


@pytest.fixture(scope="module")
def scores(data_path: Path, bundle_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("scores")
    base = root.parent / "base.csv"
    base.write_text("\n".join(data_path.read_text().splitlines()[:2001]) + "\n")
    arguments = ["--input", str(base), "--output", str(root / RUN), "--bundle", str(bundle_dir)]
    assert cli.main(arguments) == 0
    return root


def open_page(url: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("API_ENDPOINT", url)
    st.cache_data.clear()
    st.cache_resource.clear()
    return AppTest.from_file(str(APP), default_timeout=30).run()


@pytest.fixture
def page(scores: Path, bundle_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    with serve(create_app(Settings(bundle=str(bundle_dir), scores=str(scores)))) as url:
        yield open_page(url, monkeypatch)
    st.cache_data.clear()
    st.cache_resource.clear()


def test_the_run_is_counted_per_band_with_its_drift_report(page: AppTest, scores: Path) -> None:
    assert not page.exception
    tab = page.tabs[2]
    summary = json.loads((scores / RUN / "summary.json").read_text())
    assert f"**Run {RUN}**" in tab.markdown[0].value
    assert "2,000 customers scored (0 rejected)" in tab.markdown[0].value
    assert [(m.label, m.value) for m in tab.metric] == [
        (f"{band.capitalize()} risk ({count / 2000:.1%})", f"{count:,}")
        for band, count in summary["bands"].items()
    ]
    assert tab.success[0].value.startswith("No retraining needed")
    drift = convert_arrow_bytes_to_pandas_df(tab.dataframe[0].proto.arrow_data.data)
    assert len(drift) == 19 and list(drift.columns) == ["field", "PSI", "status"]


def test_the_riskiest_customers_come_a_page_at_a_time_with_their_reasons(
    page: AppTest, scores: Path
) -> None:
    top = (scores / RUN / "top.csv").read_text().splitlines()[1:]
    ids = [line.split(",")[1].strip('"') for line in top]
    customers = convert_arrow_bytes_to_pandas_df(page.tabs[2].dataframe[1].proto.arrow_data.data)
    assert customers["customerID"].tolist() == ids[:25]
    assert customers["why"][0].count("(") == 3  # three drivers in plain words
    page.number_input(key="base.page").set_value(2).run()
    second = convert_arrow_bytes_to_pandas_df(page.tabs[2].dataframe[1].proto.arrow_data.data)
    assert second["customerID"].tolist() == ids[25:50]
    assert "26 to 50 of 1,000" in page.tabs[2].caption[-1].value
    page.number_input(key="base.page").set_value(1).run()
    page.selectbox(key="base.band").set_value("medium").run()
    medium = convert_arrow_bytes_to_pandas_df(page.tabs[2].dataframe[1].proto.arrow_data.data)
    assert set(medium["risk band"]) == {"medium"}


def test_without_a_run_the_tab_says_so(bundle_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with serve(create_app(Settings(bundle=str(bundle_dir)))) as url:
        page = open_page(url, monkeypatch)
    assert not page.exception
    assert page.tabs[2].info[0].value.startswith("No scoring run to show yet")
    st.cache_data.clear()
    st.cache_resource.clear()
