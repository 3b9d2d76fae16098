"""The check-in: "How are you arriving today?" before each meeting, with the right to pass.

`send_checkin` posts the card in the channel and sends it to each member, once per meeting
whoever asks (the scheduler, a facilitator, a retry). Members answer with a button (a mood or
Pass) or the form (mood, optional words, and who may read the words); they may change their
answer until the meeting ends. Every answer redraws the channel card's count, which says how many
have checked in, never who has not.

The `checkin` command does two things: a facilitator sends the check-in when it has not gone out
for the current meeting (starting a meeting if none is running); otherwise, and for everyone
else, it opens the answer form.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot import limits
from bot.context import Context
from bot.effects import Effect, FormErrors, MessageMember, OpenForm, PostToConversation, UpdatePost
from bot.errors import UserError
from bot.grammar import (
    TRAILING_MARKS,
    CommandError,
    CommandSpec,
    Grammar,
    ParsedCommand,
    hyphenated,
    split,
)
from bot.handlers.access.commands import facilitator_note as access_note
from bot.handlers.agenda.meeting_end import agenda_for_checkin
from bot.handlers.checkin import live_view
from bot.handlers.checkin.cards import (
    ANSWER,
    DEFAULT_QUESTION,
    FORM,
    MOODS,
    OPEN_FORM,
    PASS,
    answer_form,
    checkin_card,
    parse_id,
    thanks,
)
from bot.handlers.meetings.opening import start_meeting
from bot.prompts import choose_prompt
from bot.replies import as_typed, reply, with_their_text
from bot.routing import Routes
from bot.store import checkins, groups, meetings, members
from bot.store.checkins import VISIBILITIES, Checkin
from bot.store.groups import Group
from bot.store.meetings import Meeting
from bot.text_safety import TextRejected, clean_text

routes = Routes()

CHOICES_TEXT = frozenset([PASS, *(str(n) for n in MOODS)])
NO_CHECKIN_OPEN = (
    "There's no check-in open right now. It comes out before each meeting, in the channel and "
    "in a message to you."
)
MEETING_ENDED = (
    "That meeting has ended, so its check-in is closed. Thank you for wanting to answer; "
    "there will be a new check-in before the next meeting."
)
STALE_BUTTON = "That check-in button no longer works. Please type `checkin` instead."
CHOOSE_MOOD = "Please choose how you're arriving, from 1 (Struggling) to 5 (Great), or Pass."
CHOOSE_VISIBILITY = (
    "Please choose who may read your words: everyone in the group, only the facilitators, "
    "or nobody."
)


def checkin_key(meeting_id: int) -> str:
    """The key of a meeting's check-in post in the channel, for updating its count in place."""
    return f"checkin:{meeting_id}"


# -- sending ------------------------------------------------------------------------------------


async def send_checkin(ctx: Context, meeting: Meeting) -> list[Effect]:
    """Post the meeting's check-in in the channel and message each member. Once per meeting:
    a second call (a retry, a second clock, a facilitator racing the schedule) returns []."""
    group = ctx.group if ctx.group and ctx.group.id == meeting.group_id else None
    group = group or await groups.get(ctx.conn, meeting.group_id)
    if group is None or meeting.checkin_sent_at is not None:
        return []
    if meeting.status in (meetings.ENDED, meetings.CANCELLED):
        return []  # a check-in after the meeting would only ask people to answer into nothing
    if not await meetings.claim_firing(ctx.conn, checkin_key(meeting.id), ctx.now):
        return []
    question = await _choose_question(ctx, group)
    await checkins.mark_sent(ctx.conn, meeting.id, ctx.now, question)
    everyone = await members.of_group(ctx.conn, group.id)
    answered = await checkins.count(ctx.conn, meeting.id)
    agenda = await agenda_for_checkin(ctx, group)
    card = checkin_card(group.id, meeting.id, question, answered, len(everyone), agenda)
    effects: list[Effect] = [PostToConversation(group.where, card, key=checkin_key(meeting.id))]
    effects.extend(
        MessageMember(group.platform, group.workspace, member.user_id, card) for member in everyone
    )
    # Facilitators see, privately and in time to prepare, the needs members agreed to share.
    effects.extend(await access_note(ctx, group))
    return effects


async def _choose_question(ctx: Context, group: Group) -> str:
    """A library question this group has not had since the library was last used up."""
    library = ctx.services.prompts.checkin
    if not library:
        return DEFAULT_QUESTION
    used = await checkins.used_prompts(ctx.conn, group.id, "checkin")
    prompt, reset = choose_prompt(library, used, ctx.services.rng)
    await checkins.record_prompt(ctx.conn, group.id, "checkin", prompt.id, ctx.now, reset=reset)
    return prompt.text


