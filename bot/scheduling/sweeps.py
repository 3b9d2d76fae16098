"""The clock's minute sweep: every small job that looks for work due "about now", run in turn.

The meeting clock runs `minute_sweeps` every `post_interval` seconds, in one transaction whose
effects go to the outbox (`bot.scheduling.clock`). Each sweep claims what it does in the
database first, so a second clock on the same database finds nothing left to do. A new sweep is
one line here.
"""

from __future__ import annotations

from bot.context import Context
from bot.effects import Effect
from bot.handlers.actions.reminders import send_due_reminders, send_held_questions
from bot.handlers.elephants.commands import post_due_elephants
from bot.handlers.nudges.meeting_ahead import send_meeting_ahead_notes

SWEEPS = (post_due_elephants, send_held_questions, send_due_reminders, send_meeting_ahead_notes)
"""Anonymous items due to be posted; owners' questions held over quiet hours; owners' reminders
before an action's day; the day-before note for members who asked for earlier reminders."""


async def minute_sweeps(ctx: Context) -> list[Effect]:
    """Run every sweep in turn and return all their effects."""
    effects: list[Effect] = []
    for sweep in SWEEPS:
        effects.extend(await sweep(ctx))
    return effects
