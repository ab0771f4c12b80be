"""The Chromium the browser tests and the UI benchmark drive: Debian's real binary (never a
browser of Playwright's own, which cannot be downloaded here)."""

from __future__ import annotations

import os
from typing import Final

from playwright.sync_api import Browser, Playwright

# The binary `make browser` made sure of (CHROMIUM; Debian's real binary by default).
CHROMIUM: Final = os.environ.get("CHROMIUM", "/usr/lib/chromium/chromium")
# Without the background-networking flags Chromium keeps dialling Google on a closed network.
CHROMIUM_ARGS: Final = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
