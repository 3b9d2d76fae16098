"""Opening a link: a preview fetcher gets a plain page and the link stays unused; a person gets
a session cookie and is sent at once (303) to an address without the token.

A link used already, expired, unknown (a tampered one is unknown) or belonging to someone else
than the person this browser is signed in as, gets one plain page that tells nothing apart, so
nothing can be learnt by trying. Uses are rate-limited per client address and overall.
"""

from __future__ import annotations

from aiohttp import web

from bot.pages.link_secrets import hashed, well_formed
from bot.pages.links import LINK_MINUTES
from bot.pages.navigation import page_address
from bot.pages.previews import is_preview_fetcher
from bot.pages.rendering import plain_page
from bot.pages.security_headers import protect
from bot.pages.sessions import current_session, open_session, set_cookie
from bot.pages.state import PAGES
from bot.store import page_access

PREVIEW = (
    "This is a private link to a group's pages in Common Ground. It opens only in the browser "
    "of the person it was sent to."
)
REFUSED = (
    f"Links to the group's pages work once, for {LINK_MINUTES} minutes, and only for the person "
    "they were sent to. To get a new one, type `dashboard` in chat."
)
TOO_MANY = "Too many links were opened just now. Please wait a minute, then try again."


def refused() -> web.Response:
    return plain_page("This link can't be used", REFUSED, status=403)


async def open_link(request: web.Request) -> web.StreamResponse:
    state = request.app[PAGES]
    purpose = request.headers.get("Sec-Purpose", "") + request.headers.get("Purpose", "")
    if is_preview_fetcher(request.headers.get("User-Agent", ""), request.method, purpose):
        return plain_page("Common Ground", PREVIEW, status=200)
    token = request.match_info.get("token", "")
    if not well_formed(token):  # refused before it counts: junk can't use up others' openings
        return refused()
    if not state.limit.allow(request.remote or "unknown"):
        response = plain_page("Please wait a minute", TOO_MANY, status=429)
        response.headers["Retry-After"] = "60"
        return response
    now = state.services.clock()
    async with state.db.write() as conn:
        owner = await page_access.usable_link(conn, hashed(token, state.key), now)
        if owner is None:
            return refused()
        signed_in = await current_session(conn, request, state.key, now)
        if signed_in is not None and signed_in[1].person != owner:
            return refused()  # this browser is someone else's: their link is not for it
        used = await page_access.use_link(conn, hashed(token, state.key), now)
        if used is None:
            return refused()  # used by a request racing this one
        person, group_id = used
        if signed_in is not None:
            await page_access.end_session(conn, signed_in[0])
        cookie, _ = await open_session(conn, state.key, person, now)
    response = web.Response(status=303, headers={"Location": page_address(group_id, "")})
    set_cookie(response, cookie, secure=state.secure_cookies or request.secure)
    protect(response)
    return response