async def card_update(
    ctx: Context, group: Group, meeting: Meeting, answered: int, total: int
) -> UpdatePost:
    """The channel card redrawn with the current count (and the agenda as it stands)."""
    question = meeting.checkin_prompt or DEFAULT_QUESTION
    agenda = await agenda_for_checkin(ctx, group)
    card = checkin_card(group.id, meeting.id, question, answered, total, agenda)
    return UpdatePost(group.where, checkin_key(meeting.id), card)


# -- the command ----------------------------------------------------------------------------------


# -- typed answers: `checkin 3`, `checkin pass`, `checkin 2 facilitators: <words>` ---------------

MOOD_WORDS = {label.lower(): str(n) for n, label in MOODS.items()}
VISIBILITY_WORDS = {
    "group": "group",
    "everyone": "group",
    "all": "group",
    "facilitators": "facilitators",
    "facilitator": "facilitators",
    "nobody": "nobody",
    "me": "nobody",
}
TYPED_USAGE = (
    "Type `checkin 1` to `checkin 5` (1 Struggling … 5 Great) or `checkin pass`. To add words, "
    "say who may read them first: `checkin 2 facilitators: a rough night`, or `group:` or "
    "`nobody:`."
)
WHO_READS = re.compile(r"\s*([^\W\d_]+)\s*:?\s*(.*)", re.DOTALL)
"""Who may read the words, then the words: `facilitators: a rough night`."""
WORDS_IN_THE_OPEN = (
    "I haven't kept your words: everyone in the channel can already read them here. To keep "
    "them for the facilitators or for yourself, send `checkin` and your words to me in a direct "
    "message."
)


def _read_checkin(spec: CommandSpec, rest: str) -> ParsedCommand:
    """`checkin` (the form, or sending it), `checkin live`, or a typed answer: the mood (or
    `pass`) as `arg`, then who may read the words and the words (`value`, `mention`)."""
    word, after = split(rest)
    word = word.rstrip(TRAILING_MARKS)
    if not word:
        return spec.parsed()
    if word in ("live", "arrivals"):
        return live_view.ARRIVALS.parsed()
    choice = MOOD_WORDS.get(word, word)
    if choice not in CHOICES_TEXT:
        raise CommandError(f"I didn't understand “{rest[:40]}”. {TYPED_USAGE}")
    if not after:
        return spec.parsed("checkin.answer", arg=choice)
    found = WHO_READS.match(after)
    audience, words = (found.group(1), found.group(2).strip()) if found else ("", "")
    visibility = VISIBILITY_WORDS.get(hyphenated(audience))
    if visibility is None or not words:
        raise CommandError(
            "Who may read your words? Please start them with `group:`, `facilitators:` or "
            f"`nobody:`. {TYPED_USAGE}",
            original=after,
        )
    return spec.parsed("checkin.answer", arg=choice, mention=visibility, value=words)


