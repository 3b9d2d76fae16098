"""The demo group's past: two earlier meetings, written through the store as the bot keeps them.

The facilitators' note on sharing (`bot.handlers.nudges.reciprocity_note`) looks back over recent
meetings' rounds, so a group meeting for the first time has nothing for it to see. The demo gives
its group an honest, visible history instead: each earlier meeting is an ended meeting on the
group's weekly slot with one round, revealed and closed within it, and every member's share or
pass with the role they had. Nothing is posted (this is the past); the demo prints each line, so
the note's counts can be checked against what the reader was shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot.store import meetings, members, rounds
from bot.store.database import Connection
from bot.store.groups import Group

MEETS_AT = time(18, 30)
MEETING_LENGTH = timedelta(hours=1)


@dataclass(frozen=True)
class PastMeeting:
    """An earlier meeting: how many weeks before the next one, its round, and who shared what.

    Everyone not in `shares` passed.
    """

    weeks_before: int
    prompt: str
    shares: dict[str, str]


HISTORY = (
    PastMeeting(
        2,
        "What would make appointments easier?",
        {
            "Priya": "Letters that say who we'll see and why.",
            "Jo": "Not being asked to repeat the whole story every time.",
            "Marcus": "A ground-floor room. The lift is broken more than it works.",
        },
    ),
    PastMeeting(
        1,
        "What's one thing that worked this month?",
        {
            "Priya": "The new key worker rang back the same day.",
            "Jo": "School let my daughter start later on Mondays.",
            "Marcus": "Respite came through, after eight months.",
            "Tom": "We kept the short-breaks budget at last year's level.",
        },
    ),
)


async def add_history(conn: Connection, group: Group, next_meeting: date) -> list[str]:
    """Write `HISTORY` for the group, weeks before `next_meeting` (a local date); one line each."""
    people = {m.display_name: m for m in await members.of_group(conn, group.id)}
    lines: list[str] = []
    for past in HISTORY:
        day = next_meeting - timedelta(weeks=past.weeks_before)
        starts_at = datetime.combine(day, MEETS_AT, tzinfo=group.zone).astimezone(UTC)
        ends_at = starts_at + MEETING_LENGTH
        meeting = await meetings.create(
            conn, group.id, starts_at, ends_at, status=meetings.ENDED, source="schedule"
        )
        asked = starts_at + timedelta(minutes=20)
        made = await rounds.create(conn, group.id, meeting.id, past.prompt, now=asked)
        for name, member in people.items():
            words = past.shares.get(name)
            await rounds.put_answer(
                conn,
                made.id,
                member.id,
                role=member.role,
                kind=rounds.SHARE if words else rounds.PASS,
                text=words,
                consent=False,
                now=asked + timedelta(minutes=5),
            )
        await rounds.mark_revealed(conn, made.id, asked + timedelta(minutes=15))
        await rounds.mark_closed(conn, made.id, ends_at)
        shared = [name for name in people if name in past.shares]
        passed = [name for name in people if name not in past.shares]
        lines.append(
            f"{day:%A} {day.day} {day:%B}, round “{past.prompt}”: {names(shared)} shared; "
            f"{names(passed)} passed."
        )
    return lines


def names(people: list[str]) -> str:
    """ "Priya, Jo and Marcus"."""
    if len(people) == 1:
        return people[0]
    return f"{', '.join(people[:-1])} and {people[-1]}"
