"""The sharing balance over time: for each meeting with sharing rounds, who shared, passed or
stayed quiet, by role: the summary's own ledger (`reciprocity_ledger.meeting_ledger`), so each
line has at least `k` people and small role groups are merged or left out, as in chat."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.handlers.rounds.reciprocity_ledger import meeting_ledger
from bot.store import meeting_records, meetings
from bot.store.database import Connection
from bot.store.groups import Group

MOST_MEETINGS = 60
"""The latest meetings shown (more than a year of weekly meetings)."""


async def sharing_balance(conn: Connection, group: Group, now: datetime) -> dict[str, Any]:
    roster = await meeting_records.member_roles(conn, group.id)
    held = [m for m in await meetings.not_cancelled(conn, group.id) if m.starts_at <= now]
    rows: list[dict[str, Any]] = []
    left_out = False
    for meeting in reversed(held[-MOST_MEETINGS:]):
        infos = await meeting_records.rounds_of(conn, [meeting.id])
        if not infos:
            continue
        answers = await meeting_records.answers_of(conn, [r.id for r in infos])
        ledger = meeting_ledger(infos, answers, roster, k=group.k, now=meeting.ends_at or now)
        if ledger is None:
            continue
        left_out = left_out or ledger.left_out
        day = meeting.starts_at.astimezone(group.zone).strftime("%a %d %b %Y")
        rows.append({"day": day, "roles": ledger.roles, "left_out": ledger.left_out})
    return {"meetings": rows, "left_out": left_out, "k": group.k}
