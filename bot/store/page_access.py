"""Single-use links to the group's pages and the sessions they open (`schema.page_links`,
`schema.page_sessions`).

Only keyed hashes of the secrets are stored (`bot.pages.secrets_of_links` makes and hashes them),
so a copy of the database opens nothing. A link is used up in one conditional UPDATE, so two
requests racing with the same link cannot both get a session. The person's identity (platform,
workspace, user id) is what a session holds: their membership and role are read afresh on every
request, never kept here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select, update

from bot.identity import Who
from bot.store.database import Connection
from bot.store.schema import page_links, page_sessions


@dataclass(frozen=True, slots=True)
class Person:
    """Whom a link or a session belongs to."""

    platform: str
    workspace: str
    user_id: str


@dataclass(frozen=True, slots=True)
class Session:
    person: Person
    csrf_token: str
    expires_at: datetime


async def add_link(
    conn: Connection, token_hash: str, group_id: int, who: Who, expires_at: datetime
) -> None:
    await conn.execute(
        insert(page_links).values(
            token_hash=token_hash,
            group_id=group_id,
            platform=who.platform,
            workspace=who.workspace,
            user_id=who.user_id,
            expires_at=expires_at,
        )
    )


async def use_link(conn: Connection, token_hash: str, now: datetime) -> tuple[Person, int] | None:
    """Use up an unused, unexpired link: its person and group, or None (unknown, used, expired)."""
    used = await conn.execute(
        update(page_links)
        .where(
            page_links.c.token_hash == token_hash,
            page_links.c.used_at.is_(None),
            page_links.c.expires_at > now,
        )
        .values(used_at=now)
        .returning(
            page_links.c.platform,
            page_links.c.workspace,
            page_links.c.user_id,
            page_links.c.group_id,
        )
    )
    row = used.first()
    if row is None:
        return None
    return Person(row.platform, row.workspace, row.user_id), int(row.group_id)


async def usable_link(conn: Connection, token_hash: str, now: datetime) -> Person | None:
    """Whose link this is, if it could still be used (reads only: nothing is used up)."""
    query = select(page_links.c.platform, page_links.c.workspace, page_links.c.user_id).where(
        page_links.c.token_hash == token_hash,
        page_links.c.used_at.is_(None),
        page_links.c.expires_at > now,
    )
    row = (await conn.execute(query)).first()
    return Person(row.platform, row.workspace, row.user_id) if row is not None else None


async def add_session(
    conn: Connection, session_hash: str, person: Person, csrf_token: str, expires_at: datetime
) -> None:
    await conn.execute(
        insert(page_sessions).values(
            session_hash=session_hash,
            platform=person.platform,
            workspace=person.workspace,
            user_id=person.user_id,
            csrf_token=csrf_token,
            expires_at=expires_at,
        )
    )


async def session(conn: Connection, session_hash: str, now: datetime) -> Session | None:
    query = select(page_sessions).where(
        page_sessions.c.session_hash == session_hash, page_sessions.c.expires_at > now
    )
    row = (await conn.execute(query)).mappings().first()
    if row is None:
        return None
    person = Person(row["platform"], row["workspace"], row["user_id"])
    return Session(person, row["csrf_token"], row["expires_at"])


async def end_session(conn: Connection, session_hash: str) -> None:
    await conn.execute(delete(page_sessions).where(page_sessions.c.session_hash == session_hash))


async def forget_person(conn: Connection, platform: str, workspace: str, user_id: str) -> int:
    """Delete every link and session of this person (on `forget-me`); returns how many."""
    gone = 0
    for table in (page_links, page_sessions):
        result = await conn.execute(
            delete(table).where(
                table.c.platform == platform,
                table.c.workspace == workspace,
                table.c.user_id == user_id,
            )
        )
        gone += result.rowcount or 0
    return gone


async def delete_expired(conn: Connection, now: datetime) -> int:
    """Delete links and sessions past their expiry (retention); returns how many."""
    gone = 0
    for table in (page_links, page_sessions):
        result = await conn.execute(delete(table).where(table.c.expires_at <= now))
        gone += result.rowcount or 0
    return gone


async def open_sessions(conn: Connection, person: Person, now: datetime) -> list[datetime]:
    """When each of this person's open visits ends, soonest first (for `my-data`)."""
    query = (
        select(page_sessions.c.expires_at)
        .where(
            page_sessions.c.platform == person.platform,
            page_sessions.c.workspace == person.workspace,
            page_sessions.c.user_id == person.user_id,
            page_sessions.c.expires_at > now,
        )
        .order_by(page_sessions.c.expires_at)
    )
    return [row.expires_at for row in await conn.execute(query)]
