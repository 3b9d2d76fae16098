"""Nudges: a check-in reminder during the meeting, a reflection after it, and a note on sharing
for facilitators. Every nudge respects quiet hours and `nudges off` (each member's own switch,
here too), and a pass is never chased: passing is an answer (who is asked how the meeting went
is below).

Quiet hours and the scheduler: a nudge that falls due in quiet hours sends nothing and returns
[] *without* using up its once-only key, so the scheduler can simply run it again later.
`reminder_time(group, due)` and `reflection_time(group, meeting)` give the moment to move the job
to (the end of the quiet period, correct across clock changes). The reciprocity note works the
same way: run it again after `next_allowed(group, now)`.

Once-only keys (in `firings`): `reminder:<meeting id>`, `reflection:<meeting id>`,
`reciprocity:<meeting id>`.

Several due at once: nudges held back by quiet hours (or by the bot being down) can fall due
together for more than one meeting. Then only the newest of a kind goes out (`_superseding`): a
note on sharing for an older meeting is not sent when a newer meeting's note goes out at the same
time (it already looks back over the older one), and a reflection for an older meeting is not sent
to someone who is asked about a newer one at the same time. Every reflection question names its
meeting by day and start time, so two never read alike.

Who gets the reflection: everyone who took part, meaning they checked in with a mood, or shared or
passed in one of the meeting's rounds (passing a round is being in it), unless they opted out.
Passing the check-in is an answer, and on its own is never followed by a nudge; someone who passed
it and then shared or passed in a round took part all the same. Elephant perspectives are
anonymous, so they say nothing about who was there. Members we have no sign of at the meeting are
not asked "did you feel heard?", which would read as a remark on their absence.

The same message asks, optionally, where on the ladder of co-production the meeting felt: its
button, form and typed `ladder` live in `bot.handlers.ladder`, and its result in the next
meeting's summary.

Reflections are anonymous. The button and form routes are anonymous routes (the core neither
adds the person as a member nor touches their row); the answer is stored with no author, a keyed
token in `reflection_tokens` keeps it to one per person per meeting, and nothing is logged.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from bot import limits
from bot.cards import Button
from bot.context import Context
from bot.effects import Effect, FormErrors, MessageMember, OpenForm
from bot.errors import UserError
from bot.grammar import CommandError, CommandSpec, Grammar, ParsedCommand, hyphenated, one_of, split
from bot.handlers.checkin.cards import DEFAULT_QUESTION, checkin_card
from bot.handlers.ladder.cards import LADDER_INVITE, ladder_button
from bot.handlers.nudges.cards import (
    HEARD,
    OPEN_CHANGE,
    REFLECTION_FORM,
    anonymity_line,
    change_button,
    change_form,
    reciprocity_card,
    reflection_card,
    reminder_card,
)
from bot.handlers.privacy.crowd_rule import first_crowd, shown
from bot.handlers.privacy.rejoined import ALREADY_LEFT, left_since
from bot.handlers.rounds.reciprocity_ledger import LIVED, PROFESSIONAL, share_rates
from bot.handlers.summary.builder import day_words, when_words
from bot.identity import anonymous_token
from bot.replies import as_typed, reply, with_their_text
from bot.routing import Routes
from bot.scheduling.plan import RECIPROCITY, REFLECTION, firing_key
from bot.scheduling.quiet_hours import is_quiet, next_allowed
from bot.store import (
    access,
    checkins,
    groups,
    ladder,
    meeting_records,
    meetings,
    members,
    reflections,
)
from bot.store.groups import Group
from bot.store.meetings import Meeting
from bot.text_safety import TextRejected, clean_text, neutralise

routes = Routes()

NUDGES_EXPLAINED = (
    "Nudges are the gentle private messages I send around meetings: a check-in reminder if you "
    "haven't answered yet, and a reflection question afterwards (“Did you feel heard?”). "
    "Never in quiet hours, and passing the check-in is never chased."
)

RECIPROCITY_MEETINGS = 4
"""How many recent meetings' rounds the note on sharing looks at."""
RECIPROCITY_MIN_ROUNDS = 2
"""Fewer rounds than this is too little to say anything about a pattern."""
REFLECTION_STALE = timedelta(days=2)
"""A reflection that could not go out within this long after the meeting is not sent at all."""
RECIPROCITY_STALE = timedelta(days=7)
"""Only the clock's catch-up grace limits the note; this bound just keeps the look-back short."""
REFLECTION_OPEN = timedelta(days=7)
"""How long after a meeting its reflection buttons still take answers."""

