"""The page's logic with Streamlit's AppTest, the API faked at the HTTP boundary."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from churn import contract
from tests.support.customers import read_rows, write_rows
from tests.support.fake_api import PROBABILITY, FakeApi, fake_api
from tests.support.servers import free_port

APP = Path(__file__).resolve().parents[2] / "src" / "ui" / "app.py"


@pytest.fixture
def page(fake: FakeApi, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    monkeypatch.setenv("API_ENDPOINT", fake.url)
    st.cache_data.clear()  # the client and the model document are cached per process
    st.cache_resource.clear()
    app = AppTest.from_file(str(APP), default_timeout=30)
    app.run()
    yield app
    st.cache_data.clear()
    st.cache_resource.clear()


def test_the_page_loads_with_four_tabs(page: AppTest, fake: FakeApi) -> None:
    assert not page.exception
    assert page.title[0].value == "Customer churn risk"
    assert [tab.label for tab in page.tabs] == [
        "Score a customer",
        "Score a file",
        "Customer base",
        "Model",
    ]
    assert fake.model["model_version"] in page.caption[0].value


def test_the_form_has_every_field_with_a_real_customers_defaults(
    page: AppTest, fake: FakeApi
) -> None:
    example = fake.model["examples"][0]
    for name in contract.FIELD_NAMES:
        widgets = [
            w
            for w in (*page.selectbox, *page.number_input)
            if w.key in (f"customer.{name}", f"customer.{name}.absent")
        ]
        assert len(widgets) == 1, name
    assert page.number_input(key="customer.tenure").value == example["tenure"]
    assert page.selectbox(key="customer.Contract").value == example["Contract"]


def test_scoring_a_customer_shows_the_answer(page: AppTest, fake: FakeApi) -> None:
    page.number_input(key="customer.tenure").set_value(30)
    page.selectbox(key="customer.Contract").set_value("Two year")
    page.button(key="customer.submit").click().run()

    assert not page.exception and not page.error
    (scored, sent), (asked, offered) = fake.requests[-2:]
    assert (scored, asked) == ("/v1/predictions?top=8", "/v1/predictions/levers")
    assert (sent["tenure"], sent["Contract"]) == (30, "Two year")
    assert set(sent) == set(contract.FIELD_NAMES)
    assert offered == sent
    assert page.metric[0].value == f"{PROBABILITY:.2%}"


def test_a_scored_customer_shows_why_and_what_would_keep_them(page: AppTest, fake: FakeApi) -> None:
    page.button(key="customer.submit").click().run()
    assert not page.exception and not page.error
    subheaders = [header.value for header in page.subheader]
    assert "Why: what moved this customer's risk" in subheaders
    assert "What if: offers that would lower the risk" in subheaders
    charts = page.tabs[0].get("vega_lite_chart")
    assert len(charts) == 1
    (dataset,) = charts[0].proto.datasets  # the chart's data, as Arrow IPC
    bars = convert_arrow_bytes_to_pandas_df(dataset.data.data).to_dict("records")
    assert [bar["driver"] for bar in bars] == [
        f"Contract: {fake.model['examples'][0]['Contract']}",
        f"Tenure: {fake.model['examples'][0]['tenure']} months",
        f"Internet service: {fake.model['examples'][0]['InternetService']}",
        f"Payment method: {fake.model['examples'][0]['PaymentMethod']}",
        f"Tech support: {fake.model['examples'][0]['TechSupport']}",
        f"{len(contract.FIELDS) - 5} other fields",
    ]
    assert [bar["effect"] for bar in bars[:2]] == ["raises risk", "lowers risk"]
    levers = page.table[0].value
    assert list(levers["offer"]) == ["Switch to a two-year contract", "Add tech support"]
    assert list(levers["churn probability"]) == [
        f"{PROBABILITY:.0%} → 25%",
        f"{PROBABILITY:.0%} → 50%",
    ]
    assert list(levers["change"]) == [
        f"{(0.25 - PROBABILITY) * 100:+.1f} points",
        f"{(0.5 - PROBABILITY) * 100:+.1f} points",
    ]
    assert any("not its causes" in caption.value for caption in page.caption)


def test_a_customer_with_nothing_to_offer_is_told_so(page: AppTest, fake: FakeApi) -> None:
    fake.no_levers = True
    page.button(key="customer.submit").click().run()
    assert not page.exception
    assert page.info[0].value.startswith("None of the offers the contract declares")


def test_the_form_speaks_in_plain_words(page: AppTest) -> None:
    labels = {w.key: w.label for w in (*page.selectbox, *page.number_input)}
    assert labels["customer.SeniorCitizen"] == "Senior citizen"
    assert labels["customer.MonthlyCharges"] == "Monthly charges (USD)"
    assert labels["customer.PaymentMethod"] == "Payment method"


def test_no_internet_service_fixes_and_disables_the_add_ons(page: AppTest, fake: FakeApi) -> None:
    page.selectbox(key="customer.InternetService").set_value("No").run()
    for addon in contract.INTERNET_ADDONS:
        widget = page.selectbox(key=f"customer.{addon}.absent")
        assert widget.disabled and widget.value == contract.NO_INTERNET
    page.button(key="customer.submit").click().run()
    _, sent = fake.requests[-1]
    assert all(sent[addon] == contract.NO_INTERNET for addon in contract.INTERNET_ADDONS)


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("invalid", "tenure: Input should be less than or equal to 120"),
        ("unavailable", "try again in 5 s"),
    ],
)
def test_api_errors_on_submit_are_messages(
    page: AppTest, fake: FakeApi, mode: str, message: str
) -> None:
    fake.mode = mode
    page.button(key="customer.submit").click().run()
    assert not page.exception
    assert message in page.error[0].value


def test_an_unreachable_api_is_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("API_ENDPOINT", f"http://127.0.0.1:{free_port()}")
    st.cache_data.clear()
    st.cache_resource.clear()
    app = AppTest.from_file(str(APP), default_timeout=30).run()
    assert not app.exception
    assert "The prediction API is not available" in app.error[0].value


def test_scoring_a_file_lists_bad_rows_and_scores_the_rest(
    page: AppTest, fake: FakeApi, data_path: Path, tmp_path: Path
) -> None:
    header, rows = read_rows(data_path, limit=40)
    rows[5]["InternetService"] = "No"  # inconsistent with its add-ons
    rows[9]["MonthlyCharges"] = "lots"
    rows = [row | {"Region": "north"} for row in rows]
    upload = write_rows(tmp_path / "customers.csv", [*header, "Region"], rows)
    page.file_uploader(key="file.upload").set_value(
        ("customers.csv", upload.read_bytes(), "text/csv")
    ).run()
    page.button(key="file.submit").click().run()

    assert not page.exception and not page.error
    assert "38 customers scored, 2 rejected" in page.success[0].value
    assert page.info[0].value == "Columns not in the contract were ignored: Region."
    file_tab = page.tabs[1]
    rejected = file_tab.table[-1].value
    assert list(rejected["line"]) == [7, 11]
    assert "MonthlyCharges" in rejected["reason"].iloc[1]
    assert [metric.label for metric in file_tab.metric] == ["ROC-AUC"]  # the file has Churn
    assert page.download_button(key="file.download").label == "Download the scored CSV"
    scored = file_tab.dataframe[0].value
    assert [c for c in scored.columns if c.startswith("driver")] == [
        "driver_1",
        "driver_2",
        "driver_3",
    ]
    first = rows[int(scored["line"].iloc[0]) - 2]
    assert scored["driver_1"].iloc[0] == f"Contract = {first['Contract']} (+0.50)"


def test_an_empty_file_is_a_message(page: AppTest) -> None:
    page.file_uploader(key="file.upload").set_value(("empty.csv", b"", "text/csv")).run()
    page.button(key="file.submit").click().run()
    assert not page.exception
    assert "This file cannot be scored: the file is empty" in page.error[0].value


def test_the_model_tab_shows_metrics_beside_the_baseline(page: AppTest, fake: FakeApi) -> None:
    quality = page.tabs[3].table[0].value
    assert list(quality.columns) == [
        "metric",
        "model (CV mean)",
        "baseline (CV mean)",
        "model (test)",
        "baseline (test)",
    ]
    assert "roc_auc" in list(quality["metric"])
    assert any("Model card" in expander.label for expander in page.expander)
    captions = [caption.value for caption in page.tabs[3].caption]
    assert "Not a release: a local run." in captions  # the real API, run locally


def test_the_model_tab_names_the_release_a_deployed_api_serves(
    model_document: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    with fake_api(model_document | {"release": "20261206T180000Z-1a0f6bb"}) as fake:
        monkeypatch.setenv("API_ENDPOINT", fake.url)
        st.cache_data.clear()
        st.cache_resource.clear()
        app = AppTest.from_file(str(APP), default_timeout=30)
        app.run()
        captions = [caption.value for caption in app.tabs[3].caption]
        st.cache_data.clear()
        st.cache_resource.clear()
    assert not app.exception
    assert "Release **20261206T180000Z-1a0f6bb**." in captions
