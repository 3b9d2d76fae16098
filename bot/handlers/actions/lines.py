"""An action or a decision in one short line, safe to post anywhere (no pings, no markup).

The same words everywhere (`actions`, the summary, the next meeting's agenda), so the group reads
one story. An action past its day is "not done yet": never "late", "overdue" or anything red;
life gets in the way, and the group's list is not a place to shame anyone.
"""

from __future__ import annotations

from datetime import date, datetime

from bot.scheduling.spoken_dates import describe_day
from bot.store import actions as store
from bot.store import decisions
from bot.store.actions import Action
from bot.store.database import Connection
from bot.store.decisions import Decision
from bot.store.groups import Group
from bot.store.meetings import Meeting
from bot.text_safety import neutralise, shortened

SHORT = 150
"""Characters of an action's words shown in a list line; the rest is an ellipsis."""
AGENDA_LIMIT = 10
"""Open actions shown at the top of an agenda; the rest are a count and `actions`."""
UNASSIGNED = "unassigned"


def owner_words(action: Action) -> str:
    return neutralise(action.owner_name) if action.owner_name else UNASSIGNED


def due_words(action: Action, today: date) -> str:
    """ "by Friday 25 December", with "not done yet" once that day has gone by."""
    if action.due_on is None:
        return ""
    words = f"by {describe_day(action.due_on, today)}"
    if action.is_open and action.due_on < today:
        words += " (not done yet)"
    return words


def action_line(action: Action, today: date, *, limit: int = SHORT) -> str:
    """ "#4 Write to the council · Sam · by Friday 25 December" and how it stands."""
    parts = [f"#{action.number} {shortened(action.text, limit)}", owner_words(action)]
    due = due_words(action, today)
    if due:
        parts.append(due)
    if action.is_open and action.waiting_for_owner:
        parts.append(f"waiting for {owner_words(action)} to say yes")
    return " · ".join(parts)


def done_line(action: Action, today: date) -> str:
    """ "#2 Book the room · done by Pat: “booked for May”"."""
    who = f" by {neutralise(action.owner_name)}" if action.owner_name else ""
    line = f"#{action.number} {shortened(action.text, SHORT)} · done{who}"
    if action.done_note:
        line += f": “{shortened(action.done_note, SHORT)}”"
    return line


def decision_line(decision: Decision) -> str:
    """ "Decision #3: “We meet at the library from May”"."""
    return f"#{decision.number} “{shortened(decision.text, 300)}”"


async def open_action_lines(conn: Connection, group: Group, today: date) -> list[str]:
    """The group's open actions as short safe lines, for the top of the next meeting's agenda:
    those with a due day first, soonest first. `today` is the group's local date. Each starts
    with "Action #4", which says what it is among agenda items (and no line starts with `#`,
    which some renderers read as a heading)."""
    found = await store.open_of_group(conn, group.id)
    lines = [f"Action {action_line(action, today)}" for action in found[:AGENDA_LIMIT]]
    more = len(found) - AGENDA_LIMIT
    if more > 0:
        lines.append(f"…and {more} more. Type `actions` to see them all.")
    return lines


async def decisions_and_actions(
    conn: Connection, group: Group, meeting: Meeting, *, since: datetime, until: datetime
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The summary's lines, as (decisions, new actions, done actions): the decisions and actions
    noted for `meeting`, and the actions done between `since` (the meeting before) and `until`
    (this one's end, or now for a summary so far)."""
    today = meeting.starts_at.astimezone(group.zone).date()
    made = await decisions.of_meeting(conn, meeting.id)
    noted = await store.of_meeting(conn, meeting.id)
    done = await store.done_between(conn, group.id, since, until)
    return (
        tuple(decision_line(d) for d in made),
        tuple(action_line(a, today) for a in noted if a.status != store.DROPPED),
        tuple(done_line(a, today) for a in done),
    )
