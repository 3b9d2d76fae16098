"""Queries about check-in answers: one per member per meeting, and the counts the card shows.

A pass is stored as an answer (`passed` true, no mood) because passing is an answer: it counts as
checked in everywhere. Words carry the visibility their author chose, and every reader of words
asks for exactly the visibility it may show (`words_for`), so nobody's "nobody" words leak into a
summary by a forgotten filter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import and_, bindparam, func, insert, select, update
from sqlalchemy.engine import Row, RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.dialect import insert_or_ignore
from bot.store.meetings import Meeting
from bot.store.schema import checkins, meetings, members, prompt_uses

Visibility = Literal["group", "facilitators", "nobody"]
VISIBILITIES: tuple[Visibility, ...] = ("group", "facilitators", "nobody")


@dataclass(frozen=True, slots=True)
class Checkin:
    """One member's check-in for one meeting."""

    id: int
    meeting_id: int
    member_id: int
    mood: int | None
    passed: bool
    words: str | None
    visibility: str
    answered_at: datetime

    @classmethod
    def from_row(cls, row: RowMapping) -> Checkin:
        return cls(**{name: row[name] for name in cls.__slots__})


async def get(conn: AsyncConnection, meeting_id: int, member_id: int) -> Checkin | None:
    query = select(checkins).where(
        checkins.c.meeting_id == meeting_id, checkins.c.member_id == member_id
    )
    row = (await conn.execute(query)).mappings().first()
    return Checkin.from_row(row) if row else None


@dataclass(frozen=True, slots=True)
class Answering:
    """What answering a meeting's check-in needs, read in one statement (a whole group answers
    within a minute or two, so every statement counts): the meeting, the member's answer so far,
    and the two counts the channel card shows."""

    meeting: Meeting
    earlier: Checkin | None
    answered: int
    """How many had checked in before this answer."""
    members: int

    def answered_after(self, *, replaced: bool) -> int:
        """The count once this answer is stored: one more, unless it replaced an earlier one."""
        return self.answered if replaced else self.answered + 1


_COUNTED = checkins.alias("counted")  # every answer of the meeting, not the joined one
_ANSWERING = (
    select(
        meetings,
        *(column.label(f"answer_{column.name}") for column in checkins.c),
        select(func.count())
        .where(_COUNTED.c.meeting_id == meetings.c.id)
        .scalar_subquery()
        .label("answered_count"),
        select(func.count())
        .where(members.c.group_id == meetings.c.group_id)
        .scalar_subquery()
        .label("member_count"),
    )
    .select_from(
        meetings.outerjoin(
            checkins,
            and_(
                checkins.c.meeting_id == meetings.c.id,
                checkins.c.member_id == bindparam("member_id"),
            ),
        )
    )
    .where(meetings.c.id == bindparam("meeting_id"))
)
"""Built once: a whole group answers within a minute or two, and building the statement again
for each answer costs as much as running it."""


async def answering(conn: AsyncConnection, meeting_id: int, member_id: int) -> Answering | None:
    """The meeting (None if there is no such meeting) with this member's answer and the counts.

    Read inside the answer's own write transaction, so on SQLite (one writer at a time) the
    counts are exact; on PostgreSQL two answers committed at the same instant may each show the
    other's count one short, until the next answer redraws the card."""
    found = await conn.execute(_ANSWERING, {"meeting_id": meeting_id, "member_id": member_id})
    row = found.mappings().first()
    if row is None:
        return None
    earlier = None
    if row["answer_id"] is not None:
        earlier = Checkin(**{name: row[f"answer_{name}"] for name in Checkin.__slots__})
    return Answering(
        Meeting.from_row(row), earlier, int(row["answered_count"]), int(row["member_count"])
    )


async def answer(
    conn: AsyncConnection,
    meeting_id: int,
    member_id: int,
    *,
    mood: int | None,
    words: str | None,
    visibility: str,
    now: datetime,
) -> bool:
    """Store or replace a member's answer (`mood=None` means a pass). True when it was replaced."""
    values = {
        "mood": mood,
        "passed": mood is None,
        "words": words,
        "visibility": visibility,
        "answered_at": now,
    }
    # Insert first and update on conflict, so two quick presses can never make two rows.
    inserted = await conn.execute(
        insert_or_ignore(conn, checkins).values(
            meeting_id=meeting_id, member_id=member_id, **values
        )
    )
    if inserted.rowcount == 1:
        return False
    await conn.execute(
        update(checkins)
        .where(checkins.c.meeting_id == meeting_id, checkins.c.member_id == member_id)
        .values(**values)
    )
    return True


async def count(conn: AsyncConnection, meeting_id: int) -> int:
    """How many members have checked in, passes included (passing is being present)."""
    query = select(func.count()).where(checkins.c.meeting_id == meeting_id)
    return int((await conn.execute(query)).scalar_one())


async def member_count(conn: AsyncConnection, group_id: int) -> int:
    query = select(func.count()).where(members.c.group_id == group_id)
    return int((await conn.execute(query)).scalar_one())


async def moods(conn: AsyncConnection, meeting_id: int) -> dict[int, int]:
    """How many chose each mood 1–5 (passes are not moods). Show only when the total is >= k."""
    query = (
        select(checkins.c.mood, func.count())
        .where(checkins.c.meeting_id == meeting_id, checkins.c.mood.is_not(None))
        .group_by(checkins.c.mood)
    )
    found = {int(mood): int(n) for mood, n in await conn.execute(query)}
    return {mood: found.get(mood, 0) for mood in range(1, 6)}


