"""End to end in real headless Chromium (Debian's, driven by Playwright): the real API and
the real Streamlit server on free loopback ports, a person's clicks, the API's own answers.

Screenshots of each page land in test-output/ui/ for a human to look at.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.support.browser import CHROMIUM, launch
from tests.support.customers import read_rows, write_rows
from tests.support.servers import LOOPBACK, free_port, wait_for_http

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "test-output" / "ui"
FIRST_LOAD_MS = 60_000


@pytest.fixture(scope="module")
def ui_url(api_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    log = tmp_path_factory.mktemp("ui") / "streamlit.log"
    churn_ui = str(Path(sys.executable).with_name("churn-ui"))
    with log.open("wb") as sink:
        server = subprocess.Popen(
            [churn_ui, "--api", api_url, "--port", str(port), "--address", LOOPBACK],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    url = f"http://{LOOPBACK}:{port}"
    try:
        wait_for_http(f"{url}/_stcore/health", timeout=60)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: run `make browser`")
    with sync_playwright() as playwright:
        launched = launch(playwright)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, ui_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    opened = context.new_page()
    started = time.perf_counter()
    opened.goto(ui_url)
    expect(opened.get_by_role("combobox", name="Contract")).to_be_visible(timeout=FIRST_LOAD_MS)
    print(f"\nUI first load until the form is usable: {time.perf_counter() - started:.2f} s")
    yield opened
    context.close()


def screenshot(page: Page, name: str) -> Path:
    """The whole page: Streamlit scrolls inside stMain, so grow the window to fit it."""
    height = page.locator('[data-testid="stMain"]').evaluate("element => element.scrollHeight")
    page.set_viewport_size({"width": 1400, "height": max(1000, int(height) + 100)})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def choose(page: Page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()


def test_a_customer_scored_in_the_browser_matches_the_api(
    page: Page, api_url: str, model_document: dict[str, Any]
) -> None:
    page.get_by_role("spinbutton", name="Tenure (months)").fill("12")
    choose(page, "Contract", "One year")
    choose(page, "Payment method", "Mailed check")
    page.get_by_role("button", name="Score this customer").click()
    shown = page.get_by_test_id("stMetricValue").first
    expect(shown).to_have_text(re.compile(r"\d+\.\d\d%"), timeout=30_000)

    customer = default_customer(model_document)
    customer |= {"tenure": 12, "Contract": "One year", "PaymentMethod": "Mailed check"}
    answer = httpx.post(f"{api_url}/v1/predictions", json=customer).json()
    assert shown.inner_text().strip() == f"{answer['churn_probability']:.2%}"
    expect(page.get_by_text(f"Answered by model {answer['model_version']}")).to_be_visible()
    assert screenshot(page, "1-score-a-customer").stat().st_size > 10_000


def default_customer(model_document: dict[str, Any]) -> dict[str, Any]:
    customer = dict(model_document["examples"][0])
    customer["SeniorCitizen"] = "Yes" if customer["SeniorCitizen"] == 1 else "No"
    return customer


def test_the_default_customer_shows_its_drivers_and_levers(
    page: Page, api_url: str, model_document: dict[str, Any]
) -> None:
    page.get_by_role("button", name="Score this customer").click()
    expect(page.get_by_text("Why: what moved this customer's risk")).to_be_visible(timeout=30_000)
    customer = default_customer(model_document)
    scored = httpx.post(f"{api_url}/v1/predictions?top=8", json=customer).json()
    levers = httpx.post(f"{api_url}/v1/predictions/levers", json=customer).json()
    explanation = scored["explanation"]

    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    expect(chart).to_be_visible(timeout=30_000)
    expect(
        page.get_by_text(
            f"From the model's average ({explanation['base_value']:+.2f}) to this customer "
            f"({explanation['margin']:+.2f})"
        )
    ).to_be_visible()
    rows = page.locator('[data-testid="stTable"]').first.locator("tbody tr")
    expect(rows).to_have_count(len(levers["levers"]))
    best = levers["levers"][0]
    expect(rows.first).to_contain_text(best["description"][1:])
    today, after = levers["churn_probability"], best["churn_probability"]
    expect(rows.first).to_contain_text(f"{today:.0%} → {after:.0%}")
    assert screenshot(page, "4-drivers-and-levers").stat().st_size > 10_000


def test_no_internet_disables_the_add_ons(page: Page) -> None:
    choose(page, "Internet service", "No")
    addon = page.get_by_role("combobox", name="Tech support")
    expect(addon).to_be_disabled()
    expect(addon).to_have_value("No internet service")


def test_a_file_with_bad_rows_is_scored_reported_and_downloaded(
    page: Page, data_path: Path, tmp_path: Path
) -> None:
    header, rows = read_rows(data_path, limit=200)
    rows[10]["Contract"] = "Weekly"
    rows[50]["tenure"] = "-3"
    rows[120] |= {"PhoneService": "No", "MultipleLines": "Yes"}  # inconsistent
    upload = write_rows(tmp_path / "customers.csv", header, rows)

    page.get_by_role("tab", name="Score a file").click()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(upload)
    page.get_by_role("button", name="Score the file").click()
    expect(page.get_by_text("197 customers scored, 3 rejected")).to_be_visible(timeout=60_000)

    file_tab = page.get_by_role("tabpanel").filter(has_text="Rejected rows")
    rejected = file_tab.locator('[data-testid="stTable"]').last.locator("tbody tr")
    expect(rejected).to_have_count(3)
    for index in (10, 50, 120):
        expect(rejected.filter(has_text=rows[index]["customerID"])).to_have_count(1)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the scored CSV").click()
    saved = tmp_path / "scored.csv"
    download.value.save_as(saved)
    lines = saved.read_text().splitlines()
    assert lines[0] == (
        "line,customerID,churn_probability,churn,risk_band,actual_churn,driver_1,driver_2,driver_3"
    )
    assert len(lines) == 1 + 197
    screenshot(page, "2-score-a-file")


def test_the_model_page_shows_metrics_and_plots(page: Page) -> None:
    page.get_by_role("tab", name="Model").click()
    expect(page.get_by_text("Quality, beside the logistic-regression baseline")).to_be_visible()
    expect(page.get_by_text("ROC curve (test split)")).to_be_visible()
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    expect(charts.first).to_be_visible(timeout=30_000)
    screenshot(page, "3-model")
