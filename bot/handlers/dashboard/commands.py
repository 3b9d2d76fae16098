"""`dashboard` (and the "Open the group's pages" button): answer the person privately with a
single-use link to their group's pages, valid 15 minutes, bound to them and the group. The
message goes with link previews off, so no platform fetches (and uses up) the link.

Without `COMMONGROUND_PUBLIC_URL` there is nowhere to link to: the person gets a plain message
and operators a log line saying what to set.
"""

from __future__ import annotations

import logging

from bot.cards import Button, Card
from bot.context import Context
from bot.effects import Effect, ReplyToActor
from bot.grammar import ParsedCommand
from bot.pages.links import LINK_MINUTES, make_link
from bot.replies import reply
from bot.routing import Routes, encode
from bot.text_safety import neutralise

log = logging.getLogger(__name__)
routes = Routes()

OPEN_PAGES = "dashboard.open"
NOT_SET_UP = (
    "The group's pages aren't switched on for this bot yet, so I can't send you a link. "
    "Please let whoever runs the bot know: they need to set COMMONGROUND_PUBLIC_URL."
)


def open_button(group_id: int) -> Button:
    """The home page's button: the same as typing `dashboard`."""
    return Button("Open the group's pages", OPEN_PAGES, encode(group_id, ""), typed="dashboard")


@routes.command(
    "dashboard",
    "member",
    usage="dashboard",
    summary="a private link to your group's pages (elephants, decisions, sharing, your data)",
    rank=195,
    aliases=("pages",),
)
async def dashboard(ctx: Context, command: ParsedCommand) -> list[Effect]:
    return await _send_link(ctx)


@routes.choice(OPEN_PAGES)
async def dashboard_pressed(ctx: Context, payload: str) -> list[Effect]:
    """The typed twin is `dashboard`."""
    return await _send_link(ctx)


async def _send_link(ctx: Context) -> list[Effect]:
    """The link goes as an answer to the person alone (Slack: only they see it; Teams: their
    1:1 chat; console: their terminal), never through the outbox, so the token is never
    written to the database, where only its hash is kept."""
    group, who = ctx.require_group(), ctx.require_who()
    public_url = ctx.services.settings.public_url
    if not public_url:
        log.warning(
            "`dashboard` was used, but COMMONGROUND_PUBLIC_URL is not set: set it to the "
            "address people reach this app at to switch the group's pages on"
        )
        return [reply(NOT_SET_UP)]
    url = await make_link(ctx.conn, ctx.services.secret, who, group.id, ctx.now, public_url)
    card = Card(
        title="Your group's pages",
        text=(
            f"Here is your private link to the pages of {neutralise(group.name)}: the elephants "
            "board, decisions and actions, the next agenda, the sharing balance and your own "
            f"data. It works once, for {LINK_MINUTES} minutes, and only for you, so please don't "
            "pass it on. Once open, the pages stay open in that browser for 12 hours.\n\n"
            f"{url}"
        ),
        footer="For a new link at any time, type `dashboard`.",
        link_previews=False,
    )
    return [ReplyToActor(card)]


__all__ = ["OPEN_PAGES", "open_button", "routes"]
