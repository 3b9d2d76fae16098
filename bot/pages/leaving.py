"""Leaving: `forget-me` from the "My data" page, and signing out of the pages.

`forget-me` here runs the very handler `forget-me yes` runs in chat
(`bot.handlers.privacy.commands.forget_confirmed`), in one transaction, so the page and the chat
erase exactly the same, refuse the same (the only facilitator must hand over first) and say the
same. Both forms need the session's CSRF token; `forget-me` also needs its box ticked.
"""

from __future__ import annotations

from datetime import datetime

from aiohttp import web

from bot.context import Context, Services
from bot.effects import ReplyToActor
from bot.errors import UserError
from bot.handlers.privacy import commands as privacy_commands
from bot.identity import Who
from bot.pages.csrf import check_form, form_of
from bot.pages.group_pages import as_refusal, group_id_of
from bot.pages.rendering import plain_page
from bot.pages.sessions import PageRefused, Visitor, clear_cookie, current_session, visitor
from bot.pages.state import PAGES
from bot.store import page_access
from bot.store.database import Connection

UNCONFIRMED = "Please tick the box to say you want to erase your data, then send the form again."


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
