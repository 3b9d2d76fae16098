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


async def question_closed(conn: Connection, meeting: Meeting, now: datetime) -> bool:
    if meeting.ends_at is None:
        return False
    if now - meeting.ends_at > REFLECTION_OPEN:
        return True
    for later in (
        await meetings.current(conn, meeting.group_id),
        await meetings.latest_ended(conn, meeting.group_id),
    ):
        if later is not None and later.starts_at > meeting.starts_at:
            return True
    return False
