"""Name the elephant: anonymous elephants, "I see it too", and "you said, we did".

Anonymous means anonymous. `elephant` (command and form), "I see it too" and perspectives are
anonymous routes: the core never adds the person as a member for them, and these handlers never
write a row that holds their id, name or member id, and log nothing at all. An elephant is stored
with no author and a `post_after` time a random delay away; `post_due_elephants` (run by the
scheduler) posts due elephants in random order, so neither the order nor the time points at anyone.

Writing `elephant big: <text>` names a big elephant; plain `elephant <text>` names a little one;
`elephant` alone opens the form, which offers both and explains the difference.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta

from bot import limits
from bot.context import Context
from bot.effects import (
    Effect,
    FormErrors,
    MessageMember,
    OpenForm,
    PostToConversation,
    ReplyToActor,
    UpdatePost,
)
from bot.errors import UserError
from bot.grammar import (
    TRAILING_MARKS,
    CommandError,
    CommandSpec,
    Grammar,
    ParsedCommand,
    split,
)
from bot.handlers.elephants.cards import (
    AS_NEW,
    AS_OUTCOME,
    FORM,
    NO_DELAY_WARNING,
    SEE_TOO,
    STATUS_WORDS,
    elephant_card,
    elephant_form,
    elephant_key,
    invitation_card,
    outcome_card,
    outcome_or_new_card,
    parse_id,
)
from bot.handlers.elephants.entries import entry
from bot.handlers.elephants.perspectives import release_due
from bot.handlers.privacy.crowd_rule import crowd
from bot.handlers.verdicts.asking import ask_the_group, close_about, redraw_due
from bot.handlers.verdicts.grammar import ANSWER_SPEC, FEELS, read_feeling
from bot.handlers.verdicts.subjects import ELEPHANT
from bot.identity import anonymous_token
from bot.replies import reply
from bot.routing import Routes
from bot.store import elephants as store
from bot.store import groups, members, verdicts
from bot.store.elephants import BIG, LITTLE, OUTCOME_STATUSES, Elephant
from bot.store.groups import Group
from bot.text_safety import TextRejected, clean_text

routes = Routes()

SIZE_PREFIXES = {"big:": BIG, "little:": LITTLE}
STATUSES = ("discussed", "addressed", "parked", "hidden", "open")
"""What a facilitator may say happened to an elephant (`open` takes an outcome back)."""
LIST_LIMIT = 25
STALE = "That button no longer works. Type `elephants` to see the open elephants."


# -- naming an elephant (anonymous) ---------------------------------------------------------------


def _delay(ctx: Context, group: Group) -> timedelta:
    """A random delay between half and one and a half times the group's anonymity delay."""
    minutes = group.anonymity_delay_minutes
    if minutes <= 0:
        return timedelta(0)
    return timedelta(minutes=minutes * ctx.services.rng.uniform(0.5, 1.5))


async def _store_elephant(ctx: Context, text: str, size: str) -> str:
    """Store an authorless elephant and say what happens next. Returns the reply text."""
    group = ctx.require_group()
    await store.create(
        ctx.conn, group.id, text=text, size=size, post_after=ctx.now + _delay(ctx, group)
    )
    lines = [
        "Thank you for naming it. It will appear in the channel after a short delay, "
        "without your name.",
        "We store the words and the time. We never store who sent it.",
    ]
    if size == BIG:
        lines.append("It's a big one, so I'll ask every member for their perspective.")
    if group.anonymity_delay_minutes <= 0:
        lines.append(NO_DELAY_WARNING)
    return "\n".join(lines)


def _split_size(text: str) -> tuple[str, str]:
    """`big: words` or `little: words` choose the size; anything else is a little elephant."""
    lowered = text.lower()
    for prefix, size in SIZE_PREFIXES.items():
        if lowered.startswith(prefix):
            return size, text[len(prefix) :]
    return LITTLE, text


