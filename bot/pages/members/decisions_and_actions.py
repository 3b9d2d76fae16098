"""Decisions and actions: what the group decided, and who is doing what (open, done, dropped),
in the same lines as `decisions` and `actions` in chat (`bot.handlers.actions.lines`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.handlers.actions.lines import action_line, decision_line, done_line
from bot.store import actions, decisions
from bot.store.database import Connection
from bot.store.groups import Group


async def decisions_and_actions(conn: Connection, group: Group, now: datetime) -> dict[str, Any]:
    today = now.astimezone(group.zone).date()
    made = await decisions.of_group(conn, group.id)
    every = await actions.of_group(conn, group.id)
    return {
        "decisions": [
            {"line": decision_line(d), "day": d.recorded_at.astimezone(group.zone).date()}
            for d in reversed(made)
        ],
        "open_actions": [action_line(a, today) for a in every if a.is_open],
        "done_actions": [done_line(a, today) for a in reversed(every) if a.status == "done"],
        "dropped_actions": [
            action_line(a, today) for a in reversed(every) if a.status not in ("open", "done")
        ],
    }
