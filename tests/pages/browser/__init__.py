"""The group's pages in a real browser: what a person on a phone or a laptop meets is checked,
not what the HTML promises. The rooms:

- `chromium`: Debian's headless Chromium through its own driver, never reaching the network;
  the two sizes (`PHONE` 320×800, `LAPTOP` 1280×900); what the browser sent and logged;
- `links`: `open_via_link` follows a private link and insists on one 303 redirect to an
  address without the token; `follow_link` clicks a real link; `same_site_links`;
- `axe`: Deque's axe-core in the page, WCAG 2.2 AA, failing on serious or critical findings;
- `keyboard`: a Tab walk from the top until focus comes round again;
- `screenshots`: full-page PNGs and A4 prints (`print_a4`, with the sheets counted), in a
  temporary folder or where COMMONGROUND_SCREENSHOTS says;
- `site`: `check_page` (all of it at both sizes) and `visit_site` (every page from one link).

Everything here blocks: a test whose web app runs on its own event loop calls it through
`asyncio.to_thread`, so the app can answer meanwhile. The names below are the ones tests use:

    from tests.pages import browser as harness

    async def test_every_page_of_a_group(web_app_on_loopback, browser, screenshots):
        link = ...  # the private link `dashboard` sends
        await asyncio.to_thread(harness.visit_site, browser, link, screenshots)

`browser` and `screenshots` are fixtures (browser_fixtures.py): one Chromium for the run, clean
for each test, and a temporary folder unless COMMONGROUND_SCREENSHOTS names one.
"""

from tests.pages.browser.axe import (
    WCAG_22_AA,
    Violation,
    accessibility_violations,
    assert_accessible,
    serious,
)
from tests.pages.browser.chromium import (
    AXE,
    CHROMEDRIVER,
    CHROMIUM,
    LAPTOP,
    PHONE,
    ROOT,
    SIZES,
    Size,
    chromedriver_service,
    chromium_options,
    console_errors,
    network_requests,
    problem,
    start_browser,
    use_size,
)
from tests.pages.browser.keyboard import KeyboardWalk, assert_keyboard_usable, walk_keyboard
from tests.pages.browser.links import follow_link, open_via_link, same_site_links
from tests.pages.browser.screenshots import (
    SCREENSHOTS_SETTING,
    Printed,
    print_a4,
    save_screenshot,
    save_view,
    screenshot_folder,
)
from tests.pages.browser.site import PageCheck, assert_page_ok, check_page, visit_site

__all__ = [
    "AXE",
    "CHROMEDRIVER",
    "CHROMIUM",
    "LAPTOP",
    "PHONE",
    "ROOT",
    "SCREENSHOTS_SETTING",
    "SIZES",
    "WCAG_22_AA",
    "KeyboardWalk",
    "PageCheck",
    "Printed",
    "Size",
    "Violation",
    "accessibility_violations",
    "assert_accessible",
    "assert_keyboard_usable",
    "assert_page_ok",
    "check_page",
    "chromedriver_service",
    "chromium_options",
    "console_errors",
    "follow_link",
    "network_requests",
    "open_via_link",
    "print_a4",
    "problem",
    "same_site_links",
    "save_screenshot",
    "save_view",
    "screenshot_folder",
    "serious",
    "start_browser",
    "use_size",
    "visit_site",
    "walk_keyboard",
]
