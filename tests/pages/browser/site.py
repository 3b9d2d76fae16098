"""All the checks on one page at the phone's and the laptop's size, and on a whole site reached
from one private link, with every problem found listed at the end."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from selenium import webdriver

from tests.pages.browser.axe import Violation, accessibility_violations, serious
from tests.pages.browser.chromium import (
    LAPTOP,
    SIZES,
    Size,
    console_errors,
    network_requests,
    use_size,
)
from tests.pages.browser.keyboard import KeyboardWalk, walk_keyboard
from tests.pages.browser.links import open_via_link, same_site_links
from tests.pages.browser.screenshots import save_screenshot


@dataclass
class PageCheck:
    """Everything the browser found on one page, at each size."""

    url: str
    title: str
    status: int  # the HTTP status the page came with (0 if the browser cannot tell)
    violations: dict[str, list[Violation]] = field(default_factory=dict)
    walks: dict[str, KeyboardWalk] = field(default_factory=dict)
    screenshots: list[Path] = field(default_factory=list)
    too_wide: dict[str, int] = field(default_factory=dict)  # size -> pixels scrolled sideways
    outside_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        found = [] if self.title.strip() else ["the page has no title"]
        for size, violations in self.violations.items():
            found += [f"{size}: {v}" for v in serious(violations)]
        found += [
            f"{size}: the page is {pixels}px wider than the screen, so it scrolls sideways"
            for size, pixels in self.too_wide.items()
        ]
        for size, walk in self.walks.items():
            found += [f"{size}: {problem}" for problem in walk.problems()]
        found += [f"fetched from outside the site: {url}" for url in self.outside_requests]
        found += [f"browser console: {message}" for message in self.console_errors]
        return found


def check_page(
    driver: webdriver.Chrome,
    name: str,
    screenshots: Path,
    sizes: Sequence[Size] = SIZES,
    keyboard: bool = True,
) -> PageCheck:
    """Check the page the browser is on at each size: a full-page screenshot
    (`screenshots/<name>-<size>.png`), axe-core, no sideways scrolling (the pages must read at
    320 px), and (unless `keyboard` is false) a Tab walk.
    Also notes any request that left the site and any error in the browser's console since the
    last check."""
    here = urlsplit(driver.current_url)
    check = PageCheck(url=str(driver.current_url), title=str(driver.title), status=_status(driver))
    for size in sizes:
        use_size(driver, size)
        check.screenshots.append(save_screenshot(driver, screenshots, f"{name}-{size.name}"))
        check.violations[size.name] = accessibility_violations(driver)
        overflow = int(
            driver.execute_script(
                "const page = document.documentElement; return page.scrollWidth - page.clientWidth"
            )
        )
        if overflow > 0:
            check.too_wide[size.name] = overflow
        if keyboard:
            check.walks[size.name] = walk_keyboard(driver)
    use_size(driver, LAPTOP)
    for request in network_requests(driver):
        target = urlsplit(request.url)
        if target.scheme != "data" and (target.scheme, target.netloc) != (here.scheme, here.netloc):
            check.outside_requests.append(request.url)
    check.console_errors = console_errors(driver)
    return check


def _status(driver: webdriver.Chrome) -> int:
    """The HTTP status the current page came with, 0 if the browser cannot tell."""
    status = driver.execute_script(
        "const [page] = performance.getEntriesByType('navigation');"
        " return page ? page.responseStatus || 0 : 0;"
    )
    return int(status)


def assert_page_ok(
    driver: webdriver.Chrome, name: str, screenshots: Path, sizes: Sequence[Size] = SIZES
) -> PageCheck:
    """`check_page`, failing with every problem it found, one a line."""
    check = check_page(driver, name, screenshots, sizes)
    problems = check.problems()
    assert not problems, f"{check.url} ({name}):\n" + "\n".join(problems)
    return check


# Links a visit must not follow: they would end the session it is walking with.
LEAVING = ("logout", "log-out", "sign-out", "signout")


def visit_site(
    driver: webdriver.Chrome,
    link: str,
    screenshots: Path,
    limit: int = 20,
    avoid: Sequence[str] = LEAVING,
    fail: bool = True,
) -> dict[str, PageCheck]:
    """Open the private `link`, then every page of the site its pages link to (at most `limit`,
    in the order found; none whose address contains a word in `avoid`), and `check_page` each
    HTML page; fail at the end (unless `fail` is false) listing every problem on every page, a
    page that answers with an error status among them (a link to it is broken). Returns the
    checks by address: downloads and error pages have none.

    Pages after the first are opened at the addresses their links hold, so each is reached the
    way a person could reach it; a screenshot is named after the page's path."""
    first = open_via_link(driver, link)
    queue, seen = [first], {first}
    checks: dict[str, PageCheck] = {}
    broken: list[str] = []
    while queue and len(checks) + len(broken) < limit:
        address = queue.pop(0)
        if address != first:
            driver.get("about:blank")  # so that a download, which opens no page, shows
            network_requests(driver)  # a page's check sees what that page did, no more
            console_errors(driver)
            driver.get(address)
            if driver.current_url == "about:blank":
                continue  # a download: nothing for axe or the Tab key
        if (status := _status(driver)) >= 400:
            broken.append(f"{address}: answered {status}")
            continue
        if driver.execute_script("return document.contentType") != "text/html":
            continue  # a PDF, say: nothing for axe or the Tab key
        checks[address] = check_page(driver, _shot_name(address), screenshots)
        for found in same_site_links(driver):
            if found not in seen and not any(word in found.lower() for word in avoid):
                seen.add(found)
                queue.append(found)
    problems = [
        f"{url}: {problem}" for url, check in checks.items() for problem in check.problems()
    ]
    problems += broken
    visited = len(checks) + len(broken)
    assert not (fail and problems), f"{len(problems)} problems on {visited} pages:\n" + "\n".join(
        problems
    )
    return checks


def _shot_name(address: str) -> str:
    parts = urlsplit(address)
    words = re.findall(r"[A-Za-z0-9]+", parts.path + " " + parts.query)
    return "-".join(words)[:80] or "home"
