"""When the ladder question about a meeting closes: a week after it (`REFLECTION_OPEN`, as for
"did you feel heard?"), or as soon as the group's next meeting starts, whichever comes first.

Its figures are shown only once it has closed (`results`), so that no answer can come in between
two readings and be worked out by comparing them; closing at the next meeting means the summary
of that meeting can show them.
"""

from __future__ import annotations

from datetime import datetime

from bot.handlers.nudges.commands import REFLECTION_OPEN
from bot.store import meetings
from bot.store.database import Connection
from bot.store.meetings import Meeting


def closed(ends_at: datetime | None, *, later_started: bool, now: datetime) -> bool:
    """The rule itself, for a meeting that ended at `ends_at` (None: not yet)."""
    if ends_at is None:
        return False
    return later_started or now - ends_at > REFLECTION_OPEN


async def question_closed(conn: Connection, meeting: Meeting, now: datetime) -> bool:
    if closed(meeting.ends_at, later_started=False, now=now):
        return True  # a week on: no need to look for a later meeting
    if meeting.ends_at is None:
        return False
    later_started = any(
        later is not None and later.starts_at > meeting.starts_at
        for later in (
            await meetings.current(conn, meeting.group_id),
            await meetings.latest_ended(conn, meeting.group_id),
        )
    )
    return closed(meeting.ends_at, later_started=later_started, now=now)
