"""Recognition of time: each person's preparation time and expenses, and what they chose to do
with them (claim, decline, give to a cause).

Every row names its owner, because the point is to pay the right person; so these rows are
shown only to their owner and to the group's facilitators (the handlers decide who asks). When a
person asks to be forgotten, everything about them goes except a PAID claim's amount and date,
which the organisation's accounts need: that row stays with its name taken off (`forget`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, insert, select, union, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.schema import (
    checkins,
    meetings,
    members,
    recognition_claims,
    recognition_entries,
    round_answers,
    rounds,
)

TIME, EXPENSE = "time", "expense"
CLAIM, DECLINE, DONATE = "claim", "decline", "donate"
CHOICES = (CLAIM, DECLINE, DONATE)


@dataclass(frozen=True, slots=True)
class Entry:
    """Preparation time or an expense one person recorded."""

    id: int
    group_id: int
    member_id: int
    kind: str
    minutes: int | None
    pence: int | None
    note: str
    added_at: datetime
    claim_id: int | None

    @classmethod
    def from_row(cls, row: RowMapping) -> Entry:
        return cls(**{name: row[name] for name in cls.__slots__})


@dataclass(frozen=True, slots=True)
class Claim:
    """One person's choice for what they had recorded; `member_id` is None once forgotten."""

    id: int
    group_id: int
    member_id: int | None
    number: int
    choice: str
    meetings: int
    minutes: int
    pence: int
    made_at: datetime
    paid_at: datetime | None

    @classmethod
    def from_row(cls, row: RowMapping) -> Claim:
        return cls(**{name: row[name] for name in cls.__slots__})


async def add_entry(
    conn: AsyncConnection,
    group_id: int,
    member_id: int,
    *,
    kind: str,
    minutes: int | None,
    pence: int | None,
    note: str,
    now: datetime,
) -> None:
    await conn.execute(
        insert(recognition_entries).values(
            group_id=group_id,
            member_id=member_id,
            kind=kind,
            minutes=minutes,
            pence=pence,
            note=note,
            added_at=now,
        )
    )


async def open_entries(conn: AsyncConnection, member_id: int, kind: str = "") -> list[Entry]:
    """The member's entries not yet claimed, declined or given, oldest first (their numbers)."""
    query = select(recognition_entries).where(
        recognition_entries.c.member_id == member_id, recognition_entries.c.claim_id.is_(None)
    )
    if kind:
        query = query.where(recognition_entries.c.kind == kind)
    rows = (await conn.execute(query.order_by(recognition_entries.c.id))).mappings()
    return [Entry.from_row(row) for row in rows]


async def all_entries(conn: AsyncConnection, member_id: int) -> list[Entry]:
    query = select(recognition_entries).where(recognition_entries.c.member_id == member_id)
    rows = (await conn.execute(query.order_by(recognition_entries.c.id))).mappings()
    return [Entry.from_row(row) for row in rows]


async def remove_entry(conn: AsyncConnection, entry_id: int) -> None:
    await conn.execute(delete(recognition_entries).where(recognition_entries.c.id == entry_id))


async def choices_of(conn: AsyncConnection, member_id: int) -> list[Claim]:
    """Every choice the member made, oldest first."""
    query = select(recognition_claims).where(recognition_claims.c.member_id == member_id)
    rows = (await conn.execute(query.order_by(recognition_claims.c.id))).mappings()
    return [Claim.from_row(row) for row in rows]


async def meetings_since(
    conn: AsyncConnection, group_id: int, member_id: int, since: datetime | None
) -> int:
    """Meetings the member took part in (checked in, passing included, or answered a round)
    after `since`: what the bot already knows, nothing tracked anew."""
    checked_in = (
        select(checkins.c.meeting_id.label("meeting_id"))
        .join(meetings, meetings.c.id == checkins.c.meeting_id)
        .where(checkins.c.member_id == member_id, meetings.c.group_id == group_id)
    )
    answered = (
        select(rounds.c.meeting_id.label("meeting_id"))
        .join(round_answers, round_answers.c.round_id == rounds.c.id)
        .where(
            round_answers.c.member_id == member_id,
            rounds.c.group_id == group_id,
            rounds.c.meeting_id.is_not(None),
        )
    )
    if since is not None:
        checked_in = checked_in.where(checkins.c.answered_at > since)
        answered = answered.where(round_answers.c.answered_at > since)
    both = union(checked_in, answered).subquery()
    return int((await conn.execute(select(func.count()).select_from(both))).scalar_one())


