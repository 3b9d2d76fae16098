"""What the facilitators' trend pages and the impact report read: a group's history over a span.

A period is read in a fixed handful of queries whatever its length (meetings, check-ins, rounds
and answers, reflections, ladder answers, elephants, actions), each narrowed by the group and the
span, never one query per meeting: three years of weekly meetings read as fast as three weeks.

Nothing here returns who wrote an anonymous thing (there is nothing to return), nor who checked
in or who owns an action: only what the crowd rule then counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.ladder import Counted
from bot.store.meeting_records import MemberRole, RoundAnswerRow, RoundInfo
from bot.store.meetings import ENDED
from bot.store.schema import (
    actions,
    agenda_items,
    checkins,
    decisions,
    elephants,
    groups,
    ladder_answers,
    meetings,
    members,
    recognition_claims,
    reflections,
    round_answers,
    rounds,
)


@dataclass(frozen=True, slots=True)
class GroupFacts:
    name: str
    timezone: str
    created_at: datetime
    recognition: bool


@dataclass(frozen=True, slots=True)
class MeetingRow:
    id: int
    starts_at: datetime
    ends_at: datetime | None


@dataclass(frozen=True, slots=True)
class CheckinRow:
    meeting_id: int
    mood: int | None
    passed: bool


@dataclass(frozen=True, slots=True)
class ElephantRow:
    id: int
    number: int
    text: str
    status: str
    outcome: str | None
    posted_at: datetime
    status_changed_at: datetime | None


@dataclass(frozen=True, slots=True)
class ActionRow:
    due_on: date
    status: str
    done_at: datetime | None


async def group_facts(conn: AsyncConnection, group_id: int) -> GroupFacts | None:
    query = select(
        groups.c.name, groups.c.timezone, groups.c.created_at, groups.c.recognition
    ).where(groups.c.id == group_id)
    row = (await conn.execute(query)).first()
    if row is None:
        return None
    return GroupFacts(row.name, row.timezone, row.created_at, bool(row.recognition))


async def ended_meetings(
    conn: AsyncConnection, group_id: int, first: datetime, after: datetime
) -> list[MeetingRow]:
    """Ended meetings starting in [first, after), oldest first (by the group/start index)."""
    query = (
        select(meetings.c.id, meetings.c.starts_at, meetings.c.ends_at)
        .where(
            meetings.c.group_id == group_id,
            meetings.c.starts_at >= first,
            meetings.c.starts_at < after,
            meetings.c.status == ENDED,
        )
        .order_by(meetings.c.starts_at)
    )
    return [MeetingRow(row.id, row.starts_at, row.ends_at) for row in await conn.execute(query)]


def _span(group_id: int, first: datetime, after: datetime) -> list[object]:
    return [
        meetings.c.group_id == group_id,
        meetings.c.starts_at >= first,
        meetings.c.starts_at < after,
        meetings.c.status == ENDED,
    ]


async def checkins_in(
    conn: AsyncConnection, group_id: int, first: datetime, after: datetime
) -> list[CheckinRow]:
    """Every check-in of the span's meetings, in the order they came within each meeting."""
    query = (
        select(checkins.c.meeting_id, checkins.c.mood, checkins.c.passed)
        .join(meetings, meetings.c.id == checkins.c.meeting_id)
        .where(*_span(group_id, first, after))  # type: ignore[arg-type]
        .order_by(checkins.c.meeting_id, checkins.c.id)
    )
    # Thousands of rows over years: unpacked by position, which is much cheaper than by name.
    rows = await conn.execute(query)
    return [CheckinRow(meeting, mood, bool(passed)) for meeting, mood, passed in rows]


async def rounds_in(
    conn: AsyncConnection, group_id: int, first: datetime, after: datetime
) -> tuple[list[RoundInfo], list[RoundAnswerRow]]:
    """The span's meetings' rounds and their answers, reduced to what the ledger needs."""
    query = (
        select(rounds)
        .join(meetings, meetings.c.id == rounds.c.meeting_id)
        .where(*_span(group_id, first, after))  # type: ignore[arg-type]
        .order_by(rounds.c.id)
    )
    infos = [
        RoundInfo(
            r.id,
            r.meeting_id,
            r.opened_at,
            r.closed_at,
            held=r.revealed_at is None and r.closed_at is None,
        )
        for r in (await conn.execute(query)).mappings()
    ]
    answers_query = (
        select(
            round_answers.c.round_id,
            round_answers.c.member_id,
            round_answers.c.role,
            round_answers.c.kind,
            round_answers.c.after_reveal,
        )
        .join(rounds, rounds.c.id == round_answers.c.round_id)
        .join(meetings, meetings.c.id == rounds.c.meeting_id)
        .where(*_span(group_id, first, after))  # type: ignore[arg-type]
    )
    answers = [
        RoundAnswerRow(round_id, member_id, role, kind, bool(after_reveal))
        for round_id, member_id, role, kind, after_reveal in await conn.execute(answers_query)
    ]
    return infos, answers


async def member_roles(conn: AsyncConnection, group_id: int) -> list[MemberRole]:
    query = select(members.c.id, members.c.role, members.c.joined_at).where(
        members.c.group_id == group_id
    )
    return [MemberRole(r.id, r.role, r.joined_at) for r in await conn.execute(query)]