HEARD_PURPOSE = "reflection"
CHANGE_PURPOSE = "reflection-change"

STALE_BUTTON = "That button no longer works, sorry. Thank you for wanting to answer."
CLOSED = "That question has closed now. Thank you all the same."
ALREADY_HEARD = "You've already said how heard you felt at that meeting. Thank you."
ALREADY_CHANGE = "You've already told me one thing to change for that meeting. Thank you."


async def _group_of(ctx: Context, meeting: Meeting) -> Group | None:
    if ctx.group is not None and ctx.group.id == meeting.group_id:
        return ctx.group
    return await groups.get(ctx.conn, meeting.group_id)


def reminder_time(group: Group, due: datetime) -> datetime:
    """When the check-in reminder due at `due` may go out: `due`, or the end of quiet hours."""
    return next_allowed(group, due)


def reflection_time(group: Group, meeting: Meeting) -> datetime | None:
    """When the meeting's reflection may go out (None until the meeting has an end time)."""
    if meeting.ends_at is None:
        return None
    return next_allowed(group, meeting.ends_at + timedelta(minutes=group.reflection_after_minutes))


# -- the check-in reminder ------------------------------------------------------------------------


async def checkin_reminder(ctx: Context, meeting: Meeting) -> list[Effect]:
    """During the meeting, remind members who have neither answered nor passed the check-in.

    Once per meeting. In quiet hours: nothing now, and the key stays unused (see the module note).
    """
    group = await _group_of(ctx, meeting)
    running = meeting.status in (meetings.OPEN, meetings.SCHEDULED)
    if group is None or not running or meeting.checkin_sent_at is None:
        return []
    if is_quiet(group, ctx.now):
        return []
    if not await meetings.claim_firing(ctx.conn, f"reminder:{meeting.id}", ctx.now):
        return []
    answered = await meeting_records.checkin_states(ctx.conn, meeting.id)
    everyone = await members.of_group(ctx.conn, group.id)
    question = await checkins.question_of(ctx.conn, meeting.id) or DEFAULT_QUESTION
    buttons = checkin_card(group.id, meeting.id, question, 0, 0).buttons
    card = reminder_card(question, buttons)
    return [
        MessageMember(group.platform, group.workspace, m.user_id, card)
        for m in everyone
        if m.nudges and m.id not in answered
    ]


# -- the reflection -------------------------------------------------------------------------------


async def reflection_nudge(ctx: Context, meeting: Meeting) -> list[Effect]:
    """After the meeting, ask those who took part whether they felt heard. Once per meeting."""
    group = await _group_of(ctx, meeting)
    if group is None or meeting.status != meetings.ENDED or meeting.ends_at is None:
        return []
    if ctx.now - meeting.ends_at > REFLECTION_STALE or is_quiet(group, ctx.now):
        return []
    if not await meetings.claim_firing(ctx.conn, f"reflection:{meeting.id}", ctx.now):
        return []
    present = await took_part(ctx, meeting)
    for later in await _superseding(ctx, group, meeting, REFLECTION, REFLECTION_STALE):
        present -= await took_part(ctx, later)  # they are asked about the newer meeting instead
    named = when_words(meeting.starts_at, group.zone)
    same_day = day_words(meeting.ends_at, group.zone) == day_words(ctx.now, group.zone)
    when = f"at today's meeting ({named})" if same_day else f"at the meeting on {named}"
    card = reflection_card(group.id, meeting.id, when, group.k)
    # The reflection is the message people can most easily do without: those who asked for
    # fewer messages (`access prefer fewer-messages`) don't get it.
    fewer = await access.wanting_fewer_messages(ctx.conn, list(present))
    return [
        MessageMember(group.platform, group.workspace, m.user_id, card)
        for m in await members.of_group(ctx.conn, group.id)
        if m.nudges and m.id in present and m.id not in fewer
    ]


