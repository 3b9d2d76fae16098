"""What the meeting summary and the nudges read: one meeting's check-ins, elephants and rounds.

Every query is narrowed by a meeting id, a group id with an indexed status, or a short time window,
so the cost of a summary follows the meeting and never the group's history (a group meeting
weekly for five years must summarise as fast as in its first week).

Nothing here returns who wrote an anonymous thing; there is nothing to return. Check-in words come
back without names (the summary keeps them unattributed), and only "group" words are read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Column, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store import verdicts
from bot.store.meetings import ENDED, Meeting
from bot.store.schema import (
    checkins,
    elephants,
    meetings,
    members,
    perspectives,
    reflections,
    round_answers,
    rounds,
)

SHARE, PASS = "share", "pass"


@dataclass(frozen=True, slots=True)
class CheckinTally:
    """How a meeting's check-in went. `present` counts passes: passing is being there."""

    present: int
    passed: int
    moods: dict[int, int]
    group_words: tuple[str, ...]
    mood_order: tuple[int, ...] = ()
    """Every mood given, in the order the check-ins came (for the crowd rule's fixed order)."""

    @property
    def mood_answers(self) -> int:
        return sum(self.moods.values())


@dataclass(frozen=True, slots=True)
class ElephantItem:
    """An elephant as the summary may show it (never a hidden one, never an unposted one)."""

    id: int
    number: int
    size: str
    text: str
    status: str
    outcome: str | None
    revealed: bool
    perspectives: int
    marks: int
    feels_state: str | None = None
    """When the group was asked "does this feel addressed?": the latest asking's state, and
    `feels_shown`, its figures as the sweep last released them (`bot.store.verdicts`)."""
    feels_shown: str = ""


@dataclass(frozen=True, slots=True)
class RoundAnswerRow:
    """One answer, reduced to what the reciprocity ledger needs."""

    round_id: int
    member_id: int
    role: str | None
    kind: str
    after_reveal: bool = False
    """Given once the round's answers were shown, having seen everyone else's."""


@dataclass(frozen=True, slots=True)
class RoundInfo:
    id: int
    meeting_id: int | None
    opened_at: datetime
    closed_at: datetime | None
    held: bool = False
    """Still holding its answers (neither revealed nor closed): they may yet change."""


@dataclass(frozen=True, slots=True)
class MemberRole:
    id: int
    role: str | None
    joined_at: datetime


@dataclass(frozen=True, slots=True)
class ReflectionTally:
    """The anonymous answers to "did you feel heard?" for one meeting."""

    scores: tuple[int, ...]
    changes: tuple[str, ...]

    @property
    def average(self) -> float:
        return sum(self.scores) / len(self.scores) if self.scores else 0.0


# -- meetings ------------------------------------------------------------------------------------


async def previous_meeting(conn: AsyncConnection, meeting: Meeting) -> Meeting | None:
    """The group's last ended meeting that started before this one (by the group/start index)."""
    query = (
        select(meetings)
        .where(
            meetings.c.group_id == meeting.group_id,
            meetings.c.starts_at < meeting.starts_at,
            meetings.c.status == ENDED,
        )
        .order_by(meetings.c.starts_at.desc())
        .limit(1)
    )
    row = (await conn.execute(query)).mappings().first()
    return Meeting.from_row(row) if row else None


async def recent_meetings(conn: AsyncConnection, meeting: Meeting, count: int) -> list[Meeting]:
    """This meeting and the ended ones before it, newest first, at most `count`."""
    query = (
        select(meetings)
        .where(
            meetings.c.group_id == meeting.group_id,
            meetings.c.starts_at <= meeting.starts_at,
            (meetings.c.status == ENDED) | (meetings.c.id == meeting.id),
        )
        .order_by(meetings.c.starts_at.desc())
        .limit(count)
    )
    return [Meeting.from_row(row) for row in (await conn.execute(query)).mappings()]


async def ended_after(conn: AsyncConnection, meeting: Meeting, count: int = 10) -> list[Meeting]:
    """The group's ended meetings that started after this one, oldest first, at most `count`
    (by the group/start index): the nudges ask whether a newer meeting's nudge supersedes it."""
    query = (
        select(meetings)
        .where(
            meetings.c.group_id == meeting.group_id,
            meetings.c.starts_at > meeting.starts_at,
            meetings.c.status == ENDED,
        )
        .order_by(meetings.c.starts_at)
        .limit(count)
    )
    return [Meeting.from_row(row) for row in (await conn.execute(query)).mappings()]


# -- check-ins -----------------------------------------------------------------------------------


async def checkin_tally(conn: AsyncConnection, meeting_id: int) -> CheckinTally:
    query = select(checkins.c.mood, checkins.c.passed, checkins.c.words, checkins.c.visibility)
    query = query.where(checkins.c.meeting_id == meeting_id).order_by(checkins.c.id)
    present = passed = 0
    moods = dict.fromkeys(range(1, 6), 0)
    order: list[int] = []
    words: list[str] = []
    for row in await conn.execute(query):
        present += 1
        if row.passed:
            passed += 1
        elif row.mood in moods:
            moods[row.mood] += 1
            order.append(int(row.mood))
        if row.words and row.visibility == "group":
            words.append(row.words)
    return CheckinTally(present, passed, moods, tuple(words), tuple(order))


