"""A group's history seeded straight into the database: weekly meetings with check-ins, a round,
reflections, ladder answers, an elephant, an action, an agenda item and a decision each, and
claims of recognised time. Every value follows a simple rule of the week and the member's place,
so tests can work out what each figure must be, and the pages benchmark can fill three years.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert

from bench import common
from bot.store.database import Database
from bot.store.schema import (
    actions,
    agenda_items,
    checkins,
    decisions,
    elephants,
    groups,
    ladder_answers,
    meetings,
    members,
    recognition_claims,
    reflections,
    round_answers,
    rounds,
    verdicts,
)

START = datetime(2023, 1, 3, 10, 0, tzinfo=UTC)
"""A Tuesday: the first seeded meeting."""
ROLES = ("lived-experience", "professional", "lived-experience", "professional", "both")


@dataclass(frozen=True, slots=True)
class History:
    group_id: int
    member_ids: tuple[int, ...]
    meeting_ids: tuple[int, ...]


def present(member: int, week: int) -> bool:
    """Who comes: four in five, a different fifth each week."""
    return (member + week) % 5 != 0


def passed(member: int, week: int) -> bool:
    return (member + week) % 11 == 0


def mood(member: int, week: int) -> int:
    return 1 + (member * 7 + week) % 5


def shares(member: int, week: int) -> bool:
    return (member + week) % 3 != 0


def late_share(member: int, week: int) -> bool:
    return (member + week) % 7 == 0


def heard_answers(week: int) -> int:
    """Counted "did you feel heard?" answers: six most weeks, none every fourth."""
    return 0 if week % 4 == 3 else 6


def elephant_closed(week: int) -> bool:
    return week % 2 == 0


def group_row(name: str = "Parents and Partners", *, recognition: bool = True) -> dict[str, Any]:
    """The benchmarks' usual group (`bench.common.group_row`), named, with recognition on."""
    return {
        **common.group_row(0, rule=None),
        "workspace": "T0HIST",
        "conversation_id": f"C-{name}"[:200],
        "name": name,
        "created_at": START - timedelta(days=30),
        "recognition": recognition,
    }


