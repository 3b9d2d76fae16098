"""Queries about actions: who will do what, by when, whether they said yes, and whether it's done.

An action is numbered per group. Its owner is a member (or nobody: "unassigned", after a "not me"
or when the owner was erased); `accepted_at` says the owner agreed. Every change of state is a
conditional update on the state it expects, so two people pressing at once cannot both win; and
the reminder is claimed the same way (`claim_reminder`), so two clocks never send it twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, insert, or_, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import aliased

from bot.store.database import Connection
from bot.store.schema import actions, groups, members

OPEN, DONE, DROPPED = "open", "done", "dropped"

_owner = aliased(members)
_recorder = aliased(members)


@dataclass(frozen=True, slots=True)
class Action:
    id: int
    group_id: int
    meeting_id: int | None
    number: int
    text: str
    owner_id: int | None
    recorded_by: int | None
    recorded_at: datetime
    due_on: date | None
    status: str
    accepted_at: datetime | None
    asked_at: datetime | None
    done_at: datetime | None
    done_note: str | None
    reminded_at: datetime | None
    owner_name: str | None = None
    """The owner's display name (already made safe), None when unassigned."""
    owner_user_id: str | None = None
    recorder_name: str | None = None
    recorder_user_id: str | None = None

    @classmethod
    def from_row(cls, row: RowMapping) -> Action:
        return cls(**{name: row[name] for name in cls.__slots__})

    @property
    def is_open(self) -> bool:
        return self.status == OPEN

    @property
    def waiting_for_owner(self) -> bool:
        """Someone was asked and has not said yes yet."""
        return self.owner_id is not None and self.accepted_at is None


_WITH_PEOPLE = select(
    actions,
    _owner.c.display_name.label("owner_name"),
    _owner.c.user_id.label("owner_user_id"),
    _recorder.c.display_name.label("recorder_name"),
    _recorder.c.user_id.label("recorder_user_id"),
).select_from(
    actions.outerjoin(_owner, _owner.c.id == actions.c.owner_id).outerjoin(
        _recorder, _recorder.c.id == actions.c.recorded_by
    )
)


async def _all(conn: Connection, query: Select[Any]) -> list[Action]:
    return [Action.from_row(row) for row in (await conn.execute(query)).mappings()]


async def create(
    conn: Connection,
    group_id: int,
    *,
    text: str,
    owner_id: int,
    recorded_by: int,
    due_on: date | None,
    meeting_id: int | None,
    now: datetime,
    asked: bool = True,
) -> Action:
    """Store an action with the group's next number. Recorded by its owner, it is accepted at
    once (nobody needs to ask themselves); otherwise `asked` says the owner is being asked now
    (False: the question waits for quiet hours to end). The group's row is locked first for the
    number."""
    await conn.execute(select(groups.c.id).where(groups.c.id == group_id).with_for_update())
    top = select(func.max(actions.c.number)).where(actions.c.group_id == group_id)
    number = int((await conn.execute(top)).scalar_one() or 0) + 1
    result = await conn.execute(
        insert(actions)
        .values(
            group_id=group_id,
            meeting_id=meeting_id,
            number=number,
            text=text,
            owner_id=owner_id,
            recorded_by=recorded_by,
            recorded_at=now,
            due_on=due_on,
            status=OPEN,
            accepted_at=now if owner_id == recorded_by else None,
            asked_at=now if asked or owner_id == recorded_by else None,
        )
        .returning(actions.c.id)
    )
    found = await get(conn, int(result.scalar_one()))
    assert found is not None
    return found


async def get(conn: Connection, action_id: int) -> Action | None:
    found = await _all(conn, _WITH_PEOPLE.where(actions.c.id == action_id))
    return found[0] if found else None


async def by_number(conn: Connection, group_id: int, number: int) -> Action | None:
    query = _WITH_PEOPLE.where(actions.c.group_id == group_id, actions.c.number == number)
    found = await _all(conn, query)
    return found[0] if found else None


async def open_of_group(conn: Connection, group_id: int) -> list[Action]:
    """Open actions, those with a due day first (soonest first), then by number."""
    query = _WITH_PEOPLE.where(actions.c.group_id == group_id, actions.c.status == OPEN).order_by(
        actions.c.due_on.is_(None), actions.c.due_on, actions.c.number
    )
    return await _all(conn, query)


async def done_since(conn: Connection, group_id: int, since: datetime) -> list[Action]:
    """Actions marked done at or after `since`, in the order they were done."""
    query = _WITH_PEOPLE.where(
        actions.c.group_id == group_id, actions.c.status == DONE, actions.c.done_at >= since
    ).order_by(actions.c.done_at, actions.c.number)
    return await _all(conn, query)


async def done_between(
    conn: Connection, group_id: int, since: datetime, until: datetime
) -> list[Action]:
    """Actions marked done in [since, until), for one meeting's summary."""
    query = _WITH_PEOPLE.where(
        actions.c.group_id == group_id,
        actions.c.status == DONE,
        actions.c.done_at >= since,
        actions.c.done_at < until,
    ).order_by(actions.c.done_at, actions.c.number)
    return await _all(conn, query)


async def of_meeting(conn: Connection, meeting_id: int) -> list[Action]:
    """The actions recorded for one meeting, by number."""
    query = _WITH_PEOPLE.where(actions.c.meeting_id == meeting_id).order_by(actions.c.number)
    return await _all(conn, query)