async def _superseding(
    ctx: Context, group: Group, meeting: Meeting, kind: str, stale: timedelta
) -> list[Meeting]:
    """Newer meetings of the group whose nudge of this kind goes out together with this one's.

    A newer meeting counts if its nudge is due by now and either went out no earlier than this
    one fell due (the same batch, run before this one) or has yet to go out and still will (not
    stale, not given up by the clock). One that went out before this one was even due is not
    "at once": this one is then a later, separate message and is sent as usual.
    """
    mine = reflection_time(group, meeting)
    if mine is None:
        return []
    grace = timedelta(hours=ctx.services.settings.catch_up_grace_hours)
    found: list[Meeting] = []
    for later in await meeting_records.ended_after(ctx.conn, meeting):
        due = reflection_time(group, later)
        if due is None or due > ctx.now or later.ends_at is None:
            continue
        own_key, clock_key = f"{kind}:{later.id}", firing_key(later.id, kind)
        fired = await meetings.firing_times(ctx.conn, [own_key, clock_key])
        if own_key in fired:
            if fired[own_key] >= mine:
                found.append(later)
            continue
        will_send = (
            clock_key not in fired and ctx.now - due <= grace and ctx.now - later.ends_at <= stale
        )
        if will_send:
            found.append(later)
    return found


async def took_part(ctx: Context, meeting: Meeting) -> set[int]:
    """Members who took part in the meeting: checked in with a mood, or shared or passed in one
    of its rounds (see the module note). A check-in pass alone is not counted."""
    states = await meeting_records.checkin_states(ctx.conn, meeting.id)
    round_ids = [r.id for r in await meeting_records.rounds_of(ctx.conn, [meeting.id])]
    in_rounds = {a.member_id for a in await meeting_records.answers_of(ctx.conn, round_ids)}
    return {member for member, passed in states.items() if not passed} | in_rounds


async def _reflection_meeting(ctx: Context, part: str) -> Meeting | None:
    """The ended meeting a reflection button names, or None when its question has closed."""
    if not part.isdigit():
        raise UserError(STALE_BUTTON)
    meeting = await meetings.get(ctx.conn, int(part))
    if meeting is None or meeting.group_id != ctx.require_group().id:
        raise UserError(STALE_BUTTON)
    if meeting.status != meetings.ENDED or meeting.ends_at is None:
        raise UserError("That meeting hasn't finished yet; I'll ask how it went afterwards.")
    if ctx.now - meeting.ends_at > REFLECTION_OPEN:
        return None
    if await left_since(ctx, meeting.ends_at):  # they could have answered before they left
        raise UserError(ALREADY_LEFT)
    return meeting


def _token(ctx: Context, purpose: str, meeting_id: int) -> str:
    return anonymous_token(ctx.services.secret, purpose, meeting_id, ctx.require_who())


async def _count_whole_crowds(ctx: Context, meeting_id: int, *, scores: bool) -> None:
    """Count waiting answers only in whole crowds of `k` (`crowd_rule.first_crowd`), so the
    figures read from them (the summary, the export, the facilitators' note) never move by one
    person's answer. The answers have random ids, so which wait is chosen by chance."""
    waiting = await reflections.uncounted(ctx.conn, meeting_id, scores=scores)
    await reflections.count_in(ctx.conn, first_crowd(waiting, ctx.require_group().k))


@routes.choice(HEARD, anonymous=True)
async def on_heard(ctx: Context, payload: str) -> list[Effect]:
    """A 1–5 button: stored with no author, once per person per meeting."""
    part, _, score_text = payload.partition(":")
    if not (score_text.isdigit() and 1 <= int(score_text) <= 5):
        raise UserError(STALE_BUTTON)
    meeting = await _reflection_meeting(ctx, part)
    if meeting is None:
        return [reply(CLOSED)]
    if not await reflections.claim(ctx.conn, meeting.id, _token(ctx, HEARD_PURPOSE, meeting.id)):
        return [reply(ALREADY_HEARD)]
    await reflections.add(
        ctx.conn, meeting.id, heard=int(score_text), change=None, rng=ctx.services.rng
    )
    group = ctx.require_group()
    await _count_whole_crowds(ctx, meeting.id, scores=True)
    buttons: tuple[Button, ...] = ()
    text = f"Thank you. {anonymity_line(group.k)}"
    change_token = _token(ctx, CHANGE_PURPOSE, meeting.id)
    if not await reflections.has_token(ctx.conn, meeting.id, change_token):
        text += "\nIf there's one thing you'd change, you can tell me here."
        buttons = (change_button(group.id, meeting.id),)
    if not await reflections.has_token(
        ctx.conn, meeting.id, _token(ctx, ladder.TOKEN_PURPOSE, meeting.id)
    ):
        text += f"\n{LADDER_INVITE}"
        buttons = (*buttons, ladder_button(group.id, meeting.id))
    return [reply(text, buttons=buttons)]