TYPED_IN_THE_OPEN = (
    "I haven't kept that elephant: in the channel everyone can see who typed it, so it could "
    "not stay anonymous. You may want to delete your message. To name it anonymously, send "
    "`elephant` and your text to me in a direct message, or use `elephant` on its own in the "
    "channel to get a private form."
)


NUMBER = re.compile(r"#?(-?\d+)")
"""An elephant's number as people type it: `3`, `#3`, or a mistaken `-1` (answered, not stored)."""
NOTE_FREE = ("hidden", "open")
"""Statuses that take no note: words after `elephant 1 hidden` are most likely a new elephant
("hidden agendas …"), so they are asked about wherever they are typed."""


def _outcome_parts(rest: str) -> tuple[int, str, str] | None:
    """`3 addressed we changed the rota` as (3, "addressed", "we changed the rota"), or None
    when the words do not start with a number and a status."""
    first, after = split(rest)
    found = NUMBER.fullmatch(first)
    word, note = split(after)
    status = word.rstrip(TRAILING_MARKS)
    if found is None or status not in STATUSES:
        return None
    return int(found.group(1)), status, note


def _read_elephant(spec: CommandSpec, rest: str) -> ParsedCommand:
    """Read `elephant …`: a facilitator's outcome, a new elephant, or a question about which.

    The rule, so that nobody's words are taken the wrong way silently:
    - `elephant <n> <status>` alone is an outcome (a facilitator's command);
    - `elephant <n> <status> <words>` may be either (`elephant 1 hidden agendas: …`), so its
      handler decides or asks (`elephant_outcome_or_new`);
    - a number alone (`elephant 3`) shows that elephant whole (`elephant.show`);
    - a number and a word close to a status (`elephant 1 dicussed …`), or a number and one
      other word (`elephant 3 done`), is a mistyped outcome: refused with what would work;
    - anything else is a new elephant (`elephant 2021 was a hard year`); starting it with
      `little:` or `big:` makes any words a new elephant."""
    first, after = split(rest)
    found = NUMBER.fullmatch(first)
    if found is None:
        return spec.parsed("elephant.new", arg=rest)
    number = int(found.group(1))
    if not after:
        return spec.parsed("elephant.show", number=number)
    word, note = split(after)
    if word.rstrip(TRAILING_MARKS) in FEELS[:2]:  # `elephant 3 feels partly`
        return read_feeling(ANSWER_SPEC, ELEPHANT, number, note)
    parts = _outcome_parts(rest)
    if parts is not None:
        _, status, note = parts
        if not note:
            return OUTCOME.parsed("elephant.status", arg=status, number=number)
        return spec.parsed("elephant.either", arg=rest, number=number, value=note)
    word, note = split(after)
    guess = difflib.get_close_matches(word.rstrip(TRAILING_MARKS), STATUSES, n=1, cutoff=0.75)
    if guess:
        more = " …" if note else ""
        raise CommandError(
            f"Did you mean `elephant {number} {guess[0]}{more}`, to record what happened to "
            f"elephant #{number}? If it's a new elephant, start it with `elephant little:` or "
            "`elephant big:` so I know."
        )
    if len(after.split()) <= 1:
        options = "|".join(STATUSES[:4])
        raise CommandError(
            f"Please say what happened to elephant {number}: "
            f"`elephant {number} {options} [what was done]`."
        )
    return spec.parsed("elephant.new", arg=rest)


GRAMMAR = Grammar(
    ("elephant.new", "elephant.status", "elephant.either", "verdict.answer", "elephant.show"),
    _read_elephant,
)


def _read_elephants(spec: CommandSpec, rest: str) -> ParsedCommand:
    """`elephants` lists them; `elephants 3` (or `#3`) shows one whole, as `elephant 3` does."""
    if not rest.strip():
        return spec.parsed()
    found = NUMBER.fullmatch(rest.strip())
    if found is None:
        raise CommandError(
            "Type `elephants` for the list, or `elephants` and a number to read one whole, "
            "for example `elephants 3`."
        )
    return spec.parsed("elephant.show", number=int(found.group(1)))


