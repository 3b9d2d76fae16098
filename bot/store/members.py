"""Queries about members: who belongs to a group, their role, and whether they are facilitators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, delete, func, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from bot import person_names
from bot.store.groups import Group
from bot.store.schema import ROLES as ROLES  # the roles a member may give (setup offers them)
from bot.store.schema import checkin_watchers, checkins, groups, members, round_answers
from bot.text_safety import neutralise


@dataclass(frozen=True, slots=True)
class Member:
    """A person's membership of one group."""

    id: int
    group_id: int
    user_id: str
    display_name: str
    role: str | None
    is_facilitator: bool
    nudges: bool
    joined_at: datetime

    @classmethod
    def from_row(cls, row: RowMapping) -> Member:
        return cls(**{name: row[name] for name in cls.__slots__})


async def get(conn: AsyncConnection, group_id: int, user_id: str) -> Member | None:
    query = select(members).where(members.c.group_id == group_id, members.c.user_id == user_id)
    row = (await conn.execute(query)).mappings().first()
    return Member.from_row(row) if row else None


_WITH_GROUP = (
    select(groups, *(column.label(f"member_{column.name}") for column in members.c))
    .select_from(
        groups.outerjoin(
            members,
            and_(members.c.group_id == groups.c.id, members.c.user_id == bindparam("user_id")),
        )
    )
    .where(groups.c.id == bindparam("group_id"))
)
"""Built once: it runs for every button pressed and form sent."""


async def with_group(
    conn: AsyncConnection, group_id: int, user_id: str
) -> tuple[Group | None, Member | None]:
    """A group and this person's membership of it, read in one statement: every button and form
    names its group, and the core needs both before the handler runs."""
    found = await conn.execute(_WITH_GROUP, {"group_id": group_id, "user_id": user_id})
    row = found.mappings().first()
    if row is None:
        return None, None
    group = Group.from_row(row)
    if row["member_id"] is None:
        return group, None
    return group, Member(**{name: row[f"member_{name}"] for name in Member.__slots__})


async def by_id(conn: AsyncConnection, member_id: int) -> Member | None:
    row = (await conn.execute(select(members).where(members.c.id == member_id))).mappings().first()
    return Member.from_row(row) if row else None


async def of_group(conn: AsyncConnection, group_id: int) -> list[Member]:
    query = select(members).where(members.c.group_id == group_id).order_by(members.c.id)
    return [Member.from_row(row) for row in (await conn.execute(query)).mappings()]


async def groups_of_user(
    conn: AsyncConnection, platform: str, workspace: str, user_id: str
) -> list[tuple[int, str]]:
    """(group id, group name) for every group this person belongs to on this workspace."""
    query = (
        select(groups.c.id, groups.c.name)
        .join(members, members.c.group_id == groups.c.id)
        .where(
            groups.c.platform == platform,
            groups.c.workspace == workspace,
            members.c.user_id == user_id,
        )
        .order_by(groups.c.name, groups.c.id)
    )
    return [(row.id, row.name) for row in await conn.execute(query)]


async def add(
    conn: AsyncConnection,
    group_id: int,
    user_id: str,
    display_name: str,
    *,
    now: datetime,
    is_facilitator: bool = False,
    role: str | None = None,
) -> Member:
    await conn.execute(
        insert(members).values(
            group_id=group_id,
            user_id=user_id,
            # Names come from the platform and are only ever shown: store them already unable to
            # ping anyone or carry markup, so no display site can forget (neutralise is idempotent).
            display_name=neutralise(display_name)[:200],
            role=role,
            is_facilitator=is_facilitator,
            nudges=True,
            joined_at=now,
        )
    )
    member = await get(conn, group_id, user_id)
    assert member is not None
    return member


async def change(conn: AsyncConnection, member_id: int, **values: object) -> Member:
    if isinstance(values.get("display_name"), str):
        values["display_name"] = neutralise(str(values["display_name"]))[:200]
    await conn.execute(update(members).where(members.c.id == member_id).values(**values))
    member = await by_id(conn, member_id)
    assert member is not None
    return member


async def facilitator_count(conn: AsyncConnection, group_id: int) -> int:
    query = select(func.count()).where(
        members.c.group_id == group_id, members.c.is_facilitator.is_(True)
    )
    return int((await conn.execute(query)).scalar_one())


async def find_by_mention(conn: AsyncConnection, group_id: int, token: str) -> list[Member]:
    """Members matching a mention: `<@ID>` by id, otherwise by name, compared without accents or
    case (`sian` finds Siân, see `bot.person_names`): everyone whose whole name matches, or,
    when nobody's does, everyone whose first name does. More than one: the caller asks which."""
    if token.startswith("<@") and token.endswith(">"):
        found = await get(conn, group_id, token[2:-1])
        return [found] if found else []
    # Names are stored made safe (`neutralise`): compare what was typed made safe the same way.
    typed = neutralise(token.strip().lstrip("@"))
    everyone = await of_group(conn, group_id)
    return [everyone[at] for at in person_names.matching(typed, [m.display_name for m in everyone])]


async def delete_with_answers(conn: AsyncConnection, member_id: int) -> None:
    """Delete every row that names the member: their check-ins, round answers and membership.

    Each table is cleared explicitly rather than trusting cascades, so the erasure is complete on
    any database whatever its foreign-key settings. The caller's transaction makes it all or
    nothing.
    """
    await conn.execute(delete(checkins).where(checkins.c.member_id == member_id))
    await conn.execute(delete(checkin_watchers).where(checkin_watchers.c.member_id == member_id))
    await conn.execute(delete(round_answers).where(round_answers.c.member_id == member_id))
    await conn.execute(delete(members).where(members.c.id == member_id))
