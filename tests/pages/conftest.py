"""The pages' tests: the browser fixtures live in browser_fixtures.py."""

from tests.pages.browser_fixtures import browser, chromium, screenshots  # noqa: F401