async def words_for(
    conn: AsyncConnection,
    meeting_id: int,
    *,
    audience: Literal["group", "facilitators"],
    meant_only_for_them: bool = False,
) -> list[tuple[str, str]]:
    """(display name, words) a given audience may read: the group sees only "group" words;
    facilitators also see "facilitators" words. "nobody" words are never returned here.
    `meant_only_for_them`: only the words whose author chose exactly this audience."""
    allowed: tuple[str, ...] = ("group",) if audience == "group" else ("group", "facilitators")
    if meant_only_for_them:
        allowed = (audience,)
    query = (
        select(members.c.display_name, checkins.c.words)
        .join(members, members.c.id == checkins.c.member_id)
        .where(
            checkins.c.meeting_id == meeting_id,
            checkins.c.words.is_not(None),
            checkins.c.visibility.in_(allowed),
        )
        .order_by(checkins.c.answered_at, checkins.c.id)
    )
    return [(row.display_name, row.words) for row in await conn.execute(query)]


async def mark_sent(conn: AsyncConnection, meeting_id: int, now: datetime, question: str) -> None:
    """Record that a meeting's check-in went out, and the question it asked."""
    await conn.execute(
        update(meetings)
        .where(meetings.c.id == meeting_id)
        .values(checkin_sent_at=now, checkin_prompt=question)
    )


async def question_of(conn: AsyncConnection, meeting_id: int) -> str | None:
    query = select(meetings.c.checkin_prompt).where(meetings.c.id == meeting_id)
    value = (await conn.execute(query)).scalar_one_or_none()
    return str(value) if value else None


async def used_prompts(conn: AsyncConnection, group_id: int, kind: str) -> set[str]:
    query = select(prompt_uses.c.prompt_id).where(
        prompt_uses.c.group_id == group_id, prompt_uses.c.kind == kind
    )
    return {str(prompt_id) for prompt_id in (await conn.execute(query)).scalars()}


async def record_prompt(
    conn: AsyncConnection, group_id: int, kind: str, prompt_id: str, now: datetime, *, reset: bool
) -> None:
    """Remember a library prompt was used; `reset` forgets the earlier ones (library used up)."""
    if reset:
        await conn.execute(
            prompt_uses.delete().where(
                prompt_uses.c.group_id == group_id, prompt_uses.c.kind == kind
            )
        )
    await conn.execute(
        prompt_uses.delete().where(
            prompt_uses.c.group_id == group_id,
            prompt_uses.c.kind == kind,
            prompt_uses.c.prompt_id == prompt_id,
        )
    )
    await conn.execute(
        insert(prompt_uses).values(group_id=group_id, kind=kind, prompt_id=prompt_id, used_at=now)
    )


async def of_member(conn: AsyncConnection, member_id: int) -> list[RowMapping]:
    """Every check-in of one member, each with its meeting's start, oldest meeting first."""
    query = (
        select(checkins, meetings.c.starts_at)
        .join(meetings, meetings.c.id == checkins.c.meeting_id)
        .where(checkins.c.member_id == member_id)
        .order_by(meetings.c.starts_at, checkins.c.id)
    )
    return list((await conn.execute(query)).mappings())


async def of_meeting(conn: AsyncConnection, meeting_id: int) -> list[Row[Any]]:
    """The mood, words and visibility of each check-in of a meeting, in the order they came."""
    query = (
        select(checkins.c.mood, checkins.c.words, checkins.c.visibility)
        .where(checkins.c.meeting_id == meeting_id)
        .order_by(checkins.c.answered_at, checkins.c.id)
    )
    return list(await conn.execute(query))


@dataclass(frozen=True, slots=True)
class Arrival:
    """One member as the facilitators' live view shows them: their answer so far, if any, and
    their words only when the author let facilitators read them ("nobody" words never leave
    here)."""

    member_id: int
    name: str
    answered: bool
    mood: int | None
    passed: bool
    words: str | None
    visibility: str | None


async def arrivals(conn: AsyncConnection, meeting_id: int, group_id: int) -> list[Arrival]:
    """Every member of the group with their answer to this meeting's check-in: those who have
    answered first, in the order they came, then the others by name."""
    query = (
        select(
            members.c.id,
            members.c.display_name,
            checkins.c.id.label("answer_id"),
            checkins.c.mood,
            checkins.c.passed,
            checkins.c.words,
            checkins.c.visibility,
            checkins.c.answered_at,
        )
        .select_from(
            members.outerjoin(
                checkins,
                and_(checkins.c.member_id == members.c.id, checkins.c.meeting_id == meeting_id),
            )
        )
        .where(members.c.group_id == group_id)
    )
    rows = list(await conn.execute(query))
    answered = sorted(
        (r for r in rows if r.answer_id is not None), key=lambda r: (r.answered_at, r.answer_id)
    )
    waiting = sorted(
        (r for r in rows if r.answer_id is None), key=lambda r: (r.display_name.casefold(), r.id)
    )
    found = [
        Arrival(
            r.id,
            r.display_name,
            True,
            r.mood,
            bool(r.passed),
            r.words if r.visibility in ("group", "facilitators") else None,
            r.visibility,
        )
        for r in answered
    ]
    found.extend(Arrival(r.id, r.display_name, False, None, False, None, None) for r in waiting)
    return found
