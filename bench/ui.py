"""UI benchmark in headless Chromium: page load, and a whole 7,043-row file scored through
the UI (upload, chunked batch calls, table and charts drawn). One run; prints figures.

usage: PYTHONPATH=. python bench/ui.py [--bundle DIR]    (make bench)
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from tests.support.browser import launch
from tests.support.servers import LOOPBACK, free_port, wait_for_http

DATA = Path(__file__).resolve().parents[2] / "shared/data/telco-customer-churn.csv"
LOADS = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bundle", default="artifacts")
    arguments = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    api_port, ui_port = free_port(), free_port()
    api_url, ui_url = f"http://{LOOPBACK}:{api_port}", f"http://{LOOPBACK}:{ui_port}"
    servers = [
        subprocess.Popen(
            [str(bin_dir / "churn-api"), "--bundle", arguments.bundle, "--port", str(api_port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [str(bin_dir / "churn-ui"), "--api", api_url, "--port", str(ui_port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
    ]
    try:
        wait_for_http(f"{api_url}/v1/health", timeout=60)
        wait_for_http(f"{ui_url}/_stcore/health", timeout=60)
        with sync_playwright() as playwright:
            browser = launch(playwright)
            loads = []
            for _ in range(LOADS):
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                started = time.perf_counter()
                page.goto(ui_url)
                expect(page.get_by_role("combobox", name="Contract")).to_be_visible(timeout=60_000)
                loads.append(time.perf_counter() - started)
                page.close()
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(ui_url)
            page.get_by_role("tab", name="Score a file").click()
            page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(DATA)
            started = time.perf_counter()
            page.get_by_role("button", name="Score the file").click()
            expect(page.get_by_text("7043 customers scored, 0 rejected")).to_be_visible(
                timeout=300_000
            )
            expect(page.locator('[data-testid="stVegaLiteChart"]').first).to_be_visible()
            scored = time.perf_counter() - started
            browser.close()
    finally:
        for server in servers:
            server.terminate()
            server.wait()
    print(
        f"page load until the form is usable, {LOADS} fresh pages: median "
        f"{statistics.median(loads):.2f} s (first {loads[0]:.2f} s, min {min(loads):.2f} s)"
    )
    print(
        f"7,043-row file through the UI (click to table and charts): {scored:.1f} s "
        f"= {7043 / scored:,.0f} rows/s"
    )


if __name__ == "__main__":
    main()
