"""The ladder question: the "Where on the ladder?" button on the reflection card, its form, and
the typed `ladder` (`ladder 6`, `ladder co-design`).

Anonymous, as reflections are: the button and form are anonymous routes, the answer is stored
with no author (`bot.store.ladder`), a keyed token in `reflection_tokens` keeps it to one per
person per meeting, and nothing is logged. The member's role is read only to tag the answer with
its side for the by-role figures, which are shown only under the crowd rule (see the store).
Typed in a channel, where others can see who typed it, nothing is kept.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.context import Context
from bot.effects import Effect, FormErrors, OpenForm
from bot.grammar import CommandError, CommandSpec, Grammar, ParsedCommand, hyphenated
from bot.handlers.ladder.cards import (
    LADDER_FORM,
    OPEN_LADDER,
    RUNGS,
    ladder_form,
    ladder_steps_text,
)
from bot.handlers.ladder.closing import question_closed
from bot.handlers.nudges.commands import (
    CLOSED,
    _last_meeting_part,
    _not_in_the_open,
    _reflection_meeting,
    _token,
)
from bot.handlers.privacy.crowd_rule import first_crowd
from bot.replies import reply, with_their_text
from bot.routing import Routes
from bot.store import ladder, reflections

routes = Routes()

ALREADY = "You've already said where on the ladder that meeting felt. Thank you."
NAMES = {hyphenated(name).replace("-", ""): rung for rung, (name, _) in RUNGS.items()}
PROBLEM = (
    "Please choose a rung from 1 (coercion) to 7 (co-production), for example `ladder 6` or "
    "`ladder co-design`. Type `ladder` on its own to see all seven in plain words."
)


def read_rung(text: str) -> int | None:
    """ "6", "co-design", "Co design", "codesign" as 6; None for anything else."""
    word = hyphenated(text)
    if word in {str(r) for r in RUNGS}:
        return int(word)
    return NAMES.get(word.replace("-", ""))


@routes.choice(OPEN_LADDER, anonymous=True)
async def on_open_ladder(ctx: Context, payload: str) -> list[Effect]:
    """The "Where on the ladder?" button: the form with the seven rungs, unless answered."""
    meeting = await _reflection_meeting(ctx, payload)
    if meeting is None or await question_closed(ctx.conn, meeting, ctx.now):
        return [reply(CLOSED)]
    if await reflections.has_token(
        ctx.conn, meeting.id, _token(ctx, ladder.TOKEN_PURPOSE, meeting.id)
    ):
        return [reply(ALREADY)]
    group = ctx.require_group()
    return [OpenForm(ladder_form(group.id, meeting.id, group.k))]


@routes.form(LADDER_FORM, anonymous=True)
async def on_ladder_form(ctx: Context, values: Mapping[str, str], payload: str) -> list[Effect]:
    """One rung, kept with no author; checked first, so a refused answer stores nothing."""
    given = values.get("rung") or ""
    rung = read_rung(given)
    if rung is None:
        return [FormErrors({"rung": "Please choose one of the seven rungs."})]
    meeting = await _reflection_meeting(ctx, payload)
    if meeting is None or await question_closed(ctx.conn, meeting, ctx.now):
        return [with_their_text(CLOSED, given)]
    if not await reflections.claim(
        ctx.conn, meeting.id, _token(ctx, ladder.TOKEN_PURPOSE, meeting.id)
    ):
        return [reply(ALREADY)]
    side = ladder.side_of(ctx.require_member().role)
    await ladder.add(ctx.conn, meeting.id, rung, side, rng=ctx.services.rng)
    k = ctx.require_group().k
    # Count in whole crowds of k within this side only (see bot.store.ladder).
    await ladder.count_in(
        ctx.conn, first_crowd(await ladder.waiting(ctx.conn, meeting.id, side), k)
    )
    return [
        reply(
            "Thank you. I don't keep who answered. The group will see the answers added up in "
            f"the next meeting's summary, once at least {k} have come in (a rung only when {k} "
            "or more chose it)."
        )
    ]


def _read_ladder(spec: CommandSpec, rest: str) -> ParsedCommand:
    if not rest:
        return spec.parsed()
    rung = read_rung(rest)
    if rung is None:
        raise CommandError(PROBLEM)
    return spec.parsed(number=rung)


@routes.command(
    "ladder",
    "member",
    usage="ladder 1-7  /  ladder co-design",
    summary="after a meeting: where on the ladder of co-production it felt, from 1 (coercion) "
    "to 7 (co-production); `ladder` alone shows the rungs (anonymous)",
    rank=166,
    grammar=Grammar((), _read_ladder),
    anonymous=True,
)
async def ladder_typed(ctx: Context, command: ParsedCommand) -> list[Effect]:
    """The typed twin of the button and its form, for the group's last meeting."""
    if command.number is None:
        return [reply(ladder_steps_text())]
    _not_in_the_open(ctx, "")
    part = await _last_meeting_part(ctx)
    return await on_ladder_form(ctx, {"rung": str(command.number)}, part)
