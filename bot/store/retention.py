"""What expires: free text past each group's retention period, and old once-only keys and
platform event ids (the rules, and why these columns, are in `bot.scheduling.retention`).

Every step is one set-based UPDATE or DELETE per table and distinct retention period, filtered
through indexed columns (`groups.retention_days` picks the groups; meetings by (group_id,
starts_at), rounds by (group_id, opened_at), elephants by group_id, answers by their parent's id),
and only touches rows still holding text, so a second run changes nothing. No text is read into
Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, delete, exists, literal, select, update

from bot.store.database import Connection
from bot.store.meetings import OPEN, SCHEDULED
from bot.store.schema import (
    actions,
    agenda_items,
    checkins,
    decisions,
    elephants,
    firings,
    groups,
    inbound_events,
    meetings,
    perspectives,
    recognition_entries,
    reflections,
    round_answers,
    rounds,
    verdicts,
)


@dataclass
class Erased:
    """How many texts one run erased, per kind, and how many old keys it pruned."""

    checkins: int = 0
    answers: int = 0
    reflections: int = 0
    elephants: int = 0
    outcomes: int = 0
    perspectives: int = 0
    decisions: int = 0
    actions: int = 0
    """Actions' words and owners' notes, counted together."""
    agenda: int = 0
    verdicts: int = 0
    """Askings of "does this feel addressed?" whose copy of the words was erased."""
    recognition: int = 0
    """Notes on time and expenses ("reading papers", "bus fares"); the amounts stay."""
    firings: int = 0
    inbound: int = 0

    @property
    def texts(self) -> int:
        return (
            self.checkins
            + self.answers
            + self.reflections
            + self.elephants
            + self.outcomes
            + self.perspectives
            + self.decisions
            + self.actions
            + self.agenda
            + self.verdicts
            + self.recognition
        )


async def retention_periods(conn: Connection, group_ids: Sequence[int] | None) -> list[int]:
    """The distinct retention periods in use (a handful), so each is one statement per table."""
    query = select(groups.c.retention_days).distinct()
    if group_ids is not None:
        query = query.where(groups.c.id.in_(group_ids))
    return sorted(int(days) for days in (await conn.execute(query)).scalars())


def _groups_keeping(days: int, group_ids: Sequence[int] | None) -> Any:
    """A subquery: the ids of the groups (of those asked about) that keep text for `days`."""
    query = select(groups.c.id).where(groups.c.retention_days == days)
    if group_ids is not None:
        query = query.where(groups.c.id.in_(group_ids))
    return query.scalar_subquery()


async def _changed(conn: Connection, statement: Any) -> int:
    result = await conn.execute(statement)
    return int(result.rowcount or 0)


async def erase_text(
    conn: Connection,
    days: int,
    group_ids: Sequence[int] | None,
    cutoff: datetime,
    erased: Erased,
    *,
    placeholder: str,
) -> None:
    """Erase, in the groups (of those asked about) that keep text for `days`, the free text
    written before `cutoff`: check-in words, reflections' changes and round answers become NULL;
    elephants' texts and outcomes and their perspectives' texts (which cannot be empty) become
    `placeholder`; so do agenda items' words and outcomes, and their papers links become NULL.
    Adds what changed to `erased`."""
    of_groups = _groups_keeping(days, group_ids)
    old_meetings = select(meetings.c.id).where(
        meetings.c.group_id.in_(of_groups), meetings.c.starts_at < cutoff
    )
    old_rounds = select(rounds.c.id).where(
        rounds.c.group_id.in_(of_groups), rounds.c.opened_at < cutoff
    )
    old_elephants = select(elephants.c.id).where(
        elephants.c.group_id.in_(of_groups), elephants.c.post_after < cutoff
    )
    erased.checkins += await _changed(
        conn,
        update(checkins)
        .where(checkins.c.meeting_id.in_(old_meetings), checkins.c.words.is_not(None))
        .values(words=None),
    )
    erased.reflections += await _changed(
        conn,
        update(reflections)
        .where(reflections.c.meeting_id.in_(old_meetings), reflections.c.change.is_not(None))
        .values(change=None),
    )
    erased.answers += await _changed(
        conn,
        update(round_answers)
        .where(round_answers.c.round_id.in_(old_rounds), round_answers.c.text.is_not(None))
        .values(text=None),
    )
    erased.elephants += await _changed(
        conn,
        update(elephants)
        .where(elephants.c.id.in_(old_elephants), elephants.c.text != placeholder)
        .values(text=placeholder),
    )
    erased.outcomes += await _changed(
        conn,
        update(elephants)
        .where(
            elephants.c.id.in_(old_elephants),
            elephants.c.outcome.is_not(None),
            elephants.c.outcome != placeholder,
        )
        .values(outcome=placeholder),
    )
    erased.agenda += await _changed(
        conn,
        update(agenda_items)
        .where(
            agenda_items.c.group_id.in_(of_groups),
            agenda_items.c.shown_from < cutoff,
            agenda_items.c.text != placeholder,
        )
        .values(text=placeholder, papers=None, outcome=None),
    )
    erased.perspectives += await _changed(
        conn,
        update(perspectives)
        .where(perspectives.c.elephant_id.in_(old_elephants), perspectives.c.text != placeholder)
        .values(text=placeholder),
    )
    # "Does this feel addressed?" keeps a copy of its subject's words and what was done: erased
    # when the asking is old, and with the elephant's own words when those go first.
    old_askings = select(verdicts.c.id).where(
        verdicts.c.group_id.in_(of_groups),
        (verdicts.c.asked_at < cutoff)
        | ((verdicts.c.kind == "elephant") & verdicts.c.subject_id.in_(old_elephants)),
    )
    erased.verdicts += await _changed(
        conn,
        update(verdicts)
        .where(
            verdicts.c.id.in_(old_askings),
            verdicts.c.title != "",
            verdicts.c.title != placeholder,
        )
        .values(title=placeholder, what_was_done=None),
    )
    await _erase_decisions_and_actions(conn, of_groups, cutoff, erased, placeholder=placeholder)
    # What a person wrote about their time and expenses; the minutes and pence stay, for their
    # record and the organisation's accounts.
    erased.recognition += await _changed(
        conn,
        update(recognition_entries)
        .where(
            recognition_entries.c.group_id.in_(of_groups),
            recognition_entries.c.added_at < cutoff,
            recognition_entries.c.note != placeholder,
        )
        .values(note=placeholder),
    )


async def _erase_decisions_and_actions(
    conn: Connection, of_groups: Any, cutoff: datetime, erased: Erased, *, placeholder: str
) -> None:
    """Decisions' and actions' words (which cannot be empty) become `placeholder`, owners' notes
    NULL, for those noted before `cutoff`; numbers, owners, days and states stay."""
    erased.decisions += await _changed(
        conn,
        update(decisions)
        .where(
            decisions.c.group_id.in_(of_groups),
            decisions.c.recorded_at < cutoff,
            decisions.c.text != placeholder,
        )
        .values(text=placeholder),
    )
    old_actions = (actions.c.group_id.in_(of_groups), actions.c.recorded_at < cutoff)
    erased.actions += await _changed(
        conn,
        update(actions).where(*old_actions, actions.c.text != placeholder).values(text=placeholder),
    )
    erased.actions += await _changed(
        conn,
        update(actions)
        .where(*old_actions, actions.c.done_note.is_not(None))
        .values(done_note=None),
    )


async def delete_firings(conn: Connection, before: datetime, *, live_from: datetime) -> int:
    """Delete once-only keys claimed before `before`, except those of meetings still scheduled
    or open that start before `live_from`; returns how many.

    Keys name their meeting last (`job:end:12`, `checkin:12`, `reminder:12`), so a key is kept
    while it ends in `:<id>` of such a meeting.
    """
    still_live = exists().where(
        meetings.c.status.in_((SCHEDULED, OPEN)),
        meetings.c.starts_at < live_from,
        firings.c.key.endswith(literal(":") + cast(meetings.c.id, String)),
    )
    return await _changed(conn, delete(firings).where(firings.c.fired_at < before, ~still_live))


async def delete_inbound(conn: Connection, before: datetime) -> int:
    """Delete platform event ids received before `before`; returns how many."""
    return await _changed(conn, delete(inbound_events).where(inbound_events.c.received_at < before))
