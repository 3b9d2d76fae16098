"""Big elephants: gathering everyone's perspective anonymously and showing them together.

One perspective per person per elephant, enforced by a keyed-hash token in `perspective_tokens`.
Because nothing links a perspective to its author, it cannot be edited or replaced later; a second
one is refused kindly.

The crowd rule (`bot.handlers.privacy.crowd_rule`) decides when perspectives are shown. They wait
until at least `k` are waiting; then, after a short random delay (so the moment does not point at
whoever sent the last one), the scheduler's sweep (`release_due`, run by `post_due_elephants`)
shows a whole crowd of them in one shuffled post: the first post when `k` is reached, and later
ones the same way, never one by one. Meeting end shows whole crowds that are waiting without the
delay (its moment points at nobody). The elephant keeps taking views while it is open.

Nothing in this module logs, and the anonymous handlers read the member row (for the role tag)
but never write it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from bot import limits
from bot.cards import Card
from bot.context import Context
from bot.effects import Effect, FormErrors, OpenForm, PostToConversation, UpdatePost
from bot.errors import UserError
from bot.grammar import CommandError, CommandSpec, Grammar, ParsedCommand, split
from bot.handlers.elephants.cards import (
    NO_TAG,
    PERSPECTIVE_FORM,
    PERSPECTIVE_OPEN,
    ROLE_WORDS,
    STATUS_WORDS,
    TAG,
    elephant_card,
    elephant_key,
    parse_id,
    perspective_form,
    reveal_card,
)
from bot.handlers.privacy.crowd_rule import crowd, shown
from bot.handlers.privacy.rejoined import ALREADY_LEFT, left_since
from bot.identity import anonymous_token
from bot.replies import as_typed, reply, with_their_text
from bot.routing import Routes
from bot.store import elephants as store
from bot.store import groups
from bot.store.elephants import Elephant
from bot.store.groups import Group
from bot.store.meetings import Meeting
from bot.text_safety import TextRejected, clean_text

routes = Routes()

PURPOSE = "perspective"
STALE = "That button no longer works. Type `elephants` to see the open elephants."
HIDDEN = "That elephant was hidden by a facilitator, so it isn't taking perspectives."
NOT_BIG = "That is a little elephant, so it doesn't gather perspectives."
CLOSED = (
    "Elephant #{n} is {status} now, so it isn't taking new perspectives. If there's more to say, "
    "you could name a new elephant."
)
ALREADY_GIVEN = (
    "You've already added your perspective on elephant #{n}. Thank you. To keep it anonymous, "
    "nothing links it to you, so it can't be changed; you could speak to it in the meeting, or "
    "name a new elephant."
)


async def _big_elephant(ctx: Context, payload: str) -> Elephant | str:
    """The big elephant a button or form is about, or the kind reason it can't take a view."""
    group = ctx.require_group()
    elephant_id = parse_id(payload)
    elephant = await store.posted(ctx.conn, group.id, elephant_id) if elephant_id else None
    if elephant is None:
        raise UserError(STALE)
    if elephant.is_hidden:
        return HIDDEN
    if not elephant.is_big:
        return NOT_BIG
    if elephant.perspectives_revealed_at is not None and elephant.status != "open":
        return CLOSED.format(n=elephant.number, status=STATUS_WORDS.get(elephant.status, ""))
    if await left_since(ctx, elephant.posted_at):
        return ALREADY_LEFT
    return elephant


@routes.choice(PERSPECTIVE_OPEN, anonymous=True)
async def open_form(ctx: Context, payload: str) -> list[Effect]:
    """ "Add my perspective": the form, unless this person has already given theirs."""
    found = await _big_elephant(ctx, payload)
    if isinstance(found, str):
        return [reply(found)]
    token = anonymous_token(ctx.services.secret, PURPOSE, found.id, ctx.require_who())
    if await store.has_perspective_token(ctx.conn, found.id, token):
        return [reply(ALREADY_GIVEN.format(n=found.number))]
    group, member = ctx.require_group(), ctx.require_member()
    return [OpenForm(perspective_form(group.id, found, member.role, group.k))]


@routes.form(PERSPECTIVE_FORM, anonymous=True)
async def submit(ctx: Context, values: Mapping[str, str], payload: str) -> list[Effect]:
    """Store one anonymous perspective, and reveal them all if this one makes `k`."""
    found = await _big_elephant(ctx, payload)
    if isinstance(found, str):
        return [with_their_text(found, values.get("text") or "")]
    try:
        text = clean_text(values.get("text") or "", limit=limits.PERSPECTIVE, what="your view")
    except TextRejected as exc:
        return [FormErrors({"text": exc.in_form})]
    role = ctx.require_member().role
    wants_tag = (values.get("role_tag") or "").strip().lower() == TAG
    role_tag = role if wants_tag and role in ROLE_WORDS else None
    token = anonymous_token(ctx.services.secret, PURPOSE, found.id, ctx.require_who())
    stored = await store.add_perspective(
        ctx.conn, found.id, token, text=text, role_tag=role_tag, rng=ctx.services.rng
    )
    if not stored:
        return [with_their_text(ALREADY_GIVEN.format(n=found.number), text)]
    group = ctx.require_group()
    if shown(await store.waiting_count(ctx.conn, found.id), group.k):
        await store.release_later(ctx.conn, found.id, ctx.now + _delay(ctx, group))
    if found.perspectives_revealed_at is None:
        when = f"They'll be shown together, without names, once {group.k} have arrived."
    else:
        when = (
            "It will be shown in the channel, without your name, together with others once "
            f"{group.k} new ones have arrived."
        )
    return [reply(f"Thank you. Your perspective is stored without your name. {when}")]


