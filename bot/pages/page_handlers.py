"""The pages' addresses on the bot's web app, and what each answers.

Every address names its group (`/groups/<id>/…`); each request reads the session and the
person's membership and role afresh (`sessions.visitor`). Members' pages are open to every
member; the facilitators' (their overview, the trends and the impact report, with its PDF) to
facilitators only (403 for a member).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from importlib import resources
from typing import Any

from aiohttp import web

from bot.context import Services
from bot.pages.facilitators import looking_back
from bot.pages.facilitators.overview import facilitators_overview
from bot.pages.group_pages import Build, group_page
from bot.pages.leaving import forget_me, sign_out
from bot.pages.links import OPEN_PATH
from bot.pages.log_safety import scrub_page_tokens
from bot.pages.members.decisions_and_actions import decisions_and_actions
from bot.pages.members.elephants_board import elephants_board
from bot.pages.members.my_data import my_data
from bot.pages.members.next_agenda import next_agenda
from bot.pages.members.sharing_balance import sharing_balance
from bot.pages.opening import open_link
from bot.pages.security_headers import protect
from bot.pages.sessions import Visitor
from bot.pages.state import PAGES, PagesState
from bot.store.database import Connection, Database

STYLESHEET = "/pages/static/pages.css"
SIGN_OUT = "/pages/sign-out"


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
    app.router.add_get("/groups/{group_id:[0-9]{1,12}}/report.pdf", looking_back.report_pdf)


__all__ = ["PAGES_TABLE", "PagesState", "attach"]
