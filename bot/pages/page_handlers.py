"""What each of the pages' addresses answers (`web_routes` lists the addresses).

Every address names its group (`/groups/<id>/…`); each request reads the session and the
person's membership and role afresh (`sessions.visitor`). Members' pages are open to every
member; the facilitators' (their overview, the trends and the impact report, with its PDF) to
facilitators only (403 for a member).

This module, with the templates, charts and figures it brings in, is loaded at the first page
request, not when the process starts: a host that starts the bot on a chat request should not
wait for the pages' code.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from importlib import resources
from typing import Any

from aiohttp import web

from bot.pages.facilitators import looking_back
from bot.pages.facilitators.overview import facilitators_overview
from bot.pages.group_pages import Build, group_page
from bot.pages.leaving import forget_me, sign_out
from bot.pages.members.decisions_and_actions import decisions_and_actions
from bot.pages.members.elephants_board import elephants_board
from bot.pages.members.my_data import my_data
from bot.pages.members.next_agenda import next_agenda
from bot.pages.members.sharing_balance import sharing_balance
from bot.pages.opening import open_link
from bot.pages.security_headers import protect
from bot.pages.sessions import Visitor
from bot.store.database import Connection


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
    ("trends", "trends", "facilitators/trends.html", looking_back.trends, True),
    ("report", "report", "report.html", looking_back.impact_report, True),
)
"""(address under the group, nav entry, template, builder, facilitators only). A new page is
one row here, its builder taking what `Build` says; `navigation` lists the nav entries."""


HANDLERS: dict[str, Callable[[web.Request], Awaitable[web.StreamResponse]]] = {
    "open": open_link,
    "stylesheet": stylesheet,
    "sign-out": sign_out,
    "forget-me:confirmed": forget_me,
    "report.pdf": looking_back.report_pdf,
    **{
        address: group_page(current, template, build, facilitators=facilitators)
        for address, current, template, build, facilitators in PAGES_TABLE
    },
}
"""Each route's handler, by the name `web_routes.ROUTES` gives it."""
