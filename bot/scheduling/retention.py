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
    decisions      `text` -> ERASED, when noted before the cut-off
    actions        `text` -> ERASED and the owner's `done_note` -> NULL, when noted before it
    agenda items   `text` -> ERASED, `outcome` and `papers` -> NULL, when they came onto the agenda
                   before the cut-off (an anonymous item comes on after its delay, so never early)
    time, expenses `note` -> ERASED, when added before the cut-off; the minutes and pence stay,
                   for the person's record and the organisation's accounts

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

Two things are decided differently on purpose. The glossary (`glossary_entries`) is the group's
shared reference, not anyone's words about themselves: it has no author, facilitators correct and
remove entries, and erasing "EHCP: Education, Health and Care Plan" after a year would only make
people ask again. So it is kept while the group exists (deleting the group deletes it). The
"slow down", "jargon" and "break" signals are the opposite: they were for the moment, so their
crowds and once-per-person tokens are deleted `SIGNAL_DAYS` after their window opened, whatever
the group's retention period (a word a whole crowd asked about lives on in the glossary, with
no name and no time).

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
from datetime import datetime, timedelta

from bot.context import Context
from bot.effects import Effect
from bot.store import page_access, pending_choices, plain_text_cards, signals
from bot.store import retention as retention_store
from bot.store.database import Connection
from bot.store.retention import Erased

log = logging.getLogger(__name__)

ERASED = "(erased after the group's retention period)"
"""What an elephant's or perspective's text becomes: those columns cannot be empty."""
FIRING_DAYS = 30
"""Once-only keys are kept at least this long after they were claimed."""
SIGNAL_DAYS = 1
"""Signals are kept this long after their window opened: long enough for a meeting to finish."""
INBOUND_DAYS = 7
"""Platform event ids are kept this long to drop retried deliveries."""
KEY_MARGIN = timedelta(days=7)
"""A meeting's keys are claimed no earlier than its check-in lead (at most hours) before it starts;
meetings starting this long after the pruning cut-off cannot own a key older than it."""
NUDGE_MARGIN = timedelta(days=2)
"""The reflection delay (at most a day) plus quiet hours (less than a day) after a meeting ends."""


async def apply_retention(ctx: Context) -> int:
    """Erase free text older than each group's retention period; returns how many texts.

    With `ctx.group` set, only that group's; with none, every group's, and old firing keys and
    platform event ids are pruned too.
    """
    erased = Erased()
    group_ids = [ctx.group.id] if ctx.group is not None else None
    for days in await retention_store.retention_periods(ctx.conn, group_ids):
        cutoff = ctx.now - timedelta(days=days)
        await retention_store.erase_text(
            ctx.conn, days, group_ids, cutoff, erased, placeholder=ERASED
        )
    if ctx.group is None:
        grace = timedelta(hours=ctx.services.settings.catch_up_grace_hours)
        erased.firings = await prune_firings(ctx.conn, ctx.now, grace=grace)
        erased.inbound = await prune_inbound(ctx.conn, ctx.now)
        await pending_choices.prune(ctx.conn, ctx.now)
        await plain_text_cards.prune(ctx.conn, ctx.now)
        await page_access.delete_expired(ctx.conn, ctx.now)
        await signals.delete_before(ctx.conn, ctx.now - timedelta(days=SIGNAL_DAYS))
    log.info(
        "retention: erased %d check-in words, %d round answers, %d reflections, "
        "%d elephants, %d outcomes, %d perspectives, %d agenda items, %d decisions, "
        '%d action texts, %d "does it feel addressed?" askings, %d notes on time and expenses; '
        "pruned %d firing keys, %d event ids",
        erased.checkins,
        erased.answers,
        erased.reflections,
        erased.elephants,
        erased.outcomes,
        erased.perspectives,
        erased.agenda,
        erased.decisions,
        erased.actions,
        erased.verdicts,
        erased.recognition,
        erased.firings,
        erased.inbound,
    )
    return erased.texts


async def retention_job(ctx: Context) -> list[Effect]:
    """`apply_retention` as a clock job: it erases quietly and posts nothing."""
    await apply_retention(ctx)
    return []


async def prune_firings(conn: Connection, now: datetime, *, grace: timedelta) -> int:
    """Delete once-only keys claimed long ago, except those of meetings still scheduled or open.

    Keys name their meeting last (`job:end:12`, `checkin:12`, `reminder:12`), so a key is kept
    while it ends in `:<id>` of such a meeting; only meetings begun around the cut-off or earlier
    can own a key that old, which keeps that check to the few meetings left open for weeks.
    """
    before = now - max(timedelta(days=FIRING_DAYS), grace + NUDGE_MARGIN)
    return await retention_store.delete_firings(conn, before, live_from=before + KEY_MARGIN)


async def prune_inbound(conn: Connection, now: datetime) -> int:
    """Delete platform event ids older than `INBOUND_DAYS`: no retry comes that late."""
    before = now - timedelta(days=INBOUND_DAYS)
    return await retention_store.delete_inbound(conn, before)
