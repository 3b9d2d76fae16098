"""The link `dashboard` sends: single use, 15 minutes, its own person; previews, limits, logs."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from bot.pages.links import OPEN_PATH
from bot.store.schema import metadata, page_links, page_sessions
from tests.dialogue import person
from tests.pages.site import BROWSER, Site, cookie_of

SAM, ALEX, JO = person("Sam"), person("Alex"), person("Jo")
REFUSED = "Links to the group&#39;s pages work once"


async def group(site: Site) -> None:
    await site.chat.group_of(SAM, [(ALEX, "lived-experience"), (JO, "professional")])


async def test_a_link_opens_a_session_and_sends_the_browser_on_without_the_token(
    site: Site,
) -> None:
    await group(site)
    path = await site.link_for(ALEX)
    response = await site.open(path)
    assert response.status == 303
    assert response.headers["Location"] == "/groups/1/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    assert "Max-Age=43200" in cookie
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    page = await site.get("/groups/1/", cookie_of(response))
    assert page.status == 200
    assert "Parents Forum" in await page.text()


async def test_dashboard_answers_only_the_person_and_the_token_never_reaches_the_database(
    site: Site,
) -> None:
    await group(site)
    outcome = await site.chat.say(ALEX, "dashboard")
    assert not outcome.posts and not outcome.messages  # nothing in the channel, nothing queued
    assert f"https://cg.example.org{OPEN_PATH}" in outcome.reply
    assert "15 minutes" in outcome.reply
    token = outcome.reply.split(OPEN_PATH)[1].split()[0]
    async with site.bot.db.read() as conn:
        for table in metadata.sorted_tables:
            rows = (await conn.execute(select(table))).all()
            assert token not in repr(rows), table.name


async def test_a_used_link_is_refused_and_shows_nothing(site: Site) -> None:
    await group(site)
    path = await site.link_for(ALEX)
    assert (await site.open(path)).status == 303
    again = await site.open(path)
    assert again.status == 403
    text = await again.text()
    assert REFUSED in text and "Parents Forum" not in text
    assert "Set-Cookie" not in again.headers


async def test_an_expired_link_is_refused(site: Site) -> None:
    await group(site)
    path = await site.link_for(ALEX)
    site.chat.clock.advance(minutes=15)
    response = await site.open(path)
    assert response.status == 403
    assert REFUSED in await response.text()


async def test_a_link_still_works_just_before_it_expires(site: Site) -> None:
    await group(site)
    path = await site.link_for(ALEX)
    site.chat.clock.advance(minutes=14, seconds=59)
    assert (await site.open(path)).status == 303


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
        lambda t: t[:-1],
        lambda t: t + "x",
        lambda t: t.upper(),
        lambda t: "%2e%2e%2f" + t,
    ],
)
async def test_a_tampered_link_is_refused_and_the_real_one_still_works(site: Site, change) -> None:  # type: ignore[no-untyped-def]
    await group(site)
    path = await site.link_for(ALEX)
    token = path.removeprefix(OPEN_PATH)
    response = await site.open(OPEN_PATH + change(token))
    assert response.status in (403, 404)
    assert "Parents Forum" not in await response.text()
    assert (await site.open(path)).status == 303


async def test_another_persons_link_is_refused_in_a_browser_signed_in_as_someone_else(
    site: Site,
) -> None:
    await group(site)
    alex = await site.sign_in(ALEX)
    jo_link = await site.link_for(JO)
    response = await site.open(jo_link, cookie=alex)
    assert response.status == 403
    assert REFUSED in await response.text()
    # not used up: Jo can still open it in their own browser
    assert (await site.open(jo_link)).status == 303


@pytest.mark.parametrize(
    "agent",
    [
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Microsoft Teams",
    ],
)
async def test_preview_fetchers_get_a_plain_page_and_do_not_use_up_the_link(
    site: Site, agent: str
) -> None:
    await group(site)
    path = await site.link_for(ALEX)
    preview = await site.open(path, agent=agent)
    assert preview.status == 200
    assert "Set-Cookie" not in preview.headers
    assert "Parents Forum" not in await preview.text()
    assert (await site.client.head(path, headers={"User-Agent": BROWSER})).status == 200
    assert (await site.open(path)).status == 303


@pytest.mark.parametrize("header", ["Sec-Purpose", "Purpose"])
async def test_a_browsers_prefetch_does_not_use_up_the_link(site: Site, header: str) -> None:
    await group(site)
    path = await site.link_for(ALEX)
    prefetch = await site.client.get(
        path, headers={"User-Agent": BROWSER, header: "prefetch"}, allow_redirects=False
    )
    assert prefetch.status == 200 and "Set-Cookie" not in prefetch.headers
    assert (await site.open(path)).status == 303


async def test_link_use_is_rate_limited_per_address_with_a_plain_429(site: Site) -> None:
    await group(site)
    path = await site.link_for(ALEX)
    for _ in range(10):
        assert (await site.open(OPEN_PATH + "x" * 43)).status == 403
    limited = await site.open(path)
    assert limited.status == 429
    assert "wait a minute" in await limited.text()
    assert limited.headers["Retry-After"] == "60"


async def test_link_use_is_rate_limited_overall(site: Site) -> None:
    from bot.pages.state import PAGES

    state = site.client.app[PAGES]
    state.limit.overall = 3
    for address in ("a", "b", "c"):
        assert state.limit.allow(address)
    assert not state.limit.allow("d")


async def test_only_a_hash_of_the_token_and_session_is_stored(site: Site) -> None:
    await group(site)
    path = await site.link_for(ALEX)
    token = path.removeprefix(OPEN_PATH)
    cookie = cookie_of(await site.open(path))
    async with site.bot.db.read() as conn:
        links = [dict(r) for r in (await conn.execute(select(page_links))).mappings()]
        sessions = [dict(r) for r in (await conn.execute(select(page_sessions))).mappings()]
    stored = repr(links) + repr(sessions)
    assert token not in stored and cookie not in stored
    assert len(links) == 1 and len(sessions) == 1


async def test_no_log_line_holds_a_token_even_the_access_log(
    site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    await group(site)
    path = await site.link_for(ALEX)
    token = path.removeprefix(OPEN_PATH)
    access = logging.getLogger("aiohttp.access")
    access.setLevel(logging.INFO)
    try:
        with caplog.at_level(logging.DEBUG):
            await site.open(path)
            await site.open(path)  # refused
            await site.open(path + "zz")
    finally:
        access.setLevel(logging.NOTSET)
    records = [r for r in caplog.records if r.name == "aiohttp.access"]
    assert records, "the access log wrote nothing: the test would prove nothing"
    assert OPEN_PATH + "{token}" in caplog.text
    assert token not in caplog.text
    for record in caplog.records:
        assert token not in repr(vars(record))


async def test_dashboard_without_a_public_address_says_so_plainly(
    site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    site.bot.services.settings.public_url = ""
    await group(site)
    with caplog.at_level(logging.WARNING):
        outcome = await site.chat.say(ALEX, "dashboard")
    assert "aren't switched on" in outcome.reply
    assert not outcome.messages and len(outcome.replies) == 1
    assert "COMMONGROUND_PUBLIC_URL is not set" in caplog.text


def test_operators_are_told_at_start_whether_the_pages_have_an_address(
    page_settings: object,
) -> None:
    from bot.app import pages_report
    from bot.settings import Settings

    assert isinstance(page_settings, Settings)
    assert "https://cg.example.org/pages/open/" in pages_report(page_settings)
    unset = page_settings.model_copy(update={"public_url": ""})
    assert "COMMONGROUND_PUBLIC_URL is not set" in pages_report(unset)


def test_the_public_address_must_be_a_web_address() -> None:
    from pydantic import ValidationError

    from bot.settings import Settings

    with pytest.raises(ValidationError, match="must start with https://"):
        Settings(COMMONGROUND_PUBLIC_URL="cg.example.org", _env_file=None)
    trimmed = Settings(COMMONGROUND_PUBLIC_URL="https://cg.example.org/ ", _env_file=None)
    assert trimmed.public_url == "https://cg.example.org"