@routes.choice(OPEN_CHANGE, anonymous=True)
async def on_open_change(ctx: Context, payload: str) -> list[Effect]:
    """The "One thing to change" button: the form, unless they've told me already."""
    meeting = await _reflection_meeting(ctx, payload)
    if meeting is None:
        return [reply(CLOSED)]
    token = _token(ctx, CHANGE_PURPOSE, meeting.id)
    if await reflections.has_token(ctx.conn, meeting.id, token):
        return [reply(ALREADY_CHANGE)]
    return [OpenForm(change_form(ctx.require_group().id, meeting.id, ctx.require_group().k))]


@routes.form(REFLECTION_FORM, anonymous=True)
async def on_change_form(ctx: Context, values: Mapping[str, str], payload: str) -> list[Effect]:
    """One thing to change: checked first (a refused form stores nothing), then kept anonymously."""
    meeting = await _reflection_meeting(ctx, payload)
    if meeting is None:
        return [with_their_text(CLOSED, values.get("change") or "")]
    try:
        text = clean_text(values.get("change") or "", limit=limits.REFLECTION, what="your answer")
    except TextRejected as exc:
        return [FormErrors({"change": exc.in_form})]
    if not await reflections.claim(ctx.conn, meeting.id, _token(ctx, CHANGE_PURPOSE, meeting.id)):
        return [with_their_text(ALREADY_CHANGE, values.get("change") or "")]
    await reflections.add(ctx.conn, meeting.id, heard=None, change=text, rng=ctx.services.rng)
    await _count_whole_crowds(ctx, meeting.id, scores=False)
    k = ctx.require_group().k
    return [
        reply(
            "Thank you. The facilitators will see it, without your name, together with others' "
            f"once at least {k} have come in."
        )
    ]


# -- typed: `heard 4`, `heard partly`, `heard change <one thing>` --------------------------------
# The same handlers as the buttons and the form, on the group's last meeting: the same tokens,
# the same whole crowds, nothing about the person written.

HEARD_WORDS = {"yes": 5, "completely": 5, "partly": 3, "somewhat": 3, "no": 1, "not-really": 1}
HEARD_USAGE = "heard yes|partly|no  /  heard change <one thing>"


def _read_heard(spec: CommandSpec, rest: str) -> ParsedCommand:
    word, after = split(rest)
    if word == "change":
        if not after:
            return spec.parsed("heard.change")
        return spec.parsed("heard.change", arg=after)
    answer = hyphenated(rest)
    score = HEARD_WORDS.get(answer) or (int(answer) if answer in ("1", "2", "3", "4", "5") else 0)
    if not score:
        raise CommandError(
            "Please say how heard you felt at the last meeting: `heard yes`, `heard partly` or "
            "`heard no` (or 1 to 5), or tell me one thing to change: `heard change <your words>`."
        )
    return spec.parsed(number=score)


async def _last_meeting_part(ctx: Context) -> str:
    meeting = await meetings.latest_ended(ctx.conn, ctx.require_group().id)
    if meeting is None:
        raise UserError("There hasn't been a meeting to reflect on yet. Thank you all the same.")
    return str(meeting.id)


def _not_in_the_open(ctx: Context, original: str) -> None:
    if ctx.seen_by_others:
        raise UserError(
            "I haven't kept that: in the channel everyone can see who typed it, so it could not "
            "stay anonymous. Please send it to me in a direct message instead.",
            original=original,
        )


