"""A group's page: who is asking (`sessions.visitor`, afresh on every request), what the page
shows (its `Build`), and `base_context`, the context `base.html` needs on every page.

`base_context` gives exactly `group` (id, name), `person` (display_name, is_facilitator),
`csrf_token` (for every form), `nav` (label, href, current) and `groups` (id, name, href,
current: the person's groups, to switch between). A page's own context is added to it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any

from aiohttp import web

from bot.pages.navigation import nav, page_address
from bot.pages.rendering import page, plain_page
from bot.pages.sessions import NOT_FOUND, PageRefused, Visitor, visitor
from bot.pages.state import PAGES
from bot.store.database import Connection

MAX_GROUP_ID = 2**31 - 1
"""Larger ids are a plain 404 (PostgreSQL's INTEGER would refuse them)."""
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

Build = Callable[[Connection, Visitor, datetime, Mapping[str, str]], Awaitable[dict[str, Any]]]
"""What a page shows: from the store, who is asking, the time, and the address's query (a
period for the trends, say); a template's context, added to `base_context`."""


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
