"""The meeting summary: posted once per meeting in the channel, at the end or on request.

`post_summary` is called by `end_meeting` (and by the scheduler's catch-up for a meeting whose
summary was due while the bot was down). It claims the meeting's summary with a conditional update
first, so a retry, a second process or a facilitator's `summary` never posts a second one.

The `summary` command, during a meeting, posts a summary *so far* (said so in its title and first
line) and claims nothing: the meeting's closing summary still comes at its end, with everything
that happened after it. Between meetings it posts the latest ended meeting's summary if that never
went out. Each meeting has exactly one closing summary: asked again, it says when it was posted.

What the summary says, and what it leaves out, is decided in `bot.handlers.summary.builder`; the
reading
is in `bot.store.meeting_records` and `bot.store.rounds`, all narrowed to this meeting.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import datetime

from bot.cards import Card
from bot.context import Context
from bot.effects import Effect, MessageMember, PostToConversation
from bot.grammar import TRAILING_MARKS, CommandError, CommandSpec, Grammar, ParsedCommand
from bot.handlers.actions.lines import decisions_and_actions
from bot.handlers.ladder.closing import question_closed
from bot.handlers.ladder.results import result as ladder_result
from bot.handlers.rounds.flow import sharers
from bot.handlers.rounds.reciprocity_ledger import meeting_ledger
from bot.handlers.rounds.reveal_rules import lock_met
from bot.handlers.summary.builder import (
    AgendaRecap,
    RoundSummary,
    SummaryData,
    day_words,
    reflection_note,
    summary_card,
    when_words,
)
from bot.replies import reply
from bot.routing import Routes
from bot.scheduling.rule import ScheduleRuleError, parse_rule
from bot.store import agenda as agenda_store
from bot.store import (
    checkins,
    glossary,
    groups,
    ladder,
    meeting_records,
    meetings,
    members,
    sharing_ledgers,
    verdicts,
)
from bot.store import rounds as round_store
from bot.store.groups import Group
from bot.store.meetings import Meeting
from bot.text_safety import neutralise

routes = Routes()

NOTHING_TO_SUMMARISE = (
    "There's no meeting to summarise yet. A summary comes at the end of each meeting; "
    "you can start one with `meeting start`."
)


def summary_key(meeting_id: int) -> str:
    return f"summary:{meeting_id}"


async def _group_of(ctx: Context, meeting: Meeting) -> Group | None:
    if ctx.group is not None and ctx.group.id == meeting.group_id:
        return ctx.group
    return await groups.get(ctx.conn, meeting.group_id)


async def post_summary(ctx: Context, meeting: Meeting) -> list[Effect]:
    """Post the meeting's summary in the channel, once. Returns [] if it was posted already.

    Also sends facilitators last meeting's anonymous reflections, when at least `k` came in.
    """
    group = await _group_of(ctx, meeting)
    if group is None or not await meetings.mark_summary_posted(ctx.conn, meeting.id, ctx.now):
        return []
    data, previous = await gather(ctx, group, meeting)
    if data.ledger is not None:  # as posted, for the members' pages (never counted afresh)
        lines = [asdict(role) for role in data.ledger.roles]
        await sharing_ledgers.keep(ctx.conn, meeting.id, lines, data.ledger.left_out)
    effects: list[Effect] = [
        PostToConversation(group.where, summary_card(data), key=summary_key(meeting.id))
    ]
    effects.extend(await _words_for_facilitators(ctx, group, meeting))
    if previous is not None and data.last_reflections is not None:
        tally = data.last_reflections
        changes = list(tally.changes)
        ctx.services.rng.shuffle(changes)
        note = reflection_note(
            meeting_records.ReflectionTally(tally.scores, tuple(changes)),
            group.k,
            day_words(previous.starts_at, group.zone),
        )
        if note is not None:
            effects.extend(
                MessageMember(group.platform, group.workspace, m.user_id, note)
                for m in await members.of_group(ctx.conn, group.id)
                if m.is_facilitator
            )
    return effects


async def _words_for_facilitators(ctx: Context, group: Group, meeting: Meeting) -> list[Effect]:
    """Check-in words meant for "the facilitators only" reach them privately with the summary.

    They are attributed: the person chose to tell the facilitators, who may want to follow up.
    """
    private = await checkins.words_for(
        ctx.conn, meeting.id, audience="facilitators", meant_only_for_them=True
    )
    if not private:
        return []
    lines = [f"{name}: “{neutralise(words)}”" for name, words in private]
    card = Card(
        title="Check-in words for facilitators only",
        text="\n".join(lines),
        footer="These people chose to tell only the facilitators. Please keep them to yourselves.",
    )
    return [
        MessageMember(group.platform, group.workspace, m.user_id, card)
        for m in await members.of_group(ctx.conn, group.id)
        if m.is_facilitator
    ]


async def gather(
    ctx: Context, group: Group, meeting: Meeting, *, ending_now: bool = False
) -> tuple[SummaryData, Meeting | None]:
    """Everything the summary shows, read for this meeting only; and the meeting before it.

    `ending_now` (for `summary preview`) reads a meeting under way as its end would leave it:
    a round the reciprocity lock would still hold is carried on, as at the end."""
    conn = ctx.conn
    previous = await meeting_records.previous_meeting(conn, meeting)
    since = group.created_at
    if previous is not None:
        since = previous.ends_at or previous.starts_at
    until = meeting.ends_at if meeting.status == meetings.ENDED and meeting.ends_at else ctx.now
    reports = await round_store.rounds_of_meeting(conn, meeting.id)
    round_infos = await meeting_records.rounds_of(conn, [meeting.id])
    # A round the reciprocity lock still holds is counted with the meeting in which it is
    # revealed or closed (it moves there), never here as well: no round in two summaries.
    held: set[int] = set()
    if meeting.status == meetings.ENDED:
        held = {r.id for r in reports if r.status == round_store.OPEN}
    elif ending_now:
        held = await _held_at_end(
            ctx, group, [r.id for r in reports if r.status == round_store.OPEN]
        )
    round_infos = [info for info in round_infos if info.id not in held]
    answers = await meeting_records.answers_of(conn, [r.id for r in round_infos])
    roster = await meeting_records.member_roles(conn, group.id)
    # "Next" is after this meeting's start as well as after now: a scheduled meeting opened
    # early ends before its own start time, and must not be named as the next one.
    after = max(ctx.now, meeting.starts_at)
    upcoming = await meetings.next_scheduled(conn, group.id, after)
    decided, noted, done = await decisions_and_actions(
        conn, group, meeting, since=since, until=until
    )
    data = SummaryData(
        group_name=group.name,
        zone=group.zone,
        k=group.k,
        starts_at=meeting.starts_at,
        checkin=await meeting_records.checkin_tally(conn, meeting.id),
        checkin_sent=meeting.checkin_sent_at is not None,
        elephants=tuple(await meeting_records.elephants_for_summary(conn, group.id, since)),
        rounds=tuple(
            RoundSummary(
                prompt=report.prompt,
                status=report.status,
                revealed=report.revealed,
                carried=report.id in held,
                shares=report.shares,
                other_shares=max(
                    0, sum(c.shared for c in report.ledger.values()) - len(report.shares)
                ),
            )
            for report in reports
        ),
        ledger=meeting_ledger(round_infos, answers, roster, k=group.k, now=until),
        last_reflections=await meeting_records.reflection_tally(conn, previous.id)
        if previous
        else None,
        next_meeting=upcoming.starts_at if upcoming else _from_rule(group, after),
        decisions=decided,
        new_actions=noted,
        done_actions=done,
        agenda=await _agenda_recap(ctx, group, meeting, ending_now=ending_now),
        last_ladder=ladder_result(
            await ladder.counted(conn, previous.id),
            group.k,
            closed=await question_closed(conn, previous, ctx.now),
        )
        if previous
        else None,
        explained=tuple(
            (entry.word, entry.meaning or "")
            for entry in await glossary.explained_in(conn, meeting.id)
        ),
    )
    return data, previous


async def _agenda_recap(
    ctx: Context, group: Group, meeting: Meeting, *, ending_now: bool = False
) -> AgendaRecap:
    """The meeting's agenda: covered and carried on when it has ended; while it is under way,
    covered so far and not reached yet. `ending_now`: as the end would leave it, worked out by
    the end's own carry-over inside a savepoint that is rolled back, so nothing changes."""
    if ending_now and meeting.status != meetings.ENDED:
        async with ctx.conn.begin_nested() as as_if_ended:
            await agenda_store.carry_over(ctx.conn, group.id, meeting.id, ctx.now)
            recap = await _agenda_recap(ctx, group, replace(meeting, status=meetings.ENDED))
            await as_if_ended.rollback()
        return recap
    covered = tuple(await agenda_store.covered_at(ctx.conn, meeting.id))
    asked = await verdicts.latest_of_kind(ctx.conn, group.id, "agenda")
    feels = tuple(
        (item.id, asked[item.id].state, asked[item.id].figures_shown)
        for item in covered
        if item.id in asked and asked[item.id].title
    )
    if meeting.status == meetings.ENDED:
        carried = tuple(await agenda_store.carried_from(ctx.conn, meeting.id))
        return AgendaRecap(covered, carried, feels)
    waiting = await agenda_store.agenda(ctx.conn, group.id, ctx.now)
    return AgendaRecap(covered, tuple(item for item in waiting if not item.deferred), feels)