async def checkin_states(conn: AsyncConnection, meeting_id: int) -> dict[int, bool]:
    """member id -> passed?, for every member who answered the check-in (a pass is an answer)."""
    query = select(checkins.c.member_id, checkins.c.passed).where(
        checkins.c.meeting_id == meeting_id
    )
    return {row.member_id: bool(row.passed) for row in await conn.execute(query)}


# -- elephants -----------------------------------------------------------------------------------


async def elephants_for_summary(
    conn: AsyncConnection, group_id: int, since: datetime
) -> list[ElephantItem]:
    """Posted, not hidden elephants that are still open or whose status changed since `since`
    (what was done about them: "you said, we did").

    Two indexed reads (group and status; group and time of change) merged by id, rather than one
    OR over the group's whole history. An elephant named since then is either still open or has
    changed status since, so both reads together find it.
    """
    visible = (
        elephants.c.group_id == group_id,
        elephants.c.posted_at.is_not(None),
        elephants.c.status != "hidden",
    )
    reads = (
        select(elephants).where(*visible, elephants.c.status == "open"),
        select(elephants).where(*visible, elephants.c.status_changed_at >= since),
    )
    found: dict[int, dict[str, object]] = {}
    for query in reads:
        for row in (await conn.execute(query)).mappings():
            found[int(row["id"])] = dict(row)
    ids = sorted(found)
    views = await _counts(
        conn, perspectives.c.elephant_id, ids, perspectives.c.shown_at.is_not(None)
    )
    asked = await verdicts.latest_of_kind(conn, group_id, "elephant")
    items = [
        ElephantItem(
            id=eid,
            number=int(str(row["number"])),
            size=str(row["size"]),
            text=str(row["text"]),
            status=str(row["status"]),
            outcome=str(row["outcome"]) if row["outcome"] else None,
            revealed=row["perspectives_revealed_at"] is not None,
            perspectives=views.get(eid, 0),
            marks=int(str(row["marks_shown"] or 0)),
            feels_state=asked[eid].state if eid in asked and asked[eid].title else None,
            feels_shown=asked[eid].figures_shown if eid in asked else "",
        )
        for eid, row in found.items()
    ]
    return sorted(items, key=lambda item: item.number)


async def _counts(
    conn: AsyncConnection, column: Column[Any], ids: Sequence[int], *where: Any
) -> dict[int, int]:
    if not ids:
        return {}
    query = select(column, func.count()).where(column.in_(ids), *where).group_by(column)
    return {int(key): int(n) for key, n in await conn.execute(query)}


# -- rounds --------------------------------------------------------------------------------------


async def rounds_of(conn: AsyncConnection, meeting_ids: Iterable[int]) -> list[RoundInfo]:
    ids = list(meeting_ids)
    if not ids:
        return []
    query = (
        select(
            rounds.c.id,
            rounds.c.meeting_id,
            rounds.c.opened_at,
            rounds.c.closed_at,
            rounds.c.revealed_at,
        )
        .where(rounds.c.meeting_id.in_(ids))
        .order_by(rounds.c.id)
    )
    return [
        RoundInfo(
            r.id,
            r.meeting_id,
            r.opened_at,
            r.closed_at,
            held=r.revealed_at is None and r.closed_at is None,
        )
        for r in await conn.execute(query)
    ]


async def answers_of(conn: AsyncConnection, round_ids: Sequence[int]) -> list[RoundAnswerRow]:
    if not round_ids:
        return []
    query = select(
        round_answers.c.round_id,
        round_answers.c.member_id,
        round_answers.c.role,
        round_answers.c.kind,
        round_answers.c.after_reveal,
    ).where(round_answers.c.round_id.in_(round_ids))
    return [
        RoundAnswerRow(r.round_id, r.member_id, r.role, r.kind, bool(r.after_reveal))
        for r in await conn.execute(query)
    ]


async def member_roles(conn: AsyncConnection, group_id: int) -> list[MemberRole]:
    """Every member's current role and join time (a group's size, not its history)."""
    query = select(members.c.id, members.c.role, members.c.joined_at).where(
        members.c.group_id == group_id
    )
    return [MemberRole(r.id, r.role, r.joined_at) for r in await conn.execute(query)]


# -- reflections ---------------------------------------------------------------------------------


async def reflection_tally(conn: AsyncConnection, meeting_id: int) -> ReflectionTally:
    query = select(reflections.c.heard, reflections.c.change).where(
        reflections.c.meeting_id == meeting_id, reflections.c.counted.is_(True)
    )
    scores: list[int] = []
    changes: list[str] = []
    for row in await conn.execute(query):
        if row.heard is not None:
            scores.append(int(row.heard))
        if row.change:
            changes.append(str(row.change))
    return ReflectionTally(tuple(scores), tuple(changes))
