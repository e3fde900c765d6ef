"""Headless Chromium for the browser tests: where it lives, its flags, one way to start it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
# the browser's own pages and inline data, never network requests (Chromium 150 loads a
# chrome-untrusted:// page of its own at start)
INTERNAL_SCHEMES = ("chrome://", "chrome-untrusted://", "about:", "data:")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def chromium(
    profile: str | Path,
    *,
    logs: bool = False,
    javascript: bool = True,
    extra_flags: tuple[str, ...] = (),
) -> Any:
    """A selenium Chrome driver on Debian's Chromium with a fresh profile folder.

    ``logs`` records the console and network log (``driver.get_log``);
    ``javascript=False`` turns scripts off.
    """
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, *extra_flags):
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    if logs:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    if not javascript:
        options.add_experimental_option(
            "prefs", {"profile.managed_default_content_settings.javascript": 2}
        )
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
