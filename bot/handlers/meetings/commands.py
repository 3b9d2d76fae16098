"""`meeting start` and `meeting end`, and ending a meeting once (how one begins: `opening.py`).

Ending happens exactly once (`end_meeting`, guarded by a conditional update), and only the caller
that ended it closes the rounds, reveals the elephants' perspectives, carries on the agenda items
not reached and posts the summary, in that order, so the summary reports what those steps did. The
summary is the meeting's closing post.
"""

from __future__ import annotations

from bot.cards import Card
from bot.context import Context
from bot.effects import Effect, PostToConversation
from bot.errors import UserError
from bot.grammar import CommandError, CommandSpec, Grammar, ParsedCommand, closest, split
from bot.handlers.agenda.meeting_end import carry_over_at_end
from bot.handlers.elephants.perspectives import reveal_perspectives_at_end
from bot.handlers.meeting_dates import grammar as dates_grammar
from bot.handlers.meetings.opening import ensure_meeting
from bot.handlers.rounds.commands import close_rounds_at_end
from bot.handlers.signals.cards import signals_card
from bot.handlers.summary.commands import post_summary
from bot.replies import reply
from bot.routing import Routes
from bot.store import groups, meetings
from bot.store.meeting_states import open_scheduled as open_scheduled_row
from bot.store.meetings import Meeting

routes = Routes()

NEXT_STEPS = (
    "Next you might type `checkin` to send the check-in to everyone, or `round` to start a "
    "sharing round (add a prompt, or I'll pick one). `meeting end` ends the meeting and posts "
    "the summary."
)


async def end_meeting(ctx: Context, meeting: Meeting) -> list[Effect]:
    """End a meeting once; then rounds, elephants, the agenda's carry-over and the summary,
    in that order."""
    if not await meetings.end(ctx.conn, meeting.id, ctx.now):
        return []
    ended = await meetings.get(ctx.conn, meeting.id)
    assert ended is not None
    effects: list[Effect] = list(await close_rounds_at_end(ctx, ended))
    effects.extend(await reveal_perspectives_at_end(ctx, ended))
    await carry_over_at_end(ctx, ended)
    closing = await post_summary(ctx, ended)
    effects.extend(closing)
    # The summary is the closing post; only if it had already gone out is a short line needed.
    if not any(isinstance(e, PostToConversation) for e in closing):
        group = ctx.group or await groups.get(ctx.conn, ended.group_id)
        if group is not None:
            card = Card(text="The meeting has ended. Thank you, everyone.")
            effects.append(PostToConversation(group.where, card, key=f"meeting-end:{ended.id}"))
    return effects


def _read_meeting(spec: CommandSpec, rest: str) -> ParsedCommand:
    sub, tail = split(rest)
    if sub in {"start", "end"} and not tail:
        return spec.parsed(f"meeting.{sub}")
    if sub in dates_grammar.WORDS:  # skipping and moving dates: bot.handlers.meeting_dates
        return dates_grammar.read(spec, sub, tail)
    guess = closest(sub, ("start", "end", *dates_grammar.WORDS)) if sub else None
    hint = f" Did you mean `meeting {guess}`?" if guess else ""
    raise CommandError(
        f"Please say `meeting start`, `meeting end`, `meeting skip <date>`, "
        f"`meeting unskip <date>` or `meeting move <date> <time>`.{hint}"
    )


@routes.command(
    "meeting",
    "facilitator",
    usage="meeting start  /  meeting end",
    summary="start or end a meeting now",
    rank=70,
    grammar=Grammar(("meeting.start", "meeting.end", *dates_grammar.ACTIONS), _read_meeting),
    action="meeting.start",
)
async def start_command(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """`meeting start`: an unscheduled meeting now, or the scheduled one that is about to start."""
    group = ctx.require_group()
    found = await meetings.current(ctx.conn, group.id)
    if found is not None and found.status == meetings.OPEN:
        since = found.starts_at.astimezone(group.zone)
        return [
            reply(
                f"A meeting is already under way (since {since:%H:%M}). "
                f"`meeting end` ends it.\n\n{NEXT_STEPS}"
            )
        ]
    if found is not None:  # scheduled, check-in already sent: it starts now
        await open_scheduled_row(ctx.conn, found.id)
        how = "scheduled"
    else:
        _, how = await ensure_meeting(ctx)
    opening = (
        "Your scheduled meeting has started." if how == "scheduled" else "The meeting has started."
    )
    # The signals card rides on the start post, so nobody has to know to ask for it.
    signals = signals_card(group.id, group.signal_crowd)
    post = PostToConversation(
        group.where,
        Card(
            text=f"The meeting has started.\n\n{signals.title} {signals.text}",
            buttons=signals.buttons,
            footer=signals.footer,
        ),
    )
    return [reply(f"{opening}\n\n{NEXT_STEPS}"), post]


@routes.handles("meeting.end")
async def end_command(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """`meeting end`: end the current meeting now."""
    group = ctx.require_group()
    found = await meetings.current(ctx.conn, group.id)
    if found is None:
        raise UserError("There's no meeting under way to end. `meeting start` starts one.")
    effects = await end_meeting(ctx, found)
    if not effects:
        return [reply("That meeting has already ended.")]
    return [reply("The meeting has ended. Thank you for facilitating."), *effects]
