"""Headless Chromium (Debian's `chromium`, driven through its `chromedriver` by Selenium) for the console's tests.

`make test` installs both packages when they are missing; where that was impossible the tests fail naming
what to install, never skip."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "ui-screenshots"

# without the background-networking flags Chromium's own connections make it refuse ours many at a time
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1440,1000")


def _find(name: str) -> str | None:
    return shutil.which(name) or (f"/usr/bin/{name}" if os.access(f"/usr/bin/{name}", os.X_OK) else None)


def start_browser():
    chromium, driver = _find("chromium"), _find("chromedriver")
    if chromium is None or driver is None:
        pytest.fail("the console's browser tests need Debian's `chromium` and `chromium-driver` packages "
                    "(`make test` installs them as root: apt-get install -y chromium chromium-driver)",
                    pytrace=False)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    profile = tempfile.mkdtemp(prefix="mockserver-console-")
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(service=Service(driver), options=options)
    browser.profile_dir = profile
    return browser


def stop_browser(browser) -> None:
    try:
        browser.quit()
    finally:
        shutil.rmtree(browser.profile_dir, ignore_errors=True)


def screenshot(browser, name: str, full_page: bool = False) -> Path:
    """The page as it stands, under build/ui-screenshots/ (the whole page's height with `full_page`)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    size = browser.get_window_size()
    if full_page:
        height = browser.execute_script("return document.documentElement.scrollHeight")
        browser.set_window_size(size["width"], min(max(height, size["height"]), 4000))
    try:
        browser.save_screenshot(str(path))
    finally:
        browser.set_window_size(size["width"], size["height"])
    return path
