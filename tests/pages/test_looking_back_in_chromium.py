"""The facilitators' trends and impact report in headless Chromium, over a year of a group's
history, so that every chart is drawn (a new group's pages show only "fewer than three"): axe-core
finds nothing serious, the keyboard alone reaches everything, nothing scrolls sideways on a
phone, no script runs and nothing comes from another site; and the report prints on A4.

With COMMONGROUND_SCREENSHOTS=docs/screenshots these are the README's pictures."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from selenium import webdriver

from bench.history import seed_history
from bot.effects import ReplyToActor
from bot.events import Command
from bot.identity import Where, Who
from tests.pages import browser as harness
from tests.pages.site import _LINK, Site

WEEKS = 52


async def test_a_years_charts_pass_the_browser_checks_and_print(
    site: Site, browser: webdriver.Chrome, screenshots: Path
) -> None:
    start = site.chat.clock.now - timedelta(weeks=WEEKS, days=1)
    history = await seed_history(site.bot.db, weeks=WEEKS, people=12, start=start)
    facilitator = Who("slack", "T0HIST", "UPar00000", "Person 0")
    where = Where("slack", "T0HIST", "C-Parents and Partners")
    effects = await site.chat.core.handle(Command(facilitator, where, "dashboard"))
    [sent] = [e for e in effects if isinstance(e, ReplyToActor)]
    found = _LINK.search(sent.card.text)
    assert found, sent.card.text
    origin = str(site.client.make_url("")).rstrip("/")
    group = f"{origin}/groups/{history.group_id}"

    await asyncio.to_thread(harness.open_via_link, browser, origin + found.group(1))
    await asyncio.to_thread(browser.get, f"{group}/trends")
    trends = await asyncio.to_thread(browser.find_elements, "css selector", "figure svg")
    assert len(trends) >= 6
    await asyncio.to_thread(harness.assert_page_ok, browser, "trends", screenshots)
    for name, css, size in (
        ("trends-attendance", "#trend-attendance", harness.LAPTOP),
        ("trends-balance", "#trend-balance", harness.LAPTOP),
        ("trends-on-a-phone", "#trend-heard", harness.PHONE),
    ):
        await asyncio.to_thread(harness.save_view, browser, screenshots, name, css, size)
    await asyncio.to_thread(harness.follow_link, browser, "The impact report for this period")
    await asyncio.to_thread(harness.assert_page_ok, browser, "impact-report", screenshots)
    await asyncio.to_thread(harness.save_view, browser, screenshots, "impact-report-top", "main")
    printed = await asyncio.to_thread(harness.print_a4, browser, screenshots, "impact-report")
    assert 1 <= printed.sheets <= 25  # a year of weekly meetings, each with a decision
    await asyncio.to_thread(browser.get, f"{group}/elephants")
    await asyncio.to_thread(harness.assert_page_ok, browser, "elephants", screenshots)
