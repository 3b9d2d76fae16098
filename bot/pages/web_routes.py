"""The pages' addresses on the bot's web app, and what each answers.

Every address names its group (`/groups/<id>/…`); each request reads the session and the
person's membership and role afresh (`sessions.visitor`). Members' pages are open to every
member; the facilitators' to facilitators only (403 for a member). "Trends" and "Impact report"
(`/groups/<id>/trends`, `/groups/<id>/report`) are linked from every facilitator's page; their
handlers are added beside these by `attach`'s caller when they exist.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from importlib import resources
from typing import Any

from aiohttp import web

from bot.context import Context, Services
from bot.effects import ReplyToActor
from bot.errors import UserError
from bot.handlers.privacy import commands as privacy_commands
from bot.identity import Who
from bot.pages.csrf import check_form, form_of
from bot.pages.facilitators.overview import facilitators_overview
from bot.pages.links import OPEN_PATH
from bot.pages.log_safety import scrub_page_tokens
from bot.pages.members.decisions_and_actions import decisions_and_actions
from bot.pages.members.elephants_board import elephants_board
from bot.pages.members.my_data import my_data
from bot.pages.members.next_agenda import next_agenda
from bot.pages.members.sharing_balance import sharing_balance
from bot.pages.navigation import nav, page_address
from bot.pages.opening import open_link
from bot.pages.rendering import page, plain_page
from bot.pages.security_headers import protect
from bot.pages.sessions import (
    NOT_FOUND,
    PageRefused,
    Visitor,
    clear_cookie,
    current_session,
    visitor,
)
from bot.pages.state import PAGES, PagesState
from bot.store import page_access
from bot.store.database import Connection, Database

Build = Callable[[Connection, Visitor, datetime, Mapping[str, str]], Awaitable[dict[str, Any]]]
"""What a page shows: from the store, who is asking, the time, and the address's query (a
period for the trends, say); a template's context, added to `base_context`."""
MAX_GROUP_ID = 2**31 - 1
STYLESHEET = "/pages/static/pages.css"
SIGN_OUT = "/pages/sign-out"
UNCONFIRMED = "Please tick the box to say you want to erase your data, then send the form again."


def base_context(who: Visitor, current: str) -> dict[str, Any]:
    """What `base.html` needs (see `bot.pages.rendering`)."""
    group, member = who.group, who.member
    return {
        "group": {"id": group.id, "name": group.name},
        "person": {"display_name": member.display_name, "is_facilitator": member.is_facilitator},
        "csrf_token": who.session.csrf_token,
        "nav": nav(group.id, current, facilitator=member.is_facilitator),
        "groups": [
            {"id": gid, "name": name, "href": page_address(gid, ""), "current": gid == group.id}
            for gid, name in who.groups
        ],
    }


def group_id_of(request: web.Request) -> int:
    number = int(request.match_info["group_id"])
    if number > MAX_GROUP_ID:
        raise NOT_FOUND
    return number


def as_refusal(refusal: PageRefused) -> web.Response:
    return plain_page(refusal.title, refusal.message, status=refusal.status)


