"""Debian's Chromium driven headless by Playwright (never `playwright install`): the one launch recipe of every
browser test. The fixtures `browser`, `site` and `divisions_back_after_flush` are in tests/conftest.py."""

import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}

# A browser test module: skipped where Chromium is missing, and the divisions seeded again after its transactional
# tests have emptied the database (the rest of the suite expects them).
browser_module = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
    pytest.mark.usefixtures("divisions_back_after_flush"),
]


SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"


def screenshot_dir(folder):
    """Empties one test's screenshot folder (under SCREENSHOTS) and makes it again. Each test empties only its own:
    browser tests run side by side under xdist, and one emptying the shared parent raced another's mkdir."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