async def heard_scores_in(
    conn: AsyncConnection, group_id: int, first: datetime, after: datetime
) -> dict[int, list[int]]:
    """Counted "did you feel heard?" scores by meeting id, in a fixed (id) order."""
    query = (
        select(reflections.c.meeting_id, reflections.c.heard)
        .join(meetings, meetings.c.id == reflections.c.meeting_id)
        .where(
            *_span(group_id, first, after),  # type: ignore[arg-type]
            reflections.c.counted.is_(True),
            reflections.c.heard.is_not(None),
        )
        .order_by(reflections.c.id)
    )
    found: dict[int, list[int]] = {}
    for row in await conn.execute(query):
        found.setdefault(row.meeting_id, []).append(int(row.heard))
    return found


async def ladder_in(
    conn: AsyncConnection, group_id: int, first: datetime, after: datetime
) -> dict[int, list[Counted]]:
    """Counted ladder answers by meeting id, in the order `bot.store.ladder.counted` gives."""
    query = (
        select(ladder_answers.c.meeting_id, ladder_answers.c.rung, ladder_answers.c.side)
        .join(meetings, meetings.c.id == ladder_answers.c.meeting_id)
        .where(
            *_span(group_id, first, after),  # type: ignore[arg-type]
            ladder_answers.c.counted.is_(True),
        )
        .order_by(ladder_answers.c.id)
    )
    found: dict[int, list[Counted]] = {}
    for row in await conn.execute(query):
        found.setdefault(row.meeting_id, []).append(Counted(int(row.rung), row.side))
    return found


async def elephants_in(
    conn: AsyncConnection, group_id: int, first: datetime, after: datetime
) -> list[ElephantRow]:
    """Posted, not hidden elephants named or closed in [first, after), by number."""
    query = (
        select(
            elephants.c.id,
            elephants.c.number,
            elephants.c.text,
            elephants.c.status,
            elephants.c.outcome,
            elephants.c.posted_at,
            elephants.c.status_changed_at,
        )
        .where(
            elephants.c.group_id == group_id,
            elephants.c.status != "hidden",
            elephants.c.posted_at.is_not(None),
            or_(
                and_(elephants.c.posted_at >= first, elephants.c.posted_at < after),
                and_(
                    elephants.c.status_changed_at >= first,
                    elephants.c.status_changed_at < after,
                ),
            ),
        )
        .order_by(elephants.c.number)
    )
    return [
        ElephantRow(r.id, r.number, r.text, r.status, r.outcome, r.posted_at, r.status_changed_at)
        for r in await conn.execute(query)
    ]


async def actions_due(
    conn: AsyncConnection, group_id: int, first: date, last: date
) -> list[ActionRow]:
    """Actions not dropped whose due day is in [first, last]."""
    query = select(actions.c.due_on, actions.c.status, actions.c.done_at).where(
        actions.c.group_id == group_id,
        actions.c.status != "dropped",
        actions.c.due_on >= first,
        actions.c.due_on <= last,
    )
    return [ActionRow(r.due_on, r.status, r.done_at) for r in await conn.execute(query)]


def by_meeting(rows: Sequence[CheckinRow]) -> dict[int, list[CheckinRow]]:
    found: dict[int, list[CheckinRow]] = {}
    for row in rows:
        found.setdefault(row.meeting_id, []).append(row)
    return found


@dataclass(frozen=True, slots=True)
class AgendaRow:
    id: int
    text: str
    status: str
    outcome: str | None


async def agenda_closed_in(
    conn: AsyncConnection, group_id: int, first: datetime, after: datetime
) -> list[AgendaRow]:
    """Agenda items covered (discussed or addressed) in [first, after), oldest first."""
    query = (
        select(
            agenda_items.c.id, agenda_items.c.text, agenda_items.c.status, agenda_items.c.outcome
        )
        .where(
            agenda_items.c.group_id == group_id,
            agenda_items.c.status.in_(("discussed", "addressed")),
            agenda_items.c.closed_at >= first,
            agenda_items.c.closed_at < after,
        )
        .order_by(agenda_items.c.closed_at, agenda_items.c.id)
    )
    return [AgendaRow(r.id, r.text, r.status, r.outcome) for r in await conn.execute(query)]


async def decisions_in(
    conn: AsyncConnection, group_id: int, first: datetime, after: datetime
) -> list[str]:
    """The words of the decisions recorded in [first, after), in order (never who recorded)."""
    query = (
        select(decisions.c.text)
        .where(
            decisions.c.group_id == group_id,
            decisions.c.recorded_at >= first,
            decisions.c.recorded_at < after,
        )
        .order_by(decisions.c.number)
    )
    return [str(r.text) for r in await conn.execute(query)]


async def recognition_minutes_in(
    conn: AsyncConnection, group_id: int, first: datetime, after: datetime
) -> list[tuple[datetime, int]]:
    """When each claim or gift of recognised time was made in [first, after), and its minutes,
    in the order they were made: no person, only what the crowd rule may count."""
    query = (
        select(recognition_claims.c.made_at, recognition_claims.c.minutes)
        .where(
            recognition_claims.c.group_id == group_id,
            recognition_claims.c.choice.in_(("claim", "donate")),
            recognition_claims.c.made_at >= first,
            recognition_claims.c.made_at < after,
        )
        .order_by(recognition_claims.c.made_at, recognition_claims.c.id)
    )
    return [(r.made_at, int(r.minutes)) for r in await conn.execute(query)]
