"""An action or a decision in one short line, safe to post anywhere (no pings, no markup).

The same words everywhere (`actions`, the summary, the next meeting's agenda), so the group reads
one story. An action past its day is "not done yet": never "late", "overdue" or anything red;
life gets in the way, and the group's list is not a place to shame anyone.
"""

from __future__ import annotations

from datetime import date

from bot.scheduling.spoken_dates import describe_day
from bot.store import actions as store
from bot.store.actions import Action
from bot.store.database import Connection
from bot.store.decisions import Decision
from bot.store.groups import Group
from bot.text_safety import neutralise

SHORT = 150
"""Characters of an action's words shown in a list line; the rest is an ellipsis."""
AGENDA_LIMIT = 10
"""Open actions shown at the top of an agenda; the rest are a count and `actions`."""
UNASSIGNED = "unassigned"


def short(text: str, limit: int = SHORT) -> str:
    """The words made safe, cut at a word near `limit` with an ellipsis."""
    safe = neutralise(" ".join(text.split()))
    if len(safe) <= limit:
        return safe
    cut = safe[:limit].rsplit(" ", 1)[0] or safe[:limit]
    return cut + "…"


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
    parts = [f"#{action.number} {short(action.text, limit)}", owner_words(action)]
    due = due_words(action, today)
    if due:
        parts.append(due)
    if action.is_open and action.waiting_for_owner:
        parts.append(f"waiting for {owner_words(action)} to say yes")
    return " · ".join(parts)


def done_line(action: Action, today: date) -> str:
    """ "#2 Book the room · done by Pat: “booked for May”"."""
    who = f" by {neutralise(action.owner_name)}" if action.owner_name else ""
    line = f"#{action.number} {short(action.text)} · done{who}"
    if action.done_note:
        line += f": “{short(action.done_note)}”"
    return line


def decision_line(decision: Decision) -> str:
    """ "Decision #3: “We meet at the library from May”"."""
    return f"#{decision.number} “{short(decision.text, 300)}”"


async def open_action_lines(conn: Connection, group: Group, today: date) -> list[str]:
    """The group's open actions as short safe lines, for the top of the next meeting's agenda:
    those with a due day first, soonest first. `today` is the group's local date."""
    found = await store.open_of_group(conn, group.id)
    lines = [action_line(action, today) for action in found[:AGENDA_LIMIT]]
    more = len(found) - AGENDA_LIMIT
    if more > 0:
        lines.append(f"…and {more} more. Type `actions` to see them all.")
    return lines
