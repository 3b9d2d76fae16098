"""Big elephants: gathering everyone's perspective anonymously and revealing them together.

One perspective per person per elephant, enforced by a keyed-hash token in `perspective_tokens`.
Because nothing links a perspective to its author, it cannot be edited or replaced later; a second
one is refused kindly. Perspectives are revealed in one shuffled post once `k` have arrived (or at
meeting end, if `k` was lowered meanwhile), and never while fewer than `k` exist. After the
reveal the elephant is closed to new perspectives: a lone late one would stand out.

Nothing in this module logs, and the anonymous handlers read the member row (for the role tag)
but never write it.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot import limits
from bot.cards import Card
from bot.context import Context
from bot.effects import Effect, FormErrors, OpenForm, PostToConversation, UpdatePost
from bot.errors import UserError
from bot.handlers.elephants.cards import (
    PERSPECTIVE_FORM,
    PERSPECTIVE_OPEN,
    ROLE_WORDS,
    TAG,
    elephant_card,
    elephant_key,
    parse_id,
    perspective_form,
    reveal_card,
)
from bot.identity import anonymous_token
from bot.replies import reply
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
ALREADY_REVEALED = (
    "The perspectives on elephant #{n} have already been shared together, so it isn't taking "
    "new ones. If there's more to say, you could name a new elephant."
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
    if elephant.perspectives_revealed_at is not None:
        return ALREADY_REVEALED.format(n=elephant.number)
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
        return [reply(found)]
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
        return [reply(ALREADY_GIVEN.format(n=found.number))]
    group = ctx.require_group()
    count = await store.perspective_count(ctx.conn, found.id)
    if count >= group.k:
        effects = await reveal(ctx, group, found)
        return [
            reply(
                "Thank you. That makes enough perspectives, so they are now shared together in "
                "the channel, without names."
            ),
            *effects,
        ]
    waiting = group.k - count
    return [
        reply(
            "Thank you. Your perspective is stored without your name. They'll be shown together "
            f"once {group.k} have arrived ({waiting} more needed)."
        )
    ]


async def reveal(ctx: Context, group: Group, elephant: Elephant) -> list[Effect]:
    """Post every perspective on a big elephant at once, shuffled. Once only; needs `k`."""
    found = await store.perspectives_of(ctx.conn, elephant.id)
    if len(found) < group.k or not await store.claim_reveal(ctx.conn, elephant.id, ctx.now):
        return []
    ctx.services.rng.shuffle(found)
    revealed = await store.get(ctx.conn, elephant.id)
    assert revealed is not None
    marks = await store.mark_count(ctx.conn, elephant.id)
    return [
        PostToConversation(
            group.where, reveal_card(revealed, found, group.k), key=f"perspectives:{elephant.id}"
        ),
        UpdatePost(
            group.where,
            elephant_key(elephant.id),
            elephant_card(group.id, revealed, marks, group.k),
        ),
    ]


async def reveal_perspectives_at_end(ctx: Context, meeting: Meeting) -> list[Effect]:
    """At meeting end: reveal big elephants that have `k` perspectives; for the others say how
    many have arrived and that they wait for `k`, without ever showing them."""
    group = ctx.group if ctx.group and ctx.group.id == meeting.group_id else None
    group = group or await groups.get(ctx.conn, meeting.group_id)
    if group is None:
        return []
    effects: list[Effect] = []
    waiting: list[str] = []
    for elephant in await store.awaiting_reveal(ctx.conn, group.id):
        count = await store.perspective_count(ctx.conn, elephant.id)
        if count >= group.k:
            effects.extend(await reveal(ctx, group, elephant))
            continue
        so_far = (
            f"{count} perspective{'' if count == 1 else 's'} so far"
            if count
            else ("No perspectives yet")
        )
        waiting.append(
            f"Elephant #{elephant.number}: {so_far}; they'll be shown once {group.k} have arrived."
        )
    if waiting:
        text = "\n".join(waiting) + "\nYou can still add yours with the button on the elephant."
        effects.append(
            PostToConversation(group.where, Card(title="Big elephants still listening", text=text))
        )
    return effects
