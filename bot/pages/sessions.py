"""Who is asking: the session cookie a link opened, checked on every request against the
person's membership of the group the address names, and their role.

A session belongs to a person, not to a membership: it shows only the groups they are in at the
moment of asking, so leaving a group (or `forget-me`) ends its pages at once, and stepping down
as facilitator ends the facilitators' pages at once. Another group's address, or one the person
is not in, is a plain 404, the same as an address that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from aiohttp import web

from bot.pages.link_secrets import hashed, new_secret, well_formed
from bot.store import groups, members, page_access
from bot.store.database import Connection
from bot.store.groups import Group
from bot.store.members import Member
from bot.store.page_access import Person, Session

COOKIE = "cg_pages"
SESSION_HOURS = 12


class PageRefused(Exception):
    """A request that gets a plain page and nothing of any group."""

    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(title)
        self.status, self.title, self.message = status, title, message


NO_SESSION = PageRefused(
    401,
    "Please open a new link",
    "Your visit has ended, or this browser has not opened a link yet. To see your group's "
    "pages, type `dashboard` in chat and open the link I send you.",
)
NOT_FOUND = PageRefused(404, "Not found", "There is no page here.")
FACILITATORS_ONLY = PageRefused(
    403, "For facilitators", "This page is for the group's facilitators."
)


@dataclass(frozen=True, slots=True)
class Visitor:
    """A person with a live session, and their membership of the group the address names."""

    session_hash: str
    session: Session
    group: Group
    member: Member
    groups: list[tuple[int, str]]


async def open_session(
    conn: Connection, key: bytes, person: Person, now: datetime
) -> tuple[str, datetime]:
    """A new session for `person`: the cookie's value (kept nowhere) and when it ends."""
    token = new_secret()
    expires = now + timedelta(hours=SESSION_HOURS)
    await page_access.add_session(conn, hashed(token, key), person, new_secret(), expires)
    return token, expires


def set_cookie(response: web.StreamResponse, token: str, *, secure: bool) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=SESSION_HOURS * 3600,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=secure,
    )


def clear_cookie(response: web.StreamResponse) -> None:
    response.del_cookie(COOKIE, path="/")


def cookie_hash(request: web.Request, key: bytes) -> str | None:
    token = request.cookies.get(COOKIE, "")
    return hashed(token, key) if well_formed(token) else None


async def current_session(
    conn: Connection, request: web.Request, key: bytes, now: datetime
) -> tuple[str, Session] | None:
    found = cookie_hash(request, key)
    if found is None:
        return None
    live = await page_access.session(conn, found, now)
    return (found, live) if live is not None else None


async def visitor(
    conn: Connection,
    request: web.Request,
    key: bytes,
    now: datetime,
    group_id: int,
    *,
    facilitators: bool = False,
) -> Visitor:
    """The person asking and their membership of `group_id`, or `PageRefused`."""
    found = await current_session(conn, request, key, now)
    if found is None:
        raise NO_SESSION
    session_hash, session = found
    person = session.person
    group = await groups.get(conn, group_id)
    if group is None or (group.platform, group.workspace) != (person.platform, person.workspace):
        raise NOT_FOUND
    member = await members.get(conn, group_id, person.user_id)
    if member is None:
        raise NOT_FOUND
    if facilitators and not member.is_facilitator:
        raise FACILITATORS_ONLY
    theirs = await members.groups_of_user(conn, person.platform, person.workspace, person.user_id)
    return Visitor(session_hash, session, group, member, theirs)