async def _held_at_end(ctx: Context, group: Group, open_rounds: list[int]) -> set[int]:
    """The open rounds the reciprocity lock would still hold if the meeting ended now: those
    with shares but not yet from both sides (as `close_rounds_at_end` decides)."""
    if not group.reciprocity_lock:
        return set()
    held: set[int] = set()
    for round_id in open_rounds:
        found = sharers(await round_store.answers(ctx.conn, round_id))
        if found and not lock_met(found):
            held.add(round_id)
    return held


def _from_rule(group: Group, now: datetime) -> datetime | None:
    """The next start by the group's rule after `now`, for when the scheduler has not written it
    down yet."""
    if not group.schedule_rule:
        return None
    try:
        rule = parse_rule(group.schedule_rule, today=now.astimezone(group.zone).date())
    except ScheduleRuleError:
        return None
    return next((start for start, _ in rule.occurrences(now, group.zone)), None)


def _read_summary(spec: CommandSpec, rest: str) -> ParsedCommand:
    word = rest.strip().lower().rstrip(TRAILING_MARKS)
    if not word:
        return spec.parsed()
    if word == PREVIEW_WORD:  # answered in bot.handlers.summary.preview
        return spec.parsed(PREVIEW_ACTION)
    raise CommandError(
        "Please type `summary` to post the summary now, or `summary preview` to see privately "
        "what it would say."
    )