OUTCOME = routes.declare(
    CommandSpec(
        "elephant-outcome",
        "facilitator",
        "group",
        "elephant <number> discussed|addressed|parked|hidden [what was done]",
        "record what was done about an elephant, or hide it",
        GRAMMAR,
        rank=110,
        typed=False,
    )
)
"""The facilitators' form of `elephant`, with a line of its own in `help`."""


@routes.command(
    "elephant",
    "member",
    usage="elephant [what nobody is saying]",
    summary="name an elephant anonymously",
    rank=90,
    grammar=GRAMMAR,
    anonymous=True,
    action="elephant.new",
)
async def elephant_new(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """`elephant` alone opens the form; `elephant [big:] <text>` names one straight away."""
    group = ctx.require_group()
    if not cmd.arg.strip():
        return [OpenForm(elephant_form(group.id, group.anonymity_delay_minutes))]
    if ctx.seen_by_others:
        raise UserError(TYPED_IN_THE_OPEN, original=cmd.arg)
    return await _name(ctx, cmd.arg)


async def _name(ctx: Context, typed: str) -> list[Effect]:
    """Store the typed words (after an optional `big:` or `little:`) as a new elephant."""
    size, raw = _split_size(typed)
    text = clean_text(raw, limit=limits.ELEPHANT, what="your elephant")
    answer = await _store_elephant(ctx, text, size)
    if size == LITTLE:
        answer += (
            "\nThis is a little elephant. For a big one, which needs everyone's view, write "
            "`elephant big: <your words>`, or type `elephant` on its own for the form."
        )
    return [reply(answer)]


@routes.handles("elephant.either")
async def elephant_outcome_or_new(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """`elephant <n> <status> <words>`: an outcome with a note, or a new elephant whose words
    start with a number and a status word. Declared with the anonymous `elephant` command, so
    nothing about the person is written here either way.

    In a channel a facilitator's note after `discussed`, `addressed` or `parked` is an outcome,
    as it always was. Anywhere else (a direct message, where elephants are named, or words after
    `hidden` or `open`, which take no note) it could equally be a new elephant: the person is
    asked, with a button for each reading they may use and their words kept on both."""
    group, member = ctx.require_group(), ctx.require_member()
    # Too long for an elephant is too long for a note too (a shorter limit): neither reading
    # could work, so hand the words back now rather than carry them on buttons.
    clean_text(cmd.arg, limit=limits.ELEPHANT, what="your text")
    direct = ctx.where is not None and ctx.where.is_direct
    number, status = cmd.number or 0, cmd.arg.split()[1].rstrip(TRAILING_MARKS)
    outcome = OUTCOME.parsed("elephant.status", arg=status, number=number, value=cmd.value)
    if member.is_facilitator and not direct and status not in NOTE_FREE:
        return await elephant_status(ctx, outcome)
    can_name = not ctx.seen_by_others
    if member.is_facilitator:
        lead = (
            f"Did you mean to record that elephant #{number} is {STATUS_WORDS[status]}, with "
            "your words as the note, or to name a new elephant with all of your words?"
        )
        if not can_name:
            lead += " (A new elephant typed here could not stay anonymous.)"
    elif can_name:
        lead = (
            f"Only facilitators can {OUTCOME.summary}. If you meant a new elephant, I can name "
            "it anonymously with your words."
        )
    else:
        raise UserError(
            f"Only facilitators can {OUTCOME.summary}. {TYPED_IN_THE_OPEN}", original=cmd.arg
        )
    card = outcome_or_new_card(
        group.id, number, status, cmd.arg, lead=lead, record=member.is_facilitator, name=can_name
    )
    return [ReplyToActor(card)]


@routes.choice(AS_OUTCOME, audience="facilitator")
async def as_outcome(ctx: Context, payload: str) -> list[Effect]:
    """The facilitator meant an outcome: record it with the rest of their words as the note."""
    parts = _outcome_parts(payload)
    if parts is None:
        raise UserError(STALE)
    number, status, note = parts
    return await elephant_status(
        ctx, OUTCOME.parsed("elephant.status", arg=status, number=number, value=note)
    )


@routes.choice(AS_NEW, anonymous=True)
async def as_new(ctx: Context, payload: str) -> list[Effect]:
    """They meant a new elephant: name it with every word they typed, anonymously."""
    if not payload.strip():
        raise UserError(STALE)
    return await _name(ctx, payload)


@routes.form(FORM, anonymous=True)
async def elephant_submitted(ctx: Context, values: Mapping[str, str], payload: str) -> list[Effect]:
    """The elephant form. A refused form stores nothing and keeps what was typed."""
    size = (values.get("size") or LITTLE).strip().lower()
    if size not in (LITTLE, BIG):
        return [FormErrors({"size": "Please choose little or big."})]
    try:
        text = clean_text(values.get("text") or "", limit=limits.ELEPHANT, what="your elephant")
    except TextRejected as exc:
        return [FormErrors({"text": exc.in_form})]
    return [reply(await _store_elephant(ctx, text, size))]


# -- posting (scheduled) --------------------------------------------------------------------------


async def post_due_elephants(ctx: Context) -> list[Effect]:
    """Post every elephant, of any group, whose delay has passed, in random order. Each is
    claimed before it is posted, so two clocks never post one twice. Big ones also invite every
    member (who has not turned nudges off) to add their perspective."""
    due = await store.due(ctx.conn, ctx.now)
    ctx.services.rng.shuffle(due)
    found: dict[int, Group | None] = {}
    effects: list[Effect] = []
    for elephant in due:
        if elephant.group_id not in found:
            found[elephant.group_id] = await groups.get(ctx.conn, elephant.group_id)
        group = found[elephant.group_id]
        if group is None or not await store.claim_post(ctx.conn, elephant.id, ctx.now):
            continue
        posted = await store.get(ctx.conn, elephant.id)
        assert posted is not None
        card = elephant_card(group.id, posted, posted.marks_shown, group.k)
        effects.append(PostToConversation(group.where, card, key=elephant_key(posted.id)))
        if posted.is_big:
            invitation = invitation_card(group.id, group.name, posted, group.k)
            effects.extend(
                MessageMember(group.platform, group.workspace, member.user_id, invitation)
                for member in await members.of_group(ctx.conn, group.id)
                if member.nudges
            )
    effects.extend(await release_due(ctx))
    effects.extend(await _redraw_marks(ctx, found))
    effects.extend(await redraw_due(ctx))  # "does this feel addressed?" counts, the same way
    return effects


async def _redraw_marks(ctx: Context, found: dict[int, Group | None]) -> list[Effect]:
    """Redraw the cards whose "I see it too" figure moved, here in the sweep and not at the
    press, so the moment a card changes does not point at whoever pressed. The figure is the
    crowd rule's (`crowd_rule.crowd`), so it moves only in whole crowds of `k`."""
    effects: list[Effect] = []
    for elephant in await store.marks_to_redraw(ctx.conn):
        if elephant.group_id not in found:
            found[elephant.group_id] = await groups.get(ctx.conn, elephant.group_id)
        group = found[elephant.group_id]
        if group is None:
            continue
        figure = crowd(await store.mark_count(ctx.conn, elephant.id), group.k)
        changed = figure != elephant.marks_shown
        if not await store.set_marks_shown(ctx.conn, elephant.id, figure) or not changed:
            continue
        card = elephant_card(group.id, replace(elephant, marks_shown=figure), figure, group.k)
        effects.append(UpdatePost(group.where, elephant_key(elephant.id), card))
    return effects


# -- "I see it too" (anonymous) -------------------------------------------------------------------


async def _posted(ctx: Context, payload: str) -> Elephant:
    group = ctx.require_group()
    elephant_id = parse_id(payload)
    elephant = await store.posted(ctx.conn, group.id, elephant_id) if elephant_id else None
    if elephant is None:
        raise UserError(STALE)
    return elephant


async def _card_update(ctx: Context, group: Group, elephant: Elephant) -> UpdatePost:
    """The card redrawn with the "I see it too" figure the sweep last released."""
    card = elephant_card(group.id, elephant, elephant.marks_shown, group.k)
    return UpdatePost(group.where, elephant_key(elephant.id), card)


@routes.choice(SEE_TOO, anonymous=True)
async def see_too(ctx: Context, payload: str) -> list[Effect]:
    """Count one "I see it too" per person, by keyed hash; nobody can see who marked it."""
    elephant = await _posted(ctx, payload)
    if elephant.is_hidden:
        return [reply("That elephant was hidden by a facilitator, so it can't be marked.")]
    token = anonymous_token(ctx.services.secret, "see-too", elephant.id, ctx.require_who())
    if not await store.add_mark(ctx.conn, elephant.id, token):
        return [
            reply(
                f"You've already said you see elephant #{elephant.number}. It's counted once, "
                "and nobody can see who marked it."
            )
        ]
    await store.note_marks_changed(ctx.conn, elephant.id)
    return [
        reply(
            f"Thank you. I've counted it for elephant #{elephant.number}, without your name. "
            f"The count on the card is updated every little while, {ctx.require_group().k} "
            "people at a time."
        )
    ]


def _read_see(spec: CommandSpec, rest: str) -> ParsedCommand:
    """`see 3`, `see it too 3`, `me too 3`, `see #3`: the elephant's number, whatever leads it."""
    words = [w for w in rest.lower().split() if w not in ("it", "too", "see")]
    found = NUMBER.fullmatch(words[0]) if len(words) == 1 else None
    if found is None or int(found.group(1)) < 1:
        raise CommandError(
            "Please give the elephant's number: `see 3` says you see elephant #3 too "
            "(`elephants` lists them)."
        )
    return spec.parsed(number=int(found.group(1)))


@routes.command(
    "see",
    "member",
    usage="see <number>  (or: me too <number>)",
    summary="say you see an elephant too, anonymously",
    rank=92,
    grammar=Grammar((), _read_see),
    anonymous=True,
    aliases=("me", "see-too", "me-too", "metoo"),
)
async def see_typed(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """The typed twin of "I see it too": the same handler, so the same token and count."""
    if ctx.seen_by_others:
        raise UserError(
            "I haven't counted that: in the channel everyone can see who typed it. Please send "
            f"`see {cmd.number}` to me in a direct message instead."
        )
    elephant = await store.by_number(ctx.conn, ctx.require_group().id, cmd.number or 0)
    if elephant is None:
        raise UserError(
            f"I can't find elephant #{cmd.number}. Type `elephants` to see the open ones."
        )
    return await see_too(ctx, str(elephant.id))


# -- the list and the facilitator's outcomes ------------------------------------------------------


@routes.command(
    "elephants",
    "member",
    usage="elephants [number]",
    summary="list the open elephants, or read one whole",
    rank=91,
    grammar=Grammar(("elephants", "elephant.show"), _read_elephants),
    aliases=("elephant-list",),
)
async def elephants_list(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """The group's elephants in the channel (not hidden, not still waiting to be posted)."""
    group = ctx.require_group()
    shown = await store.visible(ctx.conn, group.id)
    if not shown:
        return [
            reply(
                f"No elephants are showing in {group.name} right now. "
                "To name one anonymously, type `elephant`."
            )
        ]
    lines: list[str] = []
    asked = await verdicts.latest_of_kind(ctx.conn, group.id, ELEPHANT)
    for elephant in shown[-LIST_LIMIT:]:
        lines.append(entry(elephant, asked.get(elephant.id), group.k, whole=False))
    if len(shown) > LIST_LIMIT:
        lines.insert(0, f"The latest {LIST_LIMIT} of {len(shown)}:")
    return [
        reply(
            "\n".join(lines),
            title=f"Elephants in {group.name}",
        )
    ]


@routes.handles("elephant.show")
async def elephant_show(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """One elephant whole, privately: the list's long words are shortened. A hidden or not yet
    posted elephant is not there to read (its delay keeps the moment it was named unknown)."""
    group = ctx.require_group()
    number = cmd.number or 0
    known = 0 < number < 2**31
    elephant = await store.by_number(ctx.conn, group.id, number) if known else None
    if elephant is None or elephant.is_hidden:
        raise UserError(
            f"There's no elephant #{number} showing in {group.name}. "
            "Type `elephants` to see the numbers."
        )
    asked = await verdicts.latest_of_kind(ctx.conn, group.id, ELEPHANT)
    text = entry(elephant, asked.get(elephant.id), group.k, whole=True)
    if ctx.require_member().is_facilitator:
        text += (
            f"\nTo record what happened: `elephant {number} discussed|addressed|parked "
            "[what was done]`."
        )
    return [reply(text, title=f"Elephant #{number} in {group.name}")]


@routes.handles("elephant.status")
async def elephant_status(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """`elephant <n> discussed|addressed|parked|hidden|open [what was done]` (facilitators)."""
    group = ctx.require_group()
    number, status = cmd.number or 0, cmd.arg
    known = 0 < number < 2**31
    elephant = await store.by_number(ctx.conn, group.id, number) if known else None
    if elephant is None:
        raise UserError(
            f"There's no elephant #{number} in {group.name}. Type `elephants` to see the numbers.",
            original=cmd.value,
        )
    outcome: str | None = None
    try:
        outcome = clean_text(cmd.value, limit=limits.OUTCOME, what="what was done")
    except TextRejected as exc:
        if exc.reason != "empty":
            raise
    if elephant.is_hidden and status in OUTCOME_STATUSES:
        raise UserError(
            f"Elephant #{number} is hidden. To show it again first, type `elephant {number} open`.",
            original=cmd.value,
        )
    changed = await store.set_status(ctx.conn, elephant.id, status, outcome, ctx.now)
    update = await _card_update(ctx, group, changed)
    if status == "addressed":
        asked = await ask_the_group(
            ctx, group, ELEPHANT, changed.id, changed.text, changed.outcome or ""
        )
        note = (
            ""
            if changed.outcome
            else f" You can add what was done: `elephant {number} addressed …`"
        )
        return [
            *asked,
            update,
            reply(
                f"Recorded: elephant #{number} is addressed. I've told the channel and asked "
                f"everyone whether it feels addressed to them.{note}"
            ),
        ]
    closed = await close_about(ctx, group, ELEPHANT, elephant.id, hidden=status == "hidden")
    if status == "hidden":
        return [
            *closed,
            update,
            reply(
                f"Elephant #{number} is hidden. Its words won't be shown again: not in the "
                "channel, `elephants`, the summary or the export. "
                f"`elephant {number} open` brings it back."
            ),
        ]
    if status == "open":
        was = {"hidden": "shown again", "open": "open"}.get(elephant.status, "open again")
        return [*closed, update, reply(f"Elephant #{number} is {was}.")]
    said = STATUS_WORDS[status]
    note = "" if changed.outcome else f" You can add what was done: `elephant {number} {status} …`"
    return [
        *closed,
        PostToConversation(group.where, outcome_card(changed)),
        update,
        reply(f"Recorded: elephant #{number} is {said}. I've told the channel.{note}"),
    ]