# -- typed: `perspective 3 [tag:] <your view>` ---------------------------------------------------
# The same handlers as the button and the form, so the tokens, the crowd rule and the random
# delay are the very same: typing changes nothing about anonymity.

TAG_PREFIX = "tag:"
TYPED_IN_THE_OPEN = (
    "I haven't kept that: in the channel everyone can see who typed it, so it could not stay "
    "anonymous. You may want to delete your message. Please send it to me in a direct message "
    "instead."
)


def _read_perspective(spec: CommandSpec, rest: str) -> ParsedCommand:
    """`perspective 3` (the form) or `perspective 3 [tag:] <your view>`."""
    first, after = split(rest)
    number = first.lstrip("#")
    if not (number.isascii() and number.isdigit()) or len(number) > 9:
        raise CommandError(
            "Please say which elephant, then your view: `perspective 3 <your view>` (the number "
            "is on the elephant's card; `elephants` lists them)."
        )
    tagged = after[: len(TAG_PREFIX)].lower() == TAG_PREFIX
    view = after[len(TAG_PREFIX) :].strip() if tagged else after
    return spec.parsed(number=int(number), arg=view, value=TAG if tagged else NO_TAG)


@routes.command(
    "perspective",
    "member",
    usage="perspective <number> [tag:] <your view>",
    summary="add your view on a big elephant, anonymously (start it with `tag:` to add your role)",
    rank=93,
    grammar=Grammar((), _read_perspective),
    anonymous=True,
    aliases=("view",),
)
async def perspective_typed(ctx: Context, command: ParsedCommand) -> list[Effect]:
    """The typed twin of "Add my perspective" and its form."""
    elephant = await store.by_number(ctx.conn, ctx.require_group().id, command.number or 0)
    if elephant is None:
        raise UserError(
            f"I can't find elephant #{command.number}. Type `elephants` to see the open ones.",
            original=command.arg,
        )
    if not command.arg:
        return await open_form(ctx, str(elephant.id))
    if ctx.seen_by_others:
        raise UserError(TYPED_IN_THE_OPEN, original=command.arg)
    values = {"text": command.arg, "role_tag": command.value}
    return as_typed(await submit(ctx, values, str(elephant.id)), command.arg)


def _delay(ctx: Context, group: Group) -> timedelta:
    """A random delay between half and one and a half times the group's anonymity delay, so the
    moment perspectives appear does not point at whoever sent the last one."""
    minutes = group.anonymity_delay_minutes
    if minutes <= 0:
        return timedelta(0)
    return timedelta(minutes=minutes * ctx.services.rng.uniform(0.5, 1.5))


async def reveal(ctx: Context, group: Group, elephant: Elephant) -> list[Effect]:
    """Show a whole crowd of waiting perspectives at once, shuffled; once per release.

    The first crowd is the reveal; later crowds are posted as "more perspectives". What is
    waiting beyond the last whole crowd waits for the next."""
    waiting = await store.waiting_perspectives(ctx.conn, elephant.id)
    batch = waiting[: crowd(len(waiting), group.k)]
    if not await store.claim_release(ctx.conn, elephant, ctx.now):
        return []
    if not batch:
        return []
    first = elephant.perspectives_revealed_at is None
    await store.mark_shown(ctx.conn, [row_id for row_id, _ in batch], ctx.now)
    found = [perspective for _, perspective in batch]
    ctx.services.rng.shuffle(found)
    revealed = await store.get(ctx.conn, elephant.id)
    assert revealed is not None
    if first:
        key = f"perspectives:{elephant.id}"
    else:
        key = f"perspectives:{elephant.id}:{await store.shown_count(ctx.conn, elephant.id)}"
    effects: list[Effect] = [
        PostToConversation(
            group.where, reveal_card(revealed, found, group.k, more=not first), key=key
        )
    ]
    if first:
        card = elephant_card(group.id, revealed, revealed.marks_shown, group.k)
        effects.append(UpdatePost(group.where, elephant_key(elephant.id), card))
    return effects


async def release_due(ctx: Context) -> list[Effect]:
    """The sweep's part: show the perspectives whose random delay has passed, in any group."""
    effects: list[Effect] = []
    found: dict[int, Group | None] = {}
    for elephant in await store.due_releases(ctx.conn, ctx.now):
        if elephant.group_id not in found:
            found[elephant.group_id] = await groups.get(ctx.conn, elephant.group_id)
        group = found[elephant.group_id]
        if group is None or elephant.is_hidden:
            await store.claim_release(ctx.conn, elephant, ctx.now)
            continue
        effects.extend(await reveal(ctx, group, elephant))
    return effects


async def reveal_perspectives_at_end(ctx: Context, meeting: Meeting) -> list[Effect]:
    """At meeting end: show every whole crowd of waiting perspectives now; for big elephants
    never revealed, say they wait for `k`, without saying how many have come (a count below `k`
    is not shown)."""
    group = ctx.group if ctx.group and ctx.group.id == meeting.group_id else None
    group = group or await groups.get(ctx.conn, meeting.group_id)
    if group is None:
        return []
    effects: list[Effect] = []
    waiting: list[str] = []
    for elephant in await store.awaiting_reveal(ctx.conn, group.id):
        if shown(await store.waiting_count(ctx.conn, elephant.id), group.k):
            effects.extend(await reveal(ctx, group, elephant))
            continue
        if elephant.perspectives_revealed_at is None:
            waiting.append(
                f"Elephant #{elephant.number}: perspectives are shown together once {group.k} "
                "have arrived."
            )
    if waiting:
        text = "\n".join(waiting) + "\nYou can still add yours with the button on the elephant."
        effects.append(
            PostToConversation(group.where, Card(title="Big elephants still listening", text=text))
        )
    return effects
