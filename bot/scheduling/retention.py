"""Keeping the retention promise: a group's free text is erased once its retention period is over.

`groups.retention_days` (`set retention <days>`) is how long the words people wrote are kept: the
`privacy` and `settings` texts promise it. Once a day the clock calls `apply_retention`, which
erases, for each group, the text of everything older than that:

    check-ins      `words` -> NULL, for meetings that started before the cut-off
    round answers  `text` -> NULL, for rounds opened before the cut-off
    reflections    `change` -> NULL, for meetings that started before the cut-off
    elephants      `text` and `outcome` -> ERASED, when due to be posted before the cut-off
    perspectives   `text` -> ERASED, for those same elephants (even if written later: without
                   the elephant's words they mean nothing, and erasing early errs on the safe side)

The rows themselves stay, with their moods, kinds, roles, consent flags, statuses, sizes and
numbers, so the summary's ledger, the check-in counts and the elephant numbers still add up.
An elephant's `post_after` is never earlier than when it was written, so every elephant erased
was written before the cut-off. `rounds.prompt` and `meetings.checkin_prompt` stay: they are the
question put to the whole group (from the prompt library or by a facilitator), not anyone's answer,
and they say what the counts were about.

Every step is one set-based UPDATE per table and distinct retention period, filtered through
indexed columns (`groups.retention_days` picks the groups; meetings by (group_id, starts_at),
rounds by (group_id, opened_at), elephants by group_id, answers by their parent's id), and only
touches rows still holding text, so a second run changes nothing. No text is read into Python.

Housekeeping rides along in the all-groups run: once-only firing keys older than `FIRING_DAYS`
(they guard against repeating recent work) and platform event ids older than `INBOUND_DAYS`
(platforms retry within minutes) are deleted. A firing key may only go once its meeting can never
be planned again. The clock plans a meeting while it is scheduled or open, and an ended one only
until its reflection is past the catch-up grace; cancelled meetings never. So the keys kept are
those of any meeting still scheduled or open (a meeting started by hand stays open until someone
ends it, however long that takes), and the age limit grows with the catch-up grace.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, cast, delete, exists, literal, select, update

from bot.context import Context
from bot.effects import Effect
from bot.store.database import Connection
from bot.store.meetings import OPEN, SCHEDULED
from bot.store.schema import (
    checkins,
    elephants,
    firings,
    groups,
    inbound_events,
    meetings,
    perspectives,
    reflections,
    round_answers,
    rounds,
)

log = logging.getLogger(__name__)

ERASED = "(erased after the group's retention period)"
"""What an elephant's or perspective's text becomes: those columns cannot be empty."""
FIRING_DAYS = 30
"""Once-only keys are kept at least this long after they were claimed."""
INBOUND_DAYS = 7
"""Platform event ids are kept this long to drop retried deliveries."""
KEY_MARGIN = timedelta(days=7)
"""A meeting's keys are claimed no earlier than its check-in lead (at most hours) before it starts;
meetings starting this long after the pruning cut-off cannot own a key older than it."""
NUDGE_MARGIN = timedelta(days=2)
"""The reflection delay (at most a day) plus quiet hours (less than a day) after a meeting ends."""


@dataclass
class Erased:
    """How many texts one run erased, per kind, and how many old keys it pruned."""

    checkins: int = 0
    answers: int = 0
    reflections: int = 0
    elephants: int = 0
    outcomes: int = 0
    perspectives: int = 0
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
        )


async def apply_retention(ctx: Context) -> int:
    """Erase free text older than each group's retention period; returns how many texts.

    With `ctx.group` set, only that group's; with none, every group's, and old firing keys and
    platform event ids are pruned too.
    """
    erased = Erased()
    group_ids = [ctx.group.id] if ctx.group is not None else None
    for days in await _retention_periods(ctx.conn, group_ids):
        of_groups = _groups_keeping(days, group_ids)
        await _erase(ctx.conn, of_groups, ctx.now - timedelta(days=days), erased)
    if ctx.group is None:
        grace = timedelta(hours=ctx.services.settings.catch_up_grace_hours)
        erased.firings = await prune_firings(ctx.conn, ctx.now, grace=grace)
        erased.inbound = await prune_inbound(ctx.conn, ctx.now)
    log.info(
        "retention: erased %d check-in words, %d round answers, %d reflections, "
        "%d elephants, %d outcomes, %d perspectives; pruned %d firing keys, %d event ids",
        erased.checkins,
        erased.answers,
        erased.reflections,
        erased.elephants,
        erased.outcomes,
        erased.perspectives,
        erased.firings,
        erased.inbound,
    )
    return erased.texts


async def retention_job(ctx: Context) -> list[Effect]:
    """`apply_retention` as a clock job: it erases quietly and posts nothing."""
    await apply_retention(ctx)
    return []


async def _retention_periods(conn: Connection, group_ids: Sequence[int] | None) -> list[int]:
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


async def _erase(conn: Connection, of_groups: Any, cutoff: datetime, erased: Erased) -> None:
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
        .where(elephants.c.id.in_(old_elephants), elephants.c.text != ERASED)
        .values(text=ERASED),
    )
    erased.outcomes += await _changed(
        conn,
        update(elephants)
        .where(
            elephants.c.id.in_(old_elephants),
            elephants.c.outcome.is_not(None),
            elephants.c.outcome != ERASED,
        )
        .values(outcome=ERASED),
    )
    erased.perspectives += await _changed(
        conn,
        update(perspectives)
        .where(perspectives.c.elephant_id.in_(old_elephants), perspectives.c.text != ERASED)
        .values(text=ERASED),
    )


async def prune_firings(conn: Connection, now: datetime, *, grace: timedelta) -> int:
    """Delete once-only keys claimed long ago, except those of meetings still scheduled or open.

    Keys name their meeting last (`job:end:12`, `checkin:12`, `reminder:12`), so a key is kept
    while it ends in `:<id>` of such a meeting; only meetings begun around the cut-off or earlier
    can own a key that old, which keeps that check to the few meetings left open for weeks.
    """
    before = now - max(timedelta(days=FIRING_DAYS), grace + NUDGE_MARGIN)
    still_live = exists().where(
        meetings.c.status.in_((SCHEDULED, OPEN)),
        meetings.c.starts_at < before + KEY_MARGIN,
        firings.c.key.endswith(literal(":") + cast(meetings.c.id, String)),
    )
    return await _changed(conn, delete(firings).where(firings.c.fired_at < before, ~still_live))


async def prune_inbound(conn: Connection, now: datetime) -> int:
    """Delete platform event ids older than `INBOUND_DAYS`: no retry comes that late."""
    before = now - timedelta(days=INBOUND_DAYS)
    return await _changed(conn, delete(inbound_events).where(inbound_events.c.received_at < before))
