"""Fixtures for the browser tests: one Chromium for the whole run, handed to each test clean.

Without Chromium, its driver or axe-core the browser tests are skipped, loudly; in CI (`CI` set)
they fail instead, since `.ci/run` installs all three. A conftest imports these by name:

    from tests.pages.browser_fixtures import browser, chromium, screenshots  # noqa: F401
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver

from tests.pages import browser as harness


def require_browser() -> None:
    """Fail in CI, or skip saying why elsewhere, without Chromium, its driver or axe-core."""
    problem = harness.problem()
    if problem is not None:
        if os.environ.get("CI"):
            pytest.fail(f"{problem}; the browser tests need it in CI", pytrace=False)
        pytest.skip(f"SKIPPED LOUDLY: {problem}; the pages are not checked in a browser")


@pytest.fixture(scope="session")
def chromium() -> Iterator[webdriver.Chrome]:
    """The run's one headless Chromium (starting one takes about a second)."""
    require_browser()
    driver = harness.start_browser()
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def browser(chromium: webdriver.Chrome) -> Iterator[webdriver.Chrome]:
    """The shared Chromium at the laptop's size, with no cookies and nothing in its logs: each
    test's web app listens on a new port, and cookies do not tell ports apart."""
    _clean(chromium)
    yield chromium
    _clean(chromium)


def _clean(driver: webdriver.Chrome) -> None:
    driver.get("about:blank")
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    harness.use_size(driver, harness.LAPTOP)
    harness.network_requests(driver)
    harness.console_errors(driver)


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where page screenshots go: COMMONGROUND_SCREENSHOTS (e.g. docs/screenshots) when set,
    else a temporary folder."""
    return harness.screenshot_folder(tmp_path_factory.mktemp("screenshots"))
