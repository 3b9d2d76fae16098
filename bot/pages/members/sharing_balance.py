"""The sharing balance over time: for each ended meeting with sharing rounds, who shared, passed
or stayed quiet, by role, exactly as that meeting's summary showed it (`sharing_ledgers`, kept
when the summary was posted), so each line has at least `k` people and small role groups are
merged or left out, as in chat.

It is never counted afresh: today's members are not that meeting's, and someone who left,
changed role or used `forget-me` since would change a past meeting's lines; comparing them with
the summary, or with an earlier visit, would tell what that one person did. A meeting still under
way is not shown (a late pass would change it between two visits), nor one summarised before
ledgers were kept.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.store import meetings, sharing_ledgers
from bot.store.database import Connection
from bot.store.groups import Group

MOST_MEETINGS = 60
"""The latest meetings shown (more than a year of weekly meetings)."""


async def sharing_balance(conn: Connection, group: Group, now: datetime) -> dict[str, Any]:
    ended = [
        m
        for m in await meetings.not_cancelled(conn, group.id)
        if m.status == meetings.ENDED and m.starts_at <= now
    ]
    latest = ended[-MOST_MEETINGS:]
    kept = await sharing_ledgers.kept(conn, [m.id for m in latest])
    rows: list[dict[str, Any]] = []
    left_out = False
    for meeting in reversed(latest):
        ledger = kept.get(meeting.id)
        if ledger is None:
            continue
        left_out = left_out or ledger.left_out
        day = meeting.starts_at.astimezone(group.zone).strftime("%a %d %b %Y")
        rows.append({"day": day, "roles": list(ledger.lines), "left_out": ledger.left_out})
    return {"meetings": rows, "left_out": left_out, "k": group.k}
