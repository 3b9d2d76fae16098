"""The agenda of the next meeting as it stands: the open actions first, then the items in their
order, with who added each (or that it came anonymously or from an elephant), as `agenda` shows
it in chat (`bot.handlers.agenda.cards.item_line`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.handlers.actions.lines import open_action_lines
from bot.handlers.agenda.cards import item_line
from bot.store import agenda, meetings
from bot.store.database import Connection
from bot.store.groups import Group


async def next_agenda(conn: Connection, group: Group, now: datetime) -> dict[str, Any]:
    meeting = await meetings.current(conn, group.id) or await meetings.next_scheduled(
        conn, group.id, now
    )
    items = await agenda.agenda(conn, group.id, now)
    merged = await agenda.merged_into(conn, [item.id for item in items])
    today = now.astimezone(group.zone).date()
    when = ""
    if meeting is not None:
        when = meeting.starts_at.astimezone(group.zone).strftime("%A %d %B %Y, %H:%M")
    return {
        "when": when,
        "under_way": meeting is not None and meeting.starts_at <= now,
        "actions": await open_action_lines(conn, group, today),
        "items": [
            {
                "lines": item_line(number, item, merged.get(item.id, ())).split("\n"),
                "deferred": item.deferred,
            }
            for number, item in enumerate(items, start=1)
        ],
    }
