"""Queries about decisions: what a group decided, numbered per group, and who wrote it down.

A decision is the group's record, not anyone's private data: who recorded it is shown, and
`forget_member` removes only that link when the person is erased.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import RowMapping

from bot.store.database import Connection
from bot.store.schema import decisions, groups, members


@dataclass(frozen=True, slots=True)
class Decision:
    id: int
    group_id: int
    meeting_id: int | None
    number: int
    text: str
    recorded_by: int | None
    recorded_at: datetime
    recorder_name: str | None = None
    """The recorder's display name (already made safe), or None once they were erased."""

    @classmethod
    def from_row(cls, row: RowMapping) -> Decision:
        return cls(**{name: row[name] for name in cls.__slots__})


_WITH_NAME = select(decisions, members.c.display_name.label("recorder_name")).select_from(
    decisions.outerjoin(members, members.c.id == decisions.c.recorded_by)
)


async def create(
    conn: Connection,
    group_id: int,
    *,
    text: str,
    meeting_id: int | None,
    recorded_by: int,
    now: datetime,
) -> Decision:
    """Store a decision with the group's next number (the group's row is locked first, as for
    elephants, so two decisions recorded at once on PostgreSQL never share a number)."""
    await conn.execute(select(groups.c.id).where(groups.c.id == group_id).with_for_update())
    top = select(func.max(decisions.c.number)).where(decisions.c.group_id == group_id)
    number = int((await conn.execute(top)).scalar_one() or 0) + 1
    result = await conn.execute(
        insert(decisions)
        .values(
            group_id=group_id,
            meeting_id=meeting_id,
            number=number,
            text=text,
            recorded_by=recorded_by,
            recorded_at=now,
        )
        .returning(decisions.c.id)
    )
    found = await get(conn, int(result.scalar_one()))
    assert found is not None
    return found


async def get(conn: Connection, decision_id: int) -> Decision | None:
    row = (await conn.execute(_WITH_NAME.where(decisions.c.id == decision_id))).mappings().first()
    return Decision.from_row(row) if row else None


async def of_meeting(conn: Connection, meeting_id: int) -> list[Decision]:
    """The decisions recorded for one meeting, in order."""
    query = _WITH_NAME.where(decisions.c.meeting_id == meeting_id).order_by(decisions.c.number)
    return [Decision.from_row(row) for row in (await conn.execute(query)).mappings()]


async def of_group(conn: Connection, group_id: int) -> list[Decision]:
    query = _WITH_NAME.where(decisions.c.group_id == group_id).order_by(decisions.c.number)
    return [Decision.from_row(row) for row in (await conn.execute(query)).mappings()]


async def recorded_by(conn: Connection, member_id: int) -> list[Decision]:
    """The decisions this member wrote down (for `my-data`)."""
    query = _WITH_NAME.where(decisions.c.recorded_by == member_id).order_by(decisions.c.number)
    return [Decision.from_row(row) for row in (await conn.execute(query)).mappings()]


async def forget_member(conn: Connection, member_ids: Sequence[int]) -> int:
    """Remove these members' names from the decisions they recorded; the decisions stay."""
    if not member_ids:
        return 0
    result = await conn.execute(
        update(decisions)
        .where(decisions.c.recorded_by.in_(list(member_ids)))
        .values(recorded_by=None)
    )
    return int(result.rowcount or 0)
