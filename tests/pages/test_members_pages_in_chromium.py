"""The members' and facilitators' pages in headless Chromium, reached the way a person reaches
them: `dashboard` in chat, the private link, then every page through its own links. Each page
is checked by the browser harness (`tests.pages.browser`): axe-core with no serious or critical
violation (WCAG 2.2 AA), the keyboard alone, no sideways scrolling at a phone's width, nothing
fetched from another site, no console errors. The facilitators' trends and impact report are
among them, and the report is printed on A4 as a facilitator would print it.

Screenshots go to a temporary folder, or to COMMONGROUND_SCREENSHOTS (docs/screenshots makes
the README's pictures)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from selenium import webdriver

from bot.handlers.elephants.commands import post_due_elephants
from tests.dialogue import dm, person
from tests.pages import browser as harness
from tests.pages.browser.site import LEAVING
from tests.pages.site import Site

FAY, SAM, PAT, LEE, ANA = (person(n) for n in ("Fay", "Sam", "Pat", "Lee", "Ana"))
NOT_HERE = LEAVING


async def a_lived_in_group(site: Site) -> None:
    chat = site.chat
    await chat.group_of(
        FAY,
        [
            (SAM, "lived-experience"),
            (LEE, "lived-experience"),
            (ANA, "lived-experience"),
            (PAT, "professional"),
        ],
    )
    await chat.say(SAM, "elephant Decisions are made before we meet", dm(SAM))
    await chat.say(LEE, "elephant Nobody reads the papers and we all pretend", dm(LEE))
    chat.clock.advance(minutes=10)
    await chat.core.run_job(post_due_elephants)
    await chat.say(FAY, "elephant 2 addressed Papers go out a week ahead")
    await chat.say(SAM, "decision We'll meet at the library from May")
    await chat.say(FAY, "action Send the papers @Sam by 25 Dec")
    await chat.say(PAT, "agenda add Transport costs for parents")
    await chat.say(FAY, "meeting start")
    await chat.say(FAY, "round What keeps you going?")
    for who in (SAM, LEE):
        await chat.say(who, "share My garden", dm(who))
    await chat.say(ANA, "pass", dm(ANA))
    await chat.say(FAY, "round close")
    await chat.say(FAY, "meeting end")


async def test_every_page_passes_the_browser_checks(
    site: Site, browser: webdriver.Chrome, screenshots: Path
) -> None:
    await a_lived_in_group(site)
    origin = str(site.client.make_url("")).rstrip("/")
    link = origin + await site.link_for(FAY)
    checks = await asyncio.to_thread(harness.visit_site, browser, link, screenshots, avoid=NOT_HERE)
    visited = {address.removeprefix(origin) for address in checks}
    assert visited >= {
        "/groups/1/",
        "/groups/1/elephants",
        "/groups/1/decisions",
        "/groups/1/agenda",
        "/groups/1/sharing",
        "/groups/1/my-data",
        "/groups/1/forget-me",
        "/groups/1/facilitators",
        "/groups/1/trends",
        "/groups/1/report",
    }
    await asyncio.to_thread(browser.get, f"{origin}/groups/1/report")
    printed = await asyncio.to_thread(harness.print_a4, browser, screenshots, "impact-report")
    assert 1 <= printed.sheets <= 6
