"""The pages' security through the real app: who may see what, when sessions end, CSRF, the
headers on every answer, and that nothing from outside gets a 500."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from bot.handlers.privacy.personal_data import erase
from bot.pages.security_headers import CSP
from bot.pages.sessions import COOKIE
from bot.scheduling.retention import apply_retention
from bot.store import members
from bot.store.schema import members as members_table
from bot.store.schema import page_links, page_sessions
from tests.dialogue import count, dm, person
from tests.pages.site import Site, csrf_of

FAY, SAM, PAT, LEE = (person(n) for n in ("Fay", "Sam", "Pat", "Lee"))
ROLES = [(SAM, "lived-experience"), (PAT, "professional"), (LEE, "lived-experience")]
PRIVATE_PAGES = ("", "elephants", "decisions", "agenda", "sharing", "my-data", "forget-me")


async def group(site: Site) -> None:
    await site.chat.group_of(FAY, ROLES)


async def test_a_member_gets_403_on_the_facilitators_page_and_a_facilitator_sees_it(
    site: Site,
) -> None:
    await group(site)
    member = await site.sign_in(SAM)
    refused = await site.get("/groups/1/facilitators", member)
    assert refused.status == 403
    assert "Parents Forum" not in await refused.text()
    facilitator = await site.sign_in(FAY)
    page = await site.get("/groups/1/facilitators", facilitator)
    body = html.unescape(await page.text())
    assert page.status == 200
    assert 'href="/groups/1/trends"' in body and 'href="/groups/1/report"' in body
    assert "Trends" in body and "Impact report" in body


async def test_another_groups_pages_are_a_plain_404(site: Site) -> None:
    await group(site)
    await site.chat.say(
        PAT, "setup Carers Circle", site.chat.where.__class__("console", "local", "C-2")
    )
    sam = await site.sign_in(SAM)
    for page in PRIVATE_PAGES:
        response = await site.get(f"/groups/2/{page}", sam)
        assert response.status == 404
        assert "Carers Circle" not in await response.text()
    for path in ("/groups/99/", "/groups/99999999999/elephants", "/groups/x/", "/groups/1/nope"):
        assert (await site.get(path, sam)).status == 404, path


async def test_no_page_shows_without_a_session(site: Site) -> None:
    await group(site)
    for page in PRIVATE_PAGES:
        for cookie in ("", "not-a-token", "A" * 43):
            response = await site.get(f"/groups/1/{page}", cookie)
            assert response.status == 401
            body = await response.text()
            assert "Parents Forum" not in body and "dashboard" in body


async def test_forget_me_in_chat_ends_the_sessions_and_deletes_them(site: Site) -> None:
    await group(site)
    sam = await site.sign_in(SAM)
    unused = await site.link_for(SAM)
    await site.chat.say(SAM, "forget-me yes", dm(SAM))
    assert await count(site.bot.db, page_sessions) == 0
    assert await count(site.bot.db, page_links) == 0
    assert (await site.get("/groups/1/", sam)).status == 401
    assert (await site.open(unused)).status == 403


async def test_forget_me_on_the_page_needs_the_csrf_token_and_the_tick(site: Site) -> None:
    await group(site)
    sam = await site.sign_in(SAM)
    form = await (await site.get("/groups/1/forget-me", sam)).text()
    token = csrf_of(form)
    assert 'type="checkbox"' in form and 'for="confirm"' in form
    for data in ({"confirm": "yes"}, {"confirm": "yes", "csrf_token": "x" * 43}):
        refused = await site.post("/groups/1/forget-me", sam, data)
        assert refused.status == 403
    unticked = await site.post("/groups/1/forget-me", sam, {"csrf_token": token})
    assert unticked.status == 400
    assert await count(site.bot.db, members_table, user_id=SAM.user_id) == 1
    done = await site.post("/groups/1/forget-me", sam, {"csrf_token": token, "confirm": "yes"})
    body = html.unescape(await done.text())
    assert done.status == 200, body
    assert "erased everything I held about you in Parents Forum" in body
    assert f"{COOKIE}=" in done.headers["Set-Cookie"]
    assert await count(site.bot.db, members_table, user_id=SAM.user_id) == 0
    assert await count(site.bot.db, page_sessions) == 0
    assert (await site.get("/groups/1/", sam)).status == 401


async def test_the_only_facilitator_cannot_erase_themselves_on_the_page(site: Site) -> None:
    await group(site)
    fay = await site.sign_in(FAY)
    token = csrf_of(await (await site.get("/groups/1/forget-me", fay)).text())
    refused = await site.post("/groups/1/forget-me", fay, {"csrf_token": token, "confirm": "yes"})
    assert refused.status == 409
    assert "hand over first" in html.unescape(await refused.text())
    assert await count(site.bot.db, members_table, user_id=FAY.user_id) == 1


async def test_leaving_the_group_ends_its_pages_at_once(site: Site) -> None:
    await group(site)
    sam = await site.sign_in(SAM)
    assert (await site.get("/groups/1/elephants", sam)).status == 200
    async with site.bot.db.write() as conn:
        member = await members.get(conn, 1, SAM.user_id)
        assert member is not None
        await erase(conn, member)  # as when a platform says they left
    assert (await site.get("/groups/1/elephants", sam)).status == 404


async def test_stepping_down_as_facilitator_ends_the_facilitators_pages(site: Site) -> None:
    await group(site)
    await site.chat.say(FAY, "facilitator @Sam")
    sam = await site.sign_in(SAM)
    assert (await site.get("/groups/1/facilitators", sam)).status == 200
    await site.chat.say(FAY, "facilitator remove @Sam")
    assert (await site.get("/groups/1/facilitators", sam)).status == 403
    assert (await site.get("/groups/1/elephants", sam)).status == 200


async def test_a_session_lasts_twelve_hours(site: Site) -> None:
    await group(site)
    sam = await site.sign_in(SAM)
    site.chat.clock.advance(hours=11, minutes=59)
    assert (await site.get("/groups/1/", sam)).status == 200
    site.chat.clock.advance(minutes=1)
    assert (await site.get("/groups/1/", sam)).status == 401


async def test_signing_out_needs_the_csrf_token_and_ends_the_session(site: Site) -> None:
    await group(site)
    sam = await site.sign_in(SAM)
    page = await (await site.get("/groups/1/", sam)).text()
    assert (await site.post("/pages/sign-out", sam, {})).status == 403
    assert (await site.get("/groups/1/", sam)).status == 200
    out = await site.post("/pages/sign-out", sam, {"csrf_token": csrf_of(page)})
    assert out.status == 200
    assert (await site.get("/groups/1/", sam)).status == 401


async def test_every_form_on_every_page_carries_the_csrf_token(site: Site) -> None:
    await group(site)
    fay = await site.sign_in(FAY)
    for page in (*PRIVATE_PAGES, "facilitators"):
        body = await (await site.get(f"/groups/1/{page}", fay)).text()
        forms = body.count("<form")
        assert forms >= 1
        assert body.count('name="csrf_token"') == forms, page


async def test_every_answer_carries_the_strict_headers(site: Site) -> None:
    await group(site)
    sam = await site.sign_in(SAM)
    link = await site.link_for(SAM)
    answers = [
        await site.get("/groups/1/", sam),
        await site.get("/groups/1/facilitators", sam),
        await site.get("/groups/2/", sam),
        await site.get("/groups/1/", ""),
        await site.open(link),
        await site.open(link),
        await site.get("/pages/nothing-here", sam),
        await site.client.put("/groups/1/", data="x"),
    ]
    for response in answers:
        assert response.headers["Content-Security-Policy"] == CSP
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store", response.url
    assert "frame-ancestors 'none'" in CSP and "default-src 'none'" in CSP
    css = await site.client.get("/pages/static/pages.css")
    assert css.status == 200 and css.content_type == "text/css"
    assert "@media print" in await css.text()
    assert css.headers["Content-Security-Policy"] == CSP


@pytest.mark.parametrize(
    "path",
    [
        "/pages/open/",
        "/pages/open/%00",
        "/pages/open/" + "A" * 5000,
        "/groups/1/%ff",
        "/groups/00000000001/",
        "/groups/999999999999/",
    ],
)
async def test_nothing_from_outside_gets_a_500(site: Site, path: str) -> None:
    await group(site)
    sam = await site.sign_in(SAM)
    for cookie in (sam, "", "%%%;;"):
        response = await site.client.get(path, headers={"Cookie": f"{COOKIE}={cookie}"})
        assert response.status < 500, (path, response.status)


async def test_a_bad_form_body_gets_no_500(site: Site) -> None:
    await group(site)
    sam = await site.sign_in(SAM)
    for body, kind in (
        (b"\xff\xfe", "application/x-www-form-urlencoded"),
        (b"--x", "multipart/form-data; boundary=x"),
    ):
        response = await site.client.post(
            "/groups/1/forget-me",
            data=body,
            headers={"Cookie": f"{COOKIE}={sam}", "Content-Type": kind},
        )
        assert response.status < 500
    assert await count(site.bot.db, members_table, user_id=SAM.user_id) == 1


async def test_retention_deletes_expired_links_and_sessions(site: Site) -> None:
    await group(site)
    await site.sign_in(SAM)
    await site.link_for(PAT)
    site.chat.clock.advance(minutes=20)
    live = await site.sign_in(LEE)
    site.chat.clock.advance(hours=11, minutes=50)
    from bot.context import Context

    async with site.bot.db.write() as conn:
        ctx = Context(conn=conn, services=site.bot.services, now=site.chat.clock())
        await apply_retention(ctx)
    async with site.bot.db.read() as conn:
        links = (await conn.execute(select(page_links))).all()
        sessions = (await conn.execute(select(page_sessions))).all()
    assert links == [] and len(sessions) == 1  # Sam's session ended; Lee's still has an hour
    assert (await site.get("/groups/1/", live)).status == 200
