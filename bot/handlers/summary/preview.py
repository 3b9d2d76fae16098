"""`summary preview`: what the summary would say if the meeting ended now, for one facilitator.

Nobody has to end the record to see what it will say. The preview is read with the summary's own
`gather` and written with its own `summary_card`, so every figure in it passes the same crowd
rule in the same way (`bot.handlers.privacy.crowd_rule`: nothing below `k`, whole crowds only):
a preview and any later reading of the summary, the export or a card can differ only by whole
crowds, never by one person's answer. It is answered to the facilitator alone and changes
nothing: no claim of the summary, no firing, no meeting ended, no round or perspective revealed.

A round the reciprocity lock would still hold is shown carried on, and the agenda as the end's
carry-over would leave it (worked out inside a savepoint that is rolled back).
One thing is left as it stands rather than as the end would make it: answers still held (a round
not yet revealed, perspectives waiting for `k`) stay held in the preview. The end reveals them to
everyone at once; a facilitator seeing them first, alone, would break the promise made when they
were given. The preview says so when there are any.
"""

from __future__ import annotations

from dataclasses import replace

from bot.context import Context
from bot.effects import Effect, ReplyToActor
from bot.grammar import ParsedCommand
from bot.handlers.summary.builder import day_words, summary_card
from bot.handlers.summary.commands import PREVIEW_ACTION, gather
from bot.replies import reply
from bot.routing import Routes
from bot.store import meetings

routes = Routes()

NO_MEETING = (
    "There's no meeting under way, so there's no summary to preview yet. The summary is "
    "written at the end of each meeting; `meeting start` starts one."
)
PREVIEW_NOTE = (
    "Only you can see this. Nothing has been posted or changed. If the meeting ended now, "
    "the summary would say:"
)
HELD_NOTE = (
    "Answers still held stay held here. When the meeting ends, rounds still open are revealed "
    "to everyone together (unless the reciprocity lock still holds them), and their shares, "
    "where people said yes, join the summary."
)


@routes.handles(PREVIEW_ACTION)
async def summary_preview(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """The current meeting's summary as it stands, answered privately; nothing is stored."""
    group = ctx.require_group()
    meeting = await meetings.current(ctx.conn, group.id)
    if meeting is None:
        return [reply(NO_MEETING)]
    data, _ = await gather(ctx, group, meeting, ending_now=True)
    card = summary_card(replace(data, so_far=False))
    held = any(
        item.status == "open" and not item.revealed and not item.carried for item in data.rounds
    )
    text = "\n\n".join(
        part for part in (PREVIEW_NOTE, card.text, HELD_NOTE if held else "") if part
    )
    title = f"Summary preview: {day_words(meeting.starts_at, group.zone)}"
    return [ReplyToActor(replace(card, title=title, text=text))]