async def seed_history(
    db: Database,
    *,
    weeks: int,
    people: int,
    name: str = "Parents and Partners",
    start: datetime = START,
) -> History:
    """A group with `people` members and `weeks` weekly ended meetings from `start`."""
    async with db.write() as conn:
        group_id = int(
            (
                await conn.execute(insert(groups).returning(groups.c.id), [group_row(name)])
            ).scalar_one()
        )
        member_ids = [
            int(i)
            for i in (
                await conn.execute(
                    insert(members).returning(members.c.id),
                    [
                        {
                            "group_id": group_id,
                            "user_id": f"U{name[:3]}{n:05d}",
                            "display_name": f"Person {n}",
                            "role": ROLES[n % len(ROLES)],
                            "is_facilitator": n == 0,
                            "nudges": True,
                            "joined_at": start - timedelta(days=7),
                        }
                        for n in range(people)
                    ],
                )
            ).scalars()
        ]
        meeting_ids = [
            int(i)
            for i in (
                await conn.execute(
                    insert(meetings).returning(meetings.c.id),
                    [
                        {
                            "group_id": group_id,
                            "starts_at": start + timedelta(weeks=w),
                            "ends_at": start + timedelta(weeks=w, minutes=90),
                            "status": "ended",
                            "source": "schedule",
                            "checkin_sent_at": start + timedelta(weeks=w, minutes=-15),
                            "summary_posted_at": start + timedelta(weeks=w, minutes=90),
                        }
                        for w in range(weeks)
                    ],
                )
            ).scalars()
        ]
        round_ids = [
            int(i)
            for i in (
                await conn.execute(
                    insert(rounds).returning(rounds.c.id),
                    [
                        {
                            "group_id": group_id,
                            "meeting_id": meeting_ids[w],
                            "prompt": "What is one thing that helped this week?",
                            "status": "closed",
                            "opened_at": start + timedelta(weeks=w, minutes=10),
                            "revealed_at": start + timedelta(weeks=w, minutes=30),
                            "closed_at": start + timedelta(weeks=w, minutes=60),
                        }
                        for w in range(weeks)
                    ],
                )
            ).scalars()
        ]
        checkin_rows, answer_rows = [], []
        for w, meeting_id in enumerate(meeting_ids):
            at = start + timedelta(weeks=w)
            for n, member_id in enumerate(member_ids):
                if not present(n, w):
                    continue
                checkin_rows.append(
                    {
                        "meeting_id": meeting_id,
                        "member_id": member_id,
                        "mood": None if passed(n, w) else mood(n, w),
                        "passed": passed(n, w),
                        "words": None,
                        "visibility": "group",
                        "answered_at": at - timedelta(minutes=10),
                    }
                )
                answer_rows.append(
                    {
                        "round_id": round_ids[w],
                        "member_id": member_id,
                        "role": ROLES[n % len(ROLES)],
                        "kind": "share" if shares(n, w) else "pass",
                        "text": "something that helped" if shares(n, w) else None,
                        "consent_summary": False,
                        "answered_at": at + timedelta(minutes=20),
                        "after_reveal": shares(n, w) and late_share(n, w),
                    }
                )
        await conn.execute(insert(checkins), checkin_rows)
        await conn.execute(insert(round_answers), answer_rows)
        reflection_rows = [
            {"meeting_id": m, "heard": 1 + (w + i) % 5, "change": None, "counted": True}
            for w, m in enumerate(meeting_ids)
            for i in range(heard_answers(w))
        ]
        if reflection_rows:
            await conn.execute(insert(reflections), reflection_rows)
        await conn.execute(
            insert(ladder_answers),
            [
                {
                    "id": w * 10 + i + 1,
                    "meeting_id": m,
                    "rung": 3 + (w + i) % 4,
                    "side": ("lived-experience", "professional")[i % 2],
                    "counted": True,
                }
                for w, m in enumerate(meeting_ids)
                for i in range(6)
            ],
        )
        elephant_ids = [
            int(i)
            for i in (
                await conn.execute(
                    insert(elephants).returning(elephants.c.id),
                    [
                        {
                            "group_id": group_id,
                            "number": w + 1,
                            "size": "little",
                            "text": f"Elephant of week {w}",
                            "status": "addressed" if elephant_closed(w) else "open",
                            "outcome": f"We changed thing {w}" if elephant_closed(w) else None,
                            "post_after": start + timedelta(weeks=w),
                            "posted_at": start + timedelta(weeks=w),
                            "status_changed_at": start + timedelta(weeks=w, days=14)
                            if elephant_closed(w)
                            else None,
                        }
                        for w in range(weeks)
                    ],
                )
            ).scalars()
        ]
        await conn.execute(
            insert(verdicts),
            [
                {
                    "group_id": group_id,
                    "kind": "elephant",
                    "subject_id": elephant_ids[w],
                    "number": w // 4 + 1,
                    "title": f"Elephant of week {w}",
                    "what_was_done": f"We changed thing {w}",
                    "state": "closed",
                    "asked_at": start + timedelta(weeks=w, days=14),
                    "figures_shown": "yes=6;partly=3",
                }
                for w in range(0, weeks, 4)
            ],
        )
        await conn.execute(
            insert(actions),
            [
                {
                    "group_id": group_id,
                    "meeting_id": m,
                    "number": w + 1,
                    "text": f"Action of week {w}",
                    "owner_id": member_ids[w % len(member_ids)],
                    "recorded_by": member_ids[0],
                    "recorded_at": start + timedelta(weeks=w),
                    "due_on": (start + timedelta(weeks=w, days=7)).date(),
                    "status": "open" if w % 3 == 1 else "done",
                    "done_at": None
                    if w % 3 == 1
                    else start + timedelta(weeks=w, days=5 if w % 3 == 0 else 10),
                }
                for w, m in enumerate(meeting_ids)
            ],
        )
        await conn.execute(
            insert(agenda_items),
            [
                {
                    "group_id": group_id,
                    "text": f"Agenda item of week {w}",
                    "shown_from": start + timedelta(weeks=w, days=-3),
                    "status": "addressed",
                    "outcome": f"Agreed step {w}",
                    "closed_at": start + timedelta(weeks=w, minutes=45),
                    "meeting_id": m,
                }
                for w, m in enumerate(meeting_ids)
            ],
        )
        await conn.execute(
            insert(decisions),
            [
                {
                    "group_id": group_id,
                    "meeting_id": m,
                    "number": w + 1,
                    "text": f"Decision of week {w}",
                    "recorded_by": member_ids[0],
                    "recorded_at": start + timedelta(weeks=w, minutes=50),
                }
                for w, m in enumerate(meeting_ids)
            ],
        )
        await conn.execute(
            insert(recognition_claims),
            [
                {
                    "group_id": group_id,
                    "member_id": member_ids[(w * 2 + i) % len(member_ids)],
                    "number": w * 2 + i + 1,
                    "choice": ("claim", "donate")[i],
                    "meetings": 1,
                    "minutes": 90,
                    "pence": 0,
                    "made_at": start + timedelta(weeks=w, days=1),
                }
                for w in range(weeks)
                for i in range(2)
            ],
        )
    return History(group_id, tuple(member_ids), tuple(meeting_ids))
