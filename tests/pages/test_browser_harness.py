"""The browser harness proven on pages served here: it passes a good page and names each fault of
a bad one, so a green run over the group's pages means something.

The pages come from a small aiohttp app on loopback with the same strict Content-Security-Policy
the group's pages send (no scripts at all). The browser blocks, so each test calls it through
`asyncio.to_thread` while the app answers on the test's event loop: the way the group's pages
are checked too.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from aiohttp import web
from selenium import webdriver
from selenium.webdriver.common.driver_finder import DriverFinder
from selenium.webdriver.common.selenium_manager import SeleniumManager

from testkit.loopback import free_port
from tests.pages import browser as harness
from tests.pages import browser_fixtures
from tests.pages.browser import chromium

CSP = (
    "default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
TOKEN = "k7Qm2xV9pL4sT8wZ3nB6"
SESSION = "cg_session"

STYLE = """
body { font: 1rem/1.5 system-ui, sans-serif; color: #1b1b1b; background: #fff; margin: 0; }
header, main { padding: 1rem; max-width: 40rem; }
nav a, button, .skip { display: inline-block; padding: .5rem .75rem; }
a { color: #0b4f9c; }
:focus-visible { outline: 3px solid #0b4f9c; outline-offset: 2px; }
.skip { position: absolute; left: -10000px; }
.skip:focus { left: 1rem; top: 1rem; background: #fff; }
table { border-collapse: collapse; } th, td { border: 1px solid #555; padding: .25rem .5rem; }
label, input, select { display: block; margin: .25rem 0; }
.faint { color: #c4c4c4; }
.no-ring:focus, .no-ring:focus-visible { outline: none; }
.tall { height: 3000px; }
.wide { width: 600px; }
"""

GOOD = """<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Elephants — Riverside group</title><link rel="stylesheet" href="/static/site.css"></head>
<body>
<a class="skip" href="#content">Skip to the content</a>
<header><nav aria-label="Group pages"><a href="/home">Elephants</a> <a href="/other">Actions</a>
</nav></header>
<main id="content" tabindex="-1">
<h1>Elephants</h1>
<p>What the group named, discussed and did. <a href="/other">See the actions</a>.</p>
<table><caption>Elephants by state</caption>
<thead><tr><th scope="col">State</th><th scope="col">How many</th></tr></thead>
<tbody><tr><td>Named</td><td>4</td></tr><tr><td>Addressed</td><td>2</td></tr></tbody></table>
<details><summary>What the states mean</summary><p>Named means someone raised it.</p></details>
<form method="post" action="/home">
<label for="period">Period</label>
<select id="period" name="period"><option>This term</option><option>This year</option></select>
<fieldset><legend>Show</legend>
<label><input type="radio" name="show" value="all" checked> All</label>
<label><input type="radio" name="show" value="open"> Still open</label></fieldset>
<label for="note">A note for the facilitator</label><input id="note" name="note">
<button type="submit">Show these</button>
</form>
</main></body></html>"""

BAD = """<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Unkept page</title><link rel="stylesheet" href="/static/site.css"></head>
<body>
<header><nav aria-label="Group pages"><a href="/home">Elephants</a></nav>
<a class="skip" href="#content">Skip to the content</a></header>
<main id="main">
<h1>Unkept page</h1>
<p class="faint">Text too pale to read.</p>
<p class="wide">A paragraph as wide as a tablet.</p>
<input name="mood">
<button class="no-ring" type="button">Save</button>
<a href="/other" tabindex="-1">Out of the keyboard's reach</a>
<script>document.title = "a script ran";</script>
</main></body></html>"""

OUTSIDE = """<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Reaching out</title></head>
<body><main><h1>Reaching out</h1><img src="http://cdn.example.invalid/chart.png" alt="A chart">
</main></body></html>"""


def _page(html: str, csp: bool = True) -> web.Response:
    response = web.Response(text=html, content_type="text/html")
    if csp:
        response.headers["Content-Security-Policy"] = CSP
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


async def _home(request: web.Request) -> web.Response:
    if request.cookies.get(SESSION) != "yes":
        return web.Response(status=403, text="This link has been used or has run out.")
    return _page(GOOD)


async def _magic(request: web.Request) -> web.Response:
    response = web.Response(status=303, headers={"Location": "/home"})
    response.set_cookie(SESSION, "yes", httponly=True, samesite="Strict", path="/")
    return response


async def _found_instead(request: web.Request) -> web.Response:
    return web.Response(status=302, headers={"Location": "/home"})


async def _keeps_token(request: web.Request) -> web.Response:
    return web.Response(status=303, headers={"Location": f"/other?t={request.match_info['t']}"})


def _fixed(html: str, csp: bool = True) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handler(request: web.Request) -> web.Response:
        return _page(html, csp)

    return handler


async def _style(request: web.Request) -> web.Response:
    return web.Response(text=STYLE, content_type="text/css")


async def _download(request: web.Request) -> web.Response:
    return web.Response(
        text="when,what\n",
        content_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="export.csv"'},
    )


async def _pdf(request: web.Request) -> web.Response:
    return web.Response(body=b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


@pytest.fixture
async def site() -> AsyncIterator[str]:
    """The fixture pages on 127.0.0.1; yields the address they start with."""
    app = web.Application()
    app.router.add_get("/home", _home)
    other = GOOD.replace("<h1>Elephants", "<h1>Actions").replace(
        "</main>",
        '<p><a href="/bad">An unkept page</a> <a href="/gone">Gone</a>'
        ' <a href="/export.csv">Export</a> <a href="/report.pdf">Report</a></p></main>',
    )
    app.router.add_get("/other", _fixed(other))
    app.router.add_get("/bad", _fixed(BAD))
    app.router.add_get("/outside", _fixed(OUTSIDE, csp=False))
    app.router.add_get("/long", _fixed(GOOD.replace("<table>", '<div class="tall"></div><table>')))
    app.router.add_get("/static/site.css", _style)
    app.router.add_get("/export.csv", _download)
    app.router.add_get("/report.pdf", _pdf)
    app.router.add_get("/link/{t}", _magic)
    app.router.add_get("/found/{t}", _found_instead)
    app.router.add_get("/leaky/{t}", _keeps_token)
    app.router.add_get("/plain/{t}", _fixed(GOOD))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def test_a_good_page_passes_every_check_on_a_phone_and_a_laptop(
    site: str, browser: webdriver.Chrome, tmp_path: Path
) -> None:
    final = await asyncio.to_thread(harness.open_via_link, browser, f"{site}/link/{TOKEN}")
    assert final == f"{site}/home"

    check = await asyncio.to_thread(harness.assert_page_ok, browser, "elephants", tmp_path)

    names = [path.name for path in check.screenshots]
    assert names == ["elephants-phone.png", "elephants-laptop.png"]
    for path, width in zip(check.screenshots, (320, 1280), strict=True):
        png = path.read_bytes()
        assert png.startswith(b"\x89PNG")
        assert int.from_bytes(png[16:20], "big") == width  # the whole page, at the device's width
    walk = check.walks["phone"]
    assert walk.skip_link == 'a "Skip to the content" (#content)'
    assert [stop.name for stop in walk.stops] == [
        'a "Skip to the content" (#content)',
        'a "Elephants" (/home)',
        'a "Actions" (/other)',
        'a "See the actions" (/other)',
        'summary "What the states mean"',
        'select[select-one] "Period"',
        'input[radio] "All"',
        'input[text] "A note for the facilitator"',
        'button[submit] "Show these"',
    ]
    assert all(stop.focus_seen and stop.on_screen for stop in walk.stops)
    assert check.walks["laptop"].stops == walk.stops
    assert check.violations == {"phone": [], "laptop": []}
    assert check.status == 200
    assert check.too_wide == {}


async def test_a_bad_page_is_reported_for_each_of_its_faults(
    site: str, browser: webdriver.Chrome, tmp_path: Path
) -> None:
    await asyncio.to_thread(browser.get, f"{site}/bad")
    check = await asyncio.to_thread(harness.check_page, browser, "bad", tmp_path)

    for size in ("phone", "laptop"):
        rules = {(v.rule, v.impact) for v in check.violations[size]}
        assert ("label", "critical") in rules  # the unlabelled field
        assert ("color-contrast", "serious") in rules  # the pale text
        assert check.walks[size].problems() == [
            'the keyboard never reaches a "Out of the keyboard\'s reach" (/other)',
            'focus cannot be seen on button[button] "Save"',
            'the skip link a "Skip to the content" (#content) is not the first Tab stop '
            '(a "Elephants" (/home) is)',
            'the skip link a "Skip to the content" (#content) leads to nothing on the page',
        ]
    assert check.too_wide == {"phone": 600 + 16 - 320}  # the margin of the body included
    assert "phone: the page is 296px wider than the screen, so it scrolls sideways" in (
        check.problems()
    )
    assert len(check.console_errors) == 1
    assert "Content Security Policy" in check.console_errors[0]  # the page's own script
    assert sum("browser console" in problem for problem in check.problems()) == 1
    with pytest.raises(AssertionError) as failure:
        await asyncio.to_thread(harness.assert_page_ok, browser, "bad", tmp_path)
    for expected in ("label", "color-contrast", "Save", "keyboard's reach", "skip link"):
        assert expected in str(failure.value)


async def test_axe_runs_in_a_page_that_refuses_every_script(
    site: str, browser: webdriver.Chrome
) -> None:
    await asyncio.to_thread(browser.get, f"{site}/bad")

    violations = await asyncio.to_thread(harness.accessibility_violations, browser)

    assert browser.title == "Unkept page"  # the page's own script was refused by its CSP
    assert harness.serious(violations)
    with pytest.raises(AssertionError, match=r"\[critical\] label: Form elements must have labels"):
        await asyncio.to_thread(harness.assert_accessible, browser)


async def test_open_via_link_accepts_only_one_303_to_an_address_without_the_token(
    site: str, browser: webdriver.Chrome
) -> None:
    cases = {
        "found": "redirect once with 303 See Other; the browser saw redirects [302]",
        "leaky": "still carries its token",
        "plain": "redirect once with 303 See Other; the browser saw redirects []",
    }
    for route, complaint in cases.items():
        with pytest.raises(AssertionError, match=re.escape(complaint)):
            await asyncio.to_thread(harness.open_via_link, browser, f"{site}/{route}/{TOKEN}")


async def test_pages_are_visited_through_their_own_links(
    site: str, browser: webdriver.Chrome
) -> None:
    await asyncio.to_thread(harness.open_via_link, browser, f"{site}/link/{TOKEN}")

    links = await asyncio.to_thread(harness.same_site_links, browser)
    landed = await asyncio.to_thread(harness.follow_link, browser, "See the actions")

    assert links == [f"{site}/home", f"{site}/other"]
    assert landed == f"{site}/other"
    assert browser.find_element("tag name", "h1").text == "Actions"


async def test_a_site_is_visited_page_by_page_from_one_link(
    site: str, browser: webdriver.Chrome, tmp_path: Path
) -> None:
    first_two = await asyncio.to_thread(
        harness.visit_site, browser, f"{site}/link/{TOKEN}", tmp_path, limit=2, fail=False
    )

    assert list(first_two) == [f"{site}/home", f"{site}/other"]
    assert sorted(path.name for check in first_two.values() for path in check.screenshots) == [
        "home-laptop.png",
        "home-phone.png",
        "other-laptop.png",
        "other-phone.png",
    ]
    with pytest.raises(AssertionError) as failure:
        await asyncio.to_thread(harness.visit_site, browser, f"{site}/link/{TOKEN}", tmp_path)
    # home, other, bad and the broken link; the export and the PDF are not pages to check
    report = str(failure.value).splitlines()
    assert re.fullmatch(r"\d+ problems on 4 pages:", report[0])
    assert all(line.startswith(f"{site}/bad: ") for line in report[1:-1]), report
    assert report[-1] == f"{site}/gone: answered 404"


async def test_a_request_that_leaves_the_site_is_reported(
    site: str, browser: webdriver.Chrome, tmp_path: Path
) -> None:
    await asyncio.to_thread(browser.get, f"{site}/outside")

    check = await asyncio.to_thread(
        harness.check_page, browser, "outside", tmp_path, (harness.LAPTOP,), False
    )

    assert check.outside_requests == ["http://cdn.example.invalid/chart.png"]
    assert "fetched from outside the site: http://cdn.example.invalid/chart.png" in check.problems()


async def test_a_screenshot_holds_the_whole_page_not_just_the_screen(
    site: str, browser: webdriver.Chrome, tmp_path: Path
) -> None:
    await asyncio.to_thread(browser.get, f"{site}/long")
    await asyncio.to_thread(harness.use_size, browser, harness.PHONE)

    path = await asyncio.to_thread(harness.save_screenshot, browser, tmp_path, "long")

    png = path.read_bytes()
    assert int.from_bytes(png[16:20], "big") == harness.PHONE.width
    assert int.from_bytes(png[20:24], "big") > 3000  # far below the 800 pixels on screen


async def test_a_page_prints_on_a4_sheets_that_are_counted(
    site: str, browser: webdriver.Chrome, tmp_path: Path
) -> None:
    await asyncio.to_thread(browser.get, f"{site}/bad")
    short = await asyncio.to_thread(harness.print_a4, browser, tmp_path, "short")
    await asyncio.to_thread(browser.get, f"{site}/long")
    long = await asyncio.to_thread(harness.print_a4, browser, tmp_path, "long")

    assert short.sheets == 1
    assert long.sheets >= 3  # 3000 CSS pixels are more than three A4 sheets
    assert long.path.name == "long.pdf"
    pdf = long.path.read_bytes()
    assert pdf.startswith(b"%PDF-")
    counted = re.search(rb"/Count (\d+)", pdf)  # what the PDF's page tree says
    assert counted is not None and int(counted.group(1)) == long.sheets


def test_screenshots_go_to_the_folder_named_by_the_setting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(harness.SCREENSHOTS_SETTING, raising=False)
    assert harness.screenshot_folder(tmp_path) == tmp_path
    monkeypatch.setenv(harness.SCREENSHOTS_SETTING, "docs/screenshots")
    assert harness.screenshot_folder(tmp_path) == harness.ROOT / "docs" / "screenshots"
    monkeypatch.setenv(harness.SCREENSHOTS_SETTING, str(tmp_path / "shots"))
    assert harness.screenshot_folder(tmp_path) == tmp_path / "shots"


@pytest.mark.skipif(
    not harness.CHROMEDRIVER.exists() and not os.environ.get("CI"),
    reason=f"SKIPPED LOUDLY: {harness.CHROMEDRIVER} is not installed",
)
def test_selenium_manager_is_never_asked_for_a_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> dict[str, str]:
        raise AssertionError("Selenium Manager was asked, and it would download a driver")

    monkeypatch.setattr(SeleniumManager, "binary_paths", refuse)

    finder = DriverFinder(harness.chromedriver_service(), harness.chromium_options())

    assert finder.get_driver_path() == str(harness.CHROMEDRIVER)


def test_without_axe_core_the_browser_tests_fail_in_ci_and_skip_loudly_elsewhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(chromium, "AXE", Path("/nowhere/axe.min.js"))
    chromium.problem.cache_clear()
    try:
        monkeypatch.setenv("CI", "true")
        with pytest.raises(pytest.fail.Exception, match=r"axe-core is not installed.*in CI"):
            browser_fixtures.require_browser()
        monkeypatch.delenv("CI")
        with pytest.raises(pytest.skip.Exception, match="SKIPPED LOUDLY: axe-core is not"):
            browser_fixtures.require_browser()
    finally:
        chromium.problem.cache_clear()