def group_page(
    current: str, template: str, build: Build, *, facilitators: bool = False
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """A handler that checks who is asking, builds the page's context and draws it."""

    async def handler(request: web.Request) -> web.StreamResponse:
        state = request.app[PAGES]
        now = state.services.clock()
        try:
            group_id = group_id_of(request)
            async with state.db.read() as conn:
                who = await visitor(
                    conn, request, state.key, now, group_id, facilitators=facilitators
                )
                content = await build(conn, who, now, request.query)
        except PageRefused as refusal:
            return as_refusal(refusal)
        return page(template, {**base_context(who, current), **content})

    return handler


async def _overview(
    conn: Connection, who: Visitor, now: datetime, query: Mapping[str, str]
) -> dict[str, Any]:
    agenda = await next_agenda(conn, who.group, now)
    return {"when": agenda["when"], "under_way": agenda["under_way"]}


async def _elephants(
    conn: Connection, who: Visitor, now: datetime, query: Mapping[str, str]
) -> dict[str, Any]:
    return await elephants_board(conn, who.group)


async def _decisions(
    conn: Connection, who: Visitor, now: datetime, query: Mapping[str, str]
) -> dict[str, Any]:
    return await decisions_and_actions(conn, who.group, now)


async def _agenda(
    conn: Connection, who: Visitor, now: datetime, query: Mapping[str, str]
) -> dict[str, Any]:
    return await next_agenda(conn, who.group, now)


async def _sharing(
    conn: Connection, who: Visitor, now: datetime, query: Mapping[str, str]
) -> dict[str, Any]:
    return await sharing_balance(conn, who.group, now)


async def _my_data(
    conn: Connection, who: Visitor, now: datetime, query: Mapping[str, str]
) -> dict[str, Any]:
    return await my_data(conn, who.group, who.member, now)


async def _nothing(
    conn: Connection, who: Visitor, now: datetime, query: Mapping[str, str]
) -> dict[str, Any]:
    return {}


async def _facilitators(
    conn: Connection, who: Visitor, now: datetime, query: Mapping[str, str]
) -> dict[str, Any]:
    return await facilitators_overview(conn, who.group)


async def forget_me(request: web.Request) -> web.StreamResponse:
    """Erase the person's data in this group, as `forget-me yes` does in chat (the same
    handler, in one transaction), once the form's CSRF token matches; then end the visit."""
    state = request.app[PAGES]
    now = state.services.clock()
    try:
        form = await form_of(request)
        group_id = group_id_of(request)
        async with state.db.write() as conn:
            who = await visitor(conn, request, state.key, now, group_id)
            check_form(form, who.session.csrf_token)
            if form.get("confirm") != "yes":
                return plain_page("Nothing was erased", UNCONFIRMED, status=400)
            ctx = _context(conn, state.services, who, now)
            try:
                effects = await privacy_commands.forget_confirmed(ctx, str(who.member.id))
            except UserError as refusal:
                return plain_page("Nothing was erased", str(refusal), status=409)
    except PageRefused as refusal:
        return as_refusal(refusal)
    said = "\n\n".join(e.card.text for e in effects if isinstance(e, ReplyToActor))
    response = plain_page("Your data is erased", said, status=200)
    clear_cookie(response)
    return response


def _context(conn: Connection, services: Services, who: Visitor, now: datetime) -> Context:
    person = who.session.person
    actor = Who(person.platform, person.workspace, person.user_id, who.member.display_name)
    return Context(
        conn=conn, services=services, now=now, who=actor, group=who.group, member=who.member
    )


async def sign_out(request: web.Request) -> web.StreamResponse:
    state = request.app[PAGES]
    now = state.services.clock()
    try:
        form = await form_of(request)
        async with state.db.write() as conn:
            found = await current_session(conn, request, state.key, now)
            if found is not None:
                check_form(form, found[1].csrf_token)
                await page_access.end_session(conn, found[0])
    except PageRefused as refusal:
        return as_refusal(refusal)
    response = plain_page(
        "You have left the pages",
        "To come back, type `dashboard` in chat for a new link.",
        status=200,
    )
    clear_cookie(response)
    return response


_CSS = resources.files("bot.pages").joinpath("static/pages.css").read_bytes()


async def stylesheet(request: web.Request) -> web.StreamResponse:
    response = web.Response(body=_CSS, content_type="text/css", charset="utf-8")
    protect(response, static=True)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


PAGES_TABLE: tuple[tuple[str, str, str, Build, bool], ...] = (
    ("", "", "members/overview.html", _overview, False),
    ("elephants", "elephants", "members/elephants.html", _elephants, False),
    ("decisions", "decisions", "members/decisions.html", _decisions, False),
    ("agenda", "agenda", "members/agenda.html", _agenda, False),
    ("sharing", "sharing", "members/sharing.html", _sharing, False),
    ("my-data", "my-data", "members/my_data.html", _my_data, False),
    ("forget-me", "my-data", "members/forget_me.html", _nothing, False),
    ("facilitators", "facilitators", "facilitators/overview.html", _facilitators, True),
)
"""(address under the group, nav entry, template, builder, facilitators only). A new page is
one row here: the facilitators' "trends" and "report" (linked from every facilitator's page by
`navigation`) are added as rows like `("trends", "trends", "facilitators/trends.html", build,
True)`, their `build` taking what `Build` says."""


def attach(app: web.Application, db: Database, services: Services) -> None:
    """Add the pages' routes to `app` (the headers' middleware is the app's own, in
    `bot.app.web_app`), and keep tokens out of aiohttp's logs."""
    scrub_page_tokens()
    app[PAGES] = PagesState(db, services)
    app.router.add_get(OPEN_PATH + "{token}", open_link)
    app.router.add_get(STYLESHEET, stylesheet)
    app.router.add_post(SIGN_OUT, sign_out)
    for address, current, template, build, facilitators in PAGES_TABLE:
        path = "/groups/{group_id:[0-9]{1,12}}/" + address
        app.router.add_get(path, group_page(current, template, build, facilitators=facilitators))
    app.router.add_post("/groups/{group_id:[0-9]{1,12}}/forget-me", forget_me)


__all__ = ["PagesState", "attach", "base_context", "group_page"]