@routes.command(
    "heard",
    "member",
    usage=HEARD_USAGE,
    summary="after a meeting: did you feel heard, and one thing you'd change (anonymous)",
    rank=165,
    grammar=Grammar(("heard", "heard.change"), _read_heard),
    anonymous=True,
)
async def heard_typed(ctx: Context, command: ParsedCommand) -> list[Effect]:
    """The typed twin of the 1-5 buttons after a meeting."""
    _not_in_the_open(ctx, "")
    part = await _last_meeting_part(ctx)
    return await on_heard(ctx, f"{part}:{command.number}")


@routes.handles("heard.change")
async def change_typed(ctx: Context, command: ParsedCommand) -> list[Effect]:
    """The typed twin of "One thing to change" (alone: its form) and of the form itself."""
    part = await _last_meeting_part(ctx)
    if not command.arg:
        return await on_open_change(ctx, part)
    _not_in_the_open(ctx, command.arg)
    return as_typed(await on_change_form(ctx, {"change": command.arg}, part), command.arg)


# -- the note on sharing --------------------------------------------------------------------------


async def reciprocity_note(ctx: Context, meeting: Meeting) -> list[Effect]:
    """Tell facilitators, privately, when professionals have shared much less than people with
    lived experience over recent meetings: less than half as often, over at least two rounds,
    with at least `k` people on each side (so the note never points at one person).

    Once per meeting; in quiet hours nothing now and the key stays unused (run it again later).
    """
    group = await _group_of(ctx, meeting)
    if group is None or is_quiet(group, ctx.now):
        return []
    if not await meetings.claim_firing(ctx.conn, f"reciprocity:{meeting.id}", ctx.now):
        return []
    if await _superseding(ctx, group, meeting, RECIPROCITY, RECIPROCITY_STALE):
        return []  # a newer meeting's note, going out now, covers this one's meetings too
    recent = await meeting_records.recent_meetings(ctx.conn, meeting, RECIPROCITY_MEETINGS)
    infos = await meeting_records.rounds_of(ctx.conn, [m.id for m in recent])
    if len(infos) < RECIPROCITY_MIN_ROUNDS:
        return []
    answers = await meeting_records.answers_of(ctx.conn, [r.id for r in infos])
    everyone = await members.of_group(ctx.conn, group.id)
    roster = [meeting_records.MemberRole(m.id, m.role, m.joined_at) for m in everyone]
    rates = share_rates(infos, answers, roster, now=ctx.now)
    lived, professional = rates[LIVED], rates[PROFESSIONAL]
    # The crowd rule: each side on its own must be a crowd, or the note would point at someone.
    if not (shown(lived.people, group.k) and shown(professional.people, group.k)):
        return []
    if lived.shares == 0:
        return []
    if professional.rate >= lived.rate / 2:
        return []
    meetings_with_rounds = len({r.meeting_id for r in infos})
    card = reciprocity_card(meetings_with_rounds, len(infos), lived.rate, professional.rate)
    return [
        MessageMember(group.platform, group.workspace, m.user_id, card)
        for m in everyone
        if m.is_facilitator and m.nudges
    ]


# -- your own nudges: `nudges on|off` ---------------------------------------------------------


@routes.command(
    "nudges",
    "member",
    usage="nudges on|off",
    summary="turn your reminders on or off",
    rank=160,
    grammar=one_of(("on", "off"), "Please say `nudges on` or `nudges off`."),
)
async def nudges(ctx: Context, command: ParsedCommand) -> list[Effect]:
    """Turn your own nudges on or off; it changes nothing for anyone else."""
    member, group = ctx.require_member(), ctx.require_group()
    wanted = command.arg == "on"
    state = "on" if wanted else "off"
    if member.nudges == wanted:
        return [reply(f"Your nudges are already {state}. {NUDGES_EXPLAINED}")]
    await members.change(ctx.conn, member.id, nudges=wanted)
    if wanted:
        return [reply(f"Done: your nudges are on. {NUDGES_EXPLAINED} To stop them: `nudges off`.")]
    return [
        reply(
            f"Done: your nudges are off. I won't send you reminders or reflection questions for "
            f"{neutralise(group.name)}. Everything in the channel stays as it is. To have them "
            "back: `nudges on`."
        )
    ]