async def of_group(conn: Connection, group_id: int) -> list[Action]:
    query = _WITH_PEOPLE.where(actions.c.group_id == group_id).order_by(actions.c.number)
    return await _all(conn, query)


async def of_member(conn: Connection, member_id: int) -> list[Action]:
    """Actions this member owns or recorded (for `my-data`)."""
    query = _WITH_PEOPLE.where(
        or_(actions.c.owner_id == member_id, actions.c.recorded_by == member_id)
    ).order_by(actions.c.number)
    return await _all(conn, query)


async def accept(conn: Connection, action_id: int, owner_id: int, now: datetime) -> bool:
    """The owner says yes. False when it is no longer theirs to accept, or already accepted."""
    result = await conn.execute(
        update(actions)
        .where(
            actions.c.id == action_id,
            actions.c.status == OPEN,
            actions.c.owner_id == owner_id,
            actions.c.accepted_at.is_(None),
        )
        .values(accepted_at=now)
    )
    return result.rowcount == 1


async def decline(conn: Connection, action_id: int, owner_id: int) -> bool:
    """The owner says "not me": the action stays open, unassigned. The reason is not stored."""
    result = await conn.execute(
        update(actions)
        .where(actions.c.id == action_id, actions.c.status == OPEN, actions.c.owner_id == owner_id)
        .values(owner_id=None, accepted_at=None, reminded_at=None)
    )
    return result.rowcount == 1


async def assign(
    conn: Connection,
    action_id: int,
    owner_id: int,
    *,
    accepted: datetime | None,
    asked: datetime | None,
) -> bool:
    """Give an open action to someone (asked again unless `accepted`; `asked` None holds the
    question over quiet hours); its reminder is re-armed."""
    result = await conn.execute(
        update(actions)
        .where(actions.c.id == action_id, actions.c.status == OPEN)
        .values(owner_id=owner_id, accepted_at=accepted, asked_at=asked, reminded_at=None)
    )
    return result.rowcount == 1


async def mark_done(conn: Connection, action_id: int, note: str | None, now: datetime) -> bool:
    result = await conn.execute(
        update(actions)
        .where(actions.c.id == action_id, actions.c.status == OPEN)
        .values(status=DONE, done_at=now, done_note=note)
    )
    return result.rowcount == 1


async def drop(conn: Connection, action_id: int, now: datetime) -> bool:
    result = await conn.execute(
        update(actions)
        .where(actions.c.id == action_id, actions.c.status == OPEN)
        .values(status=DROPPED, done_at=now)
    )
    return result.rowcount == 1


async def reminder_candidates(conn: Connection, due_by: date) -> list[Action]:
    """Open actions of any group, with an owner and a due day on or before `due_by`, whose
    reminder has not been claimed: the sweep decides, per group's time zone, which are due."""
    query = _WITH_PEOPLE.where(
        actions.c.status == OPEN,
        actions.c.reminded_at.is_(None),
        actions.c.due_on.is_not(None),
        actions.c.due_on <= due_by,
        actions.c.owner_id.is_not(None),
    ).order_by(actions.c.id)
    return await _all(conn, query)


async def questions_waiting(conn: Connection) -> list[Action]:
    """Open actions of any group whose owner's question was held over quiet hours."""
    query = _WITH_PEOPLE.where(
        actions.c.status == OPEN,
        actions.c.asked_at.is_(None),
        actions.c.owner_id.is_not(None),
        actions.c.accepted_at.is_(None),
    ).order_by(actions.c.id)
    return await _all(conn, query)


async def claim_question(conn: Connection, action_id: int, now: datetime) -> bool:
    """Claim a held question. True only for the first caller, so the owner is asked once."""
    result = await conn.execute(
        update(actions)
        .where(actions.c.id == action_id, actions.c.asked_at.is_(None))
        .values(asked_at=now)
    )
    return result.rowcount == 1


async def claim_reminder(conn: Connection, action_id: int, now: datetime) -> bool:
    """Claim the action's reminder. True only for the first caller, so it is sent once."""
    result = await conn.execute(
        update(actions)
        .where(actions.c.id == action_id, actions.c.reminded_at.is_(None))
        .values(reminded_at=now)
    )
    return result.rowcount == 1


async def wind_on(conn: Connection, action_id: int, *, due_on: date, asked_at: datetime) -> None:
    """Move an action's due day and the moment its owner was asked (the demo's way of letting
    days pass in seconds, as `meetings.set_times` does for meetings)."""
    await conn.execute(
        update(actions).where(actions.c.id == action_id).values(due_on=due_on, asked_at=asked_at)
    )


async def forget_member(conn: Connection, member_ids: Sequence[int]) -> int:
    """Remove these members from actions: those they owned become unassigned, and the ones they
    recorded lose the recorder's name. The actions themselves stay, as the group's record."""
    if not member_ids:
        return 0
    ids = list(member_ids)
    owned = await conn.execute(
        update(actions).where(actions.c.owner_id.in_(ids)).values(owner_id=None, accepted_at=None)
    )
    recorded = await conn.execute(
        update(actions).where(actions.c.recorded_by.in_(ids)).values(recorded_by=None)
    )
    return int(owned.rowcount or 0) + int(recorded.rowcount or 0)