@routes.command(
    "checkin",
    "member",
    usage="checkin  /  checkin 1-5  /  checkin pass",
    summary="answer the check-in: 1 struggling to 5 great, or pass; to add words, say who may "
    "read them, as in `checkin 2 facilitators: a long night` (facilitators: `checkin` sends it)",
    rank=80,
    grammar=Grammar(("checkin", "checkin.answer"), _read_checkin),
    aliases=("check-in",),
)
async def checkin_command(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """Facilitators: send the check-in if it has not gone out. Everyone: open the answer form."""
    group, member = ctx.require_group(), ctx.require_member()
    meeting = await meetings.current(ctx.conn, group.id)
    if member.is_facilitator and (meeting is None or meeting.checkin_sent_at is None):
        meeting = meeting or await _start_meeting(ctx)
        sent = await send_checkin(ctx, meeting)
        if sent:
            return [
                *sent,
                reply(
                    "I've posted the check-in in the channel and sent it to each member. "
                    "To answer it yourself, press a number (or Pass), or type `checkin` again."
                ),
            ]
        fresh = await meetings.get(ctx.conn, meeting.id)
        meeting = fresh or meeting
    if meeting is None or meeting.checkin_sent_at is None:
        return [reply(NO_CHECKIN_OPEN)]
    form = await _form_for(ctx, group, meeting)
    if not member.is_facilitator:
        return [form]
    answered = await checkins.count(ctx.conn, meeting.id)
    total = await checkins.member_count(ctx.conn, group.id)
    return [
        reply(
            f"The check-in has already gone out for this meeting: {answered} of {total} "
            "checked in. Here is your own check-in, if you'd like to answer it."
        ),
        form,
    ]


async def _start_meeting(ctx: Context) -> Meeting:
    """The meeting `meeting start` would give: a scheduled one about to begin, or a new one."""
    return await start_meeting(ctx)


async def _form_for(ctx: Context, group: Group, meeting: Meeting) -> OpenForm:
    current = await checkins.get(ctx.conn, meeting.id, ctx.require_member().id)
    return _form(group, meeting, current)


def _form(group: Group, meeting: Meeting, current: Checkin | None) -> OpenForm:
    """The answer form, filled with the member's answer so far."""
    question = meeting.checkin_prompt or DEFAULT_QUESTION
    return OpenForm(answer_form(group.id, meeting.id, question, current))


@routes.handles("checkin.answer")
async def checkin_typed(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """The typed twin of the mood buttons and of the form: the same handlers, on the current
    meeting's check-in."""
    meeting = await meetings.current(ctx.conn, ctx.require_group().id)
    if meeting is None or meeting.checkin_sent_at is None:
        raise UserError(NO_CHECKIN_OPEN, original=cmd.value)
    if not cmd.value:
        return await on_answer(ctx, f"{meeting.id}:{cmd.arg}")
    if ctx.seen_by_others and cmd.mention != "group":
        raise UserError(WORDS_IN_THE_OPEN, original=cmd.value)
    values = {"mood": cmd.arg, "words": cmd.value, "visibility": cmd.mention or ""}
    return as_typed(await on_form(ctx, values, str(meeting.id)), cmd.value)


# -- buttons and the form -----------------------------------------------------------------------


async def _answering(ctx: Context, meeting_part: str) -> checkins.Answering | None:
    """The meeting a button or form names, with the member's answer so far and the card's counts;
    None when the meeting is over. A meeting of another group is a stale button."""
    meeting_id = parse_id(meeting_part)
    if meeting_id is None:
        raise UserError(STALE_BUTTON)
    found = await checkins.answering(ctx.conn, meeting_id, ctx.require_member().id)
    if found is None or found.meeting.group_id != ctx.require_group().id:
        raise UserError(STALE_BUTTON)
    if found.meeting.status in (meetings.ENDED, meetings.CANCELLED):
        return None
    return found


@routes.choice(ANSWER)
async def on_answer(ctx: Context, payload: str) -> list[Effect]:
    """A mood button or Pass. Keeps any words already given; replaces the earlier mood."""
    meeting_part, _, choice = payload.partition(":")
    found = await _answering(ctx, meeting_part)
    if found is None:
        return [reply(MEETING_ENDED)]
    if choice not in CHOICES_TEXT:
        raise UserError(STALE_BUTTON)
    mood = None if choice == PASS else int(choice)
    group, member = ctx.require_group(), ctx.require_member()
    meeting, earlier = found.meeting, found.earlier
    words = earlier.words if earlier else None
    visibility = earlier.visibility if earlier else "group"
    replaced = await checkins.answer(
        ctx.conn, meeting.id, member.id, mood=mood, words=words, visibility=visibility, now=ctx.now
    )
    text = thanks(mood, replaced=replaced, visibility=visibility if words else None)
    if not words:
        text += "\nTo add a few words, type `checkin` (or use Add words on the card)."
    answered = found.answered_after(replaced=replaced)
    live = await live_view.refreshed(ctx, group, meeting)
    redrawn = await card_update(ctx, group, meeting, answered, found.members)
    return [reply(text), redrawn, *live]


@routes.choice(OPEN_FORM)
async def on_open_form(ctx: Context, payload: str) -> list[Effect]:
    """The "Add words" button: the full form, filled with the answer so far."""
    found = await _answering(ctx, payload)
    if found is None:
        return [reply(MEETING_ENDED)]
    return [_form(ctx.require_group(), found.meeting, found.earlier)]


@routes.form(FORM)
async def on_form(ctx: Context, values: Mapping[str, str], payload: str) -> list[Effect]:
    """The answer form. Checks everything first, so a refused form stores nothing."""
    found = await _answering(ctx, payload)
    if found is None:
        return [with_their_text(MEETING_ENDED, values.get("words") or "")]
    meeting = found.meeting
    choice = (values.get("mood") or "").strip().lower()
    if choice not in CHOICES_TEXT:
        return [FormErrors({"mood": CHOOSE_MOOD})]
    words: str | None = None
    try:
        words = clean_text(
            values.get("words") or "", limit=limits.CHECKIN_WORDS, what="what you wrote"
        )
    except TextRejected as exc:
        if exc.reason != "empty":
            return [FormErrors({"words": exc.in_form})]
    visibility = (values.get("visibility") or "").strip().lower()
    if visibility not in VISIBILITIES:
        if words:
            return [FormErrors({"visibility": CHOOSE_VISIBILITY})]
        visibility = "group"
    mood = None if choice == PASS else int(choice)
    group, member = ctx.require_group(), ctx.require_member()
    replaced = await checkins.answer(
        ctx.conn, meeting.id, member.id, mood=mood, words=words, visibility=visibility, now=ctx.now
    )
    text = thanks(mood, replaced=replaced, visibility=visibility if words else None)
    answered = found.answered_after(replaced=replaced)
    live = await live_view.refreshed(ctx, group, meeting)
    redrawn = await card_update(ctx, group, meeting, answered, found.members)
    return [reply(text), redrawn, *live]
