"""The store of ladder answers on a real database (SQLite, and PostgreSQL in CI): rows with no
author under random ids, waiting answers read by side (no side as a side of its own), counted
only when the caller says so, and the schema refusing a rung or a side it does not know."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from bot.identity import Where
from bot.store import groups, ladder, meetings
from bot.store.database import Database
from bot.store.schema import ladder_answers

NOW = datetime(2026, 3, 3, 10, tzinfo=UTC)


async def _meeting(db: Database) -> int:
    async with db.write() as conn:
        group = await groups.create(
            conn, Where("console", "local", "C-x"), "Forum", now=NOW, timezone="UTC", k=2
        )
        meeting = await meetings.create(
            conn, group.id, NOW, NOW, status=meetings.ENDED, source="manual"
        )
        return meeting.id


async def test_answers_wait_by_side_and_count_only_when_told(db: Database) -> None:
    meeting_id = await _meeting(db)
    rng = random.Random(7)
    async with db.write() as conn:
        for rung, side in ((7, "lived-experience"), (6, "lived-experience"), (2, None)):
            await ladder.add(conn, meeting_id, rung, side, rng=rng)
        await ladder.add(conn, meeting_id, 4, "professional", rng=rng)
        lived = await ladder.waiting(conn, meeting_id, "lived-experience")
        assert len(lived) == 2 and lived == sorted(lived)
        assert len(await ladder.waiting(conn, meeting_id, None)) == 1
        assert await ladder.counted(conn, meeting_id) == []
        await ladder.count_in(conn, lived)
        shown = await ladder.counted(conn, meeting_id)
        assert sorted((a.rung, a.side) for a in shown) == [
            (6, "lived-experience"),
            (7, "lived-experience"),
        ]
        assert await ladder.waiting(conn, meeting_id, "lived-experience") == []


@pytest.mark.parametrize(("rung", "side"), [(0, None), (8, None), (3, "both")])
async def test_the_schema_refuses_what_it_does_not_know(
    db: Database, rung: int, side: str | None
) -> None:
    meeting_id = await _meeting(db)
    with pytest.raises(IntegrityError):
        async with db.write() as conn:
            await conn.execute(
                insert(ladder_answers).values(id=1, meeting_id=meeting_id, rung=rung, side=side)
            )


def test_only_the_two_sides_are_kept() -> None:
    assert [ladder.side_of(r) for r in ("lived-experience", "professional", "both", None)] == [
        "lived-experience",
        "professional",
        None,
        None,
    ]
