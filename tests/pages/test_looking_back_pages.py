"""The facilitators' trends page and impact report through the real app: who may see them, the
period read from the address, the crowd rule on what a small group shows, and the report's PDF."""

from __future__ import annotations

import html

import pytest

from bot.pages.report.pdf import pdf_available
from tests.dialogue import dm, person
from tests.pages.site import Site

FAY = person("Fay")  # facilitator
SAM, PAT, LEE, ANA = (person(n) for n in ("Sam", "Pat", "Lee", "Ana"))
ROLES = [
    (SAM, "lived-experience"),
    (LEE, "lived-experience"),
    (ANA, "lived-experience"),
    (PAT, "professional"),
]


async def _a_meeting(site: Site) -> None:
    chat = site.chat
    await chat.group_of(FAY, ROLES)
    await chat.say(FAY, "meeting start")
    await chat.say(FAY, "checkin")
    for who, mood in ((SAM, 4), (LEE, 2), (ANA, 5)):
        await chat.say(who, f"checkin {mood}", dm(who))
    await chat.say(FAY, "meeting end")


async def _page(site: Site, path: str, cookie: str, status: int = 200) -> str:
    response = await site.get(path, cookie)
    body = await response.text()
    assert response.status == status, body
    return " ".join(html.unescape(body).split())  # the words, however the template wraps them


async def test_trends_show_the_period_and_link_to_its_report(site: Site) -> None:
    await _a_meeting(site)
    cookie = await site.sign_in(FAY)
    page = await _page(site, "/groups/1/trends?period=all", cookie)
    assert "Trends for Parents Forum" in page and "1 meeting" in page
    assert 'href="/groups/1/report?period=all"' in page
    assert "<svg" in page and "<script" not in page
    report = await _page(site, "/groups/1/report?period=all", cookie)
    assert "Impact report" in report and "Parents Forum" in report


async def test_a_period_that_cannot_be_read_is_said_plainly(site: Site) -> None:
    await _a_meeting(site)
    cookie = await site.sign_in(FAY)
    page = await _page(site, "/groups/1/trends?from=2026-05-01&to=2026-01-01", cookie)
    assert "The “from” date is after the “to” date" in page and "<svg" not in page
    refused = await _page(site, "/groups/1/report?from=someday&to=2026-01-01", cookie, 400)
    assert "should look like 2026-03-01" in refused and "Parents Forum" not in refused


@pytest.mark.parametrize("path", ["/groups/1/trends", "/groups/1/report", "/groups/1/report.pdf"])
async def test_members_may_not_see_the_facilitators_looking_back(site: Site, path: str) -> None:
    await _a_meeting(site)
    cookie = await site.sign_in(SAM)
    page = await _page(site, path, cookie, 403)
    assert "This page is for the group's facilitators." in page
    assert "Struggling" not in page and "<svg" not in page


async def test_two_answers_are_fewer_than_k_and_never_a_number(site: Site) -> None:
    chat = site.chat
    await chat.group_of(FAY, ROLES)
    await chat.say(FAY, "meeting start")
    await chat.say(FAY, "checkin")
    for who in (SAM, LEE):
        await chat.say(who, "checkin 1", dm(who))
    await chat.say(FAY, "meeting end")
    cookie = await site.sign_in(FAY)
    page = await _page(site, "/groups/1/trends?period=all", cookie)
    assert "fewer than three" in page


@pytest.mark.skipif(not pdf_available(), reason="WeasyPrint cannot be imported here")
async def test_the_report_comes_as_a_pdf_to_download(site: Site) -> None:
    await _a_meeting(site)
    cookie = await site.sign_in(FAY)
    report = await _page(site, "/groups/1/report?period=3m", cookie)
    assert 'href="/groups/1/report.pdf?period=3m"' in report
    response = await site.get("/groups/1/report.pdf?period=3m", cookie)
    body = await response.read()
    assert response.status == 200 and body.startswith(b"%PDF")
    assert response.headers["Content-Type"] == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"


async def test_a_far_future_end_is_read_as_today(site: Site) -> None:
    await _a_meeting(site)
    cookie = await site.sign_in(FAY)
    for path in ("trends", "report"):
        page = await _page(site, f"/groups/1/{path}?from=2026-01-01&to=9999-12-31", cookie)
        assert "1 January 2026 to 3 March 2026" in page or "3 March 2026" in page