PREVIEW_WORD, PREVIEW_ACTION = "preview", "summary.preview"


@routes.command(
    "summary",
    "facilitator",
    usage="summary  /  summary preview",
    summary="post the meeting summary now, or see privately what it would say",
    rank=150,
    grammar=Grammar(("summary", PREVIEW_ACTION), _read_summary),
)
async def summary_command(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """Facilitators: the summary of the current meeting now, or of the latest ended one."""
    group = ctx.require_group()
    current = await meetings.current(ctx.conn, group.id)
    meeting = current or await meetings.latest_ended(ctx.conn, group.id)
    if meeting is None:
        return [reply(NOTHING_TO_SUMMARISE)]
    day = day_words(meeting.starts_at, group.zone)
    if meeting.summary_posted_at is not None:
        return [reply(_already(meeting, group, day))]
    if current is not None:
        return [
            await summary_so_far(ctx, group, current),
            reply(
                f"I've posted a summary so far of the meeting on {day} in the channel. "
                "The full summary comes when the meeting ends."
            ),
        ]
    effects = await post_summary(ctx, meeting)
    if not effects:  # someone else posted it a moment ago
        fresh = await meetings.get(ctx.conn, meeting.id)
        return [reply(_already(fresh or meeting, group, day))]
    text = f"I've posted the summary of the meeting on {day} in the channel."
    return [*effects, reply(text)]


async def summary_so_far(ctx: Context, group: Group, meeting: Meeting) -> PostToConversation:
    """The summary of a meeting under way, as it stands now. It claims nothing, so the closing
    summary still comes at the end with everything; the facilitators' private notes go only with
    that one, so nothing reaches them twice."""
    data, _ = await gather(ctx, group, meeting)
    return PostToConversation(group.where, summary_card(replace(data, so_far=True)))


def _already(meeting: Meeting, group: Group, day: str) -> str:
    when = meeting.summary_posted_at
    posted = f" on {when_words(when, group.zone)}" if when else ""
    return (
        f"The summary of the meeting on {day} was already posted{posted}. "
        "Each meeting has one summary; you'll find it in the channel."
    )
