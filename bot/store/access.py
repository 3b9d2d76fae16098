"""Access profiles: a member's needs in their own words, how they like to receive things, and
whether facilitators may see the needs (named, without a name, or not at all).

One row per membership, written only by its owner; it goes with the member (`forget-me`).
Who may read what is decided in `bot.handlers.access`, never here: this module only reads and
writes rows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.dialect import insert_or_ignore
from bot.store.schema import access_profiles, groups, members

Share = Literal["named", "anonymous", "no"]
SHARES: tuple[Share, ...] = ("named", "anonymous", "no")


@dataclass(frozen=True, slots=True)
class Profile:
    """What one member has said about their access. An empty profile is the default."""

    needs: str = ""
    plain_text: bool = False
    fewer_messages: bool = False
    earlier_reminders: bool = False
    share: Share = "no"

    @property
    def is_empty(self) -> bool:
        return self == Profile()


@dataclass(frozen=True, slots=True)
class SharedNeed:
    """A need a member agreed facilitators may see: their name only if they chose to be named."""

    needs: str
    name: str | None
    earlier_reminders: bool = False


async def get(conn: AsyncConnection, member_id: int) -> Profile:
    query = select(access_profiles).where(access_profiles.c.member_id == member_id)
    row = (await conn.execute(query)).mappings().first()
    return _profile(row) if row else Profile()


async def change(conn: AsyncConnection, member_id: int, now: datetime, **changes: Any) -> Profile:
    """Save some fields of a member's profile (making it if needed); returns the whole profile."""
    new = replace(await get(conn, member_id), **changes)
    values = {
        "needs": new.needs,
        "plain_text": new.plain_text,
        "fewer_messages": new.fewer_messages,
        "earlier_reminders": new.earlier_reminders,
        "share": new.share,
        "updated_at": now,
    }
    added = await conn.execute(
        insert_or_ignore(conn, access_profiles).values(member_id=member_id, **values)
    )
    if added.rowcount != 1:
        await conn.execute(
            update(access_profiles).where(access_profiles.c.member_id == member_id).values(values)
        )
    return new


async def clear(conn: AsyncConnection, member_id: int) -> bool:
    """Remove the member's profile; False when there was none."""
    gone = await conn.execute(
        delete(access_profiles).where(access_profiles.c.member_id == member_id)
    )
    return gone.rowcount > 0


async def shared_in(conn: AsyncConnection, member_ids: list[int]) -> list[SharedNeed]:
    """The needs these members agreed to share, named or not as each chose, in a stable order
    (by name for the named, then the unnamed alphabetically by their words, never by who wrote
    them or when)."""
    if not member_ids:
        return []
    query = (
        select(
            access_profiles.c.needs,
            access_profiles.c.share,
            access_profiles.c.earlier_reminders,
            members.c.display_name,
        )
        .join(members, members.c.id == access_profiles.c.member_id)
        .where(
            access_profiles.c.member_id.in_(member_ids),
            access_profiles.c.share.in_(("named", "anonymous")),
            or_(access_profiles.c.needs != "", access_profiles.c.earlier_reminders.is_(True)),
        )
    )
    rows = (await conn.execute(query)).mappings().all()
    found = [
        SharedNeed(
            row["needs"],
            row["display_name"] if row["share"] == "named" else None,
            row["earlier_reminders"],
        )
        for row in rows
    ]
    return sorted(found, key=lambda n: (n.name is None, n.name or "", n.needs))


async def wanting_fewer_messages(conn: AsyncConnection, member_ids: list[int]) -> set[int]:
    """Which of these members asked for fewer messages."""
    if not member_ids:
        return set()
    query = select(access_profiles.c.member_id).where(
        access_profiles.c.member_id.in_(member_ids), access_profiles.c.fewer_messages.is_(True)
    )
    return {row[0] for row in (await conn.execute(query)).all()}


async def earlier_reminder_members(conn: AsyncConnection, group_id: int) -> set[int]:
    """The ids of the group's members who asked for earlier reminders."""
    query = (
        select(access_profiles.c.member_id)
        .join(members, members.c.id == access_profiles.c.member_id)
        .where(members.c.group_id == group_id, access_profiles.c.earlier_reminders.is_(True))
    )
    return set((await conn.execute(query)).scalars())


async def plain_text_readers(
    conn: AsyncConnection, people: set[tuple[str, str, str]]
) -> set[tuple[str, str, str]]:
    """Which of these people (platform, workspace, user id) asked for plain text in any group:
    it is about how they read, so it follows them to every group on that workspace."""
    if not people:
        return set()
    query = (
        select(groups.c.platform, groups.c.workspace, members.c.user_id)
        .select_from(
            access_profiles.join(members, members.c.id == access_profiles.c.member_id).join(
                groups, groups.c.id == members.c.group_id
            )
        )
        .where(
            access_profiles.c.plain_text.is_(True),
            members.c.user_id.in_(sorted({user for _, _, user in people})),
        )
    )
    found = {(row[0], row[1], row[2]) for row in (await conn.execute(query)).all()}
    return found & people


def _profile(row: Any) -> Profile:
    return Profile(
        needs=row["needs"],
        plain_text=row["plain_text"],
        fewer_messages=row["fewer_messages"],
        earlier_reminders=row["earlier_reminders"],
        share=row["share"],
    )
