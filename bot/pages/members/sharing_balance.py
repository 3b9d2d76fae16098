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
from bot.store.meeting_records import RoundAnswerRow, RoundInfo

MOST_MEETINGS = 60
"""The latest meetings shown (more than a year of weekly meetings)."""


async def sharing_balance(conn: Connection, group: Group, now: datetime) -> dict[str, Any]:
    roster = await meeting_records.member_roles(conn, group.id)
    held = [m for m in await meetings.not_cancelled(conn, group.id) if m.starts_at <= now]
    latest = held[-MOST_MEETINGS:]
    infos = await meeting_records.rounds_of(conn, [m.id for m in latest])
    answers = await meeting_records.answers_of(conn, [r.id for r in infos])
    rounds_by_meeting: dict[int, list[RoundInfo]] = {}
    for info in infos:
        if info.meeting_id is not None:
            rounds_by_meeting.setdefault(info.meeting_id, []).append(info)
    answers_by_round: dict[int, list[RoundAnswerRow]] = {}
    for answer in answers:  # once, not once for every meeting shown
        answers_by_round.setdefault(answer.round_id, []).append(answer)
    rows: list[dict[str, Any]] = []
    left_out = False
    for meeting in reversed(latest):
        theirs = rounds_by_meeting.get(meeting.id, [])
        mine = [a for r in theirs for a in answers_by_round.get(r.id, [])]
        ledger = meeting_ledger(theirs, mine, roster, k=group.k, now=meeting.ends_at or now)
        if ledger is None:
            continue
        left_out = left_out or ledger.left_out
        day = meeting.starts_at.astimezone(group.zone).strftime("%a %d %b %Y")
        rows.append({"day": day, "roles": ledger.roles, "left_out": ledger.left_out})
    return {"meetings": rows, "left_out": left_out, "k": group.k}