async def choose(
    conn: AsyncConnection,
    group_id: int,
    member_id: int,
    *,
    choice: str,
    meetings_taken_part: int,
    now: datetime,
) -> Claim:
    """Record the member's choice for everything open, and attach those entries to it."""
    entries = await open_entries(conn, member_id)
    highest = select(func.max(recognition_claims.c.number)).where(
        recognition_claims.c.group_id == group_id
    )
    number = int((await conn.execute(highest)).scalar_one() or 0) + 1
    result = await conn.execute(
        insert(recognition_claims)
        .values(
            group_id=group_id,
            member_id=member_id,
            number=number,
            choice=choice,
            meetings=meetings_taken_part,
            minutes=sum(e.minutes or 0 for e in entries),
            pence=sum(e.pence or 0 for e in entries),
            made_at=now,
        )
        .returning(recognition_claims.c.id)
    )
    claim_id = int(result.scalar_one())
    if entries:
        await conn.execute(
            update(recognition_entries)
            .where(recognition_entries.c.id.in_([e.id for e in entries]))
            .values(claim_id=claim_id)
        )
    found = await claim_by_number(conn, group_id, number)
    assert found is not None
    return found


async def claim_by_number(conn: AsyncConnection, group_id: int, number: int) -> Claim | None:
    query = select(recognition_claims).where(
        recognition_claims.c.group_id == group_id, recognition_claims.c.number == number
    )
    row = (await conn.execute(query)).mappings().first()
    return Claim.from_row(row) if row else None


async def claims_for_facilitators(
    conn: AsyncConnection,
    group_id: int,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    every: bool = False,
) -> list[tuple[Claim, str | None]]:
    """Claims and gifts to a cause (never declines), each with its owner's name (None once
    forgotten): unpaid ones when no period is given, else all made in [start, end); with
    `every`, all of them."""
    query = (
        select(recognition_claims, members.c.display_name)
        .outerjoin(members, members.c.id == recognition_claims.c.member_id)
        .where(
            recognition_claims.c.group_id == group_id,
            recognition_claims.c.choice.in_((CLAIM, DONATE)),
        )
        .order_by(recognition_claims.c.number)
    )
    if every:
        pass
    elif start is None or end is None:
        query = query.where(recognition_claims.c.paid_at.is_(None))
    else:
        query = query.where(
            recognition_claims.c.made_at >= start, recognition_claims.c.made_at < end
        )
    rows = (await conn.execute(query)).mappings()
    return [(Claim.from_row(row), row["display_name"]) for row in rows]


async def change_choice(conn: AsyncConnection, claim_id: int, choice: str) -> None:
    """The owner changes an unpaid choice (claim, decline or give); a paid one stays as it is."""
    await conn.execute(
        update(recognition_claims)
        .where(recognition_claims.c.id == claim_id, recognition_claims.c.paid_at.is_(None))
        .values(choice=choice)
    )


async def mark_paid(conn: AsyncConnection, claim_id: int, now: datetime) -> None:
    await conn.execute(
        update(recognition_claims).where(recognition_claims.c.id == claim_id).values(paid_at=now)
    )


async def forget(conn: AsyncConnection, member_id: int) -> None:
    """Erase the member's entries and choices, except that a paid claim keeps its amount and
    date, without the name, for the organisation's accounts."""
    await conn.execute(
        delete(recognition_entries).where(recognition_entries.c.member_id == member_id)
    )
    await conn.execute(
        delete(recognition_claims).where(
            recognition_claims.c.member_id == member_id, recognition_claims.c.paid_at.is_(None)
        )
    )
    await conn.execute(
        update(recognition_claims)
        .where(recognition_claims.c.member_id == member_id)
        .values(member_id=None)
    )
