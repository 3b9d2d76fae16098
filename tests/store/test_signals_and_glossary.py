"""The stores of signals and the glossary on a real database (SQLite, and PostgreSQL in CI):
crowds by window, one count per token, each whole crowd claimed once, tokens unlinked without
changing a count; glossary words matched without case or accents, added once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.identity import Where
from bot.store import glossary, groups, meetings
from bot.store import signals as store
from bot.store.database import Database
from bot.store.schema import signal_tokens

NOW = datetime(2026, 3, 3, 10, tzinfo=UTC)
WINDOW = timedelta(minutes=5)
T1, T2 = "a" * 64, "b" * 64


async def _meeting(db: Database) -> tuple[int, int]:
    async with db.write() as conn:
        group = await groups.create(
            conn, Where("console", "local", "C-x"), "Forum", now=NOW, timezone="UTC", k=3
        )
        meeting = await meetings.create(conn, group.id, NOW, None, status="open", source="manual")
        return group.id, meeting.id


async def test_crowds_open_by_window_and_count_each_token_once(db: Database) -> None:
    _, meeting_id = await _meeting(db)
    async with db.write() as conn:
        first = await store.open_crowd(conn, meeting_id, "slow", "", now=NOW, window=WINDOW)
        assert await store.count_once(conn, first.id, T1) == 1
        assert await store.count_once(conn, first.id, T1) is None
        later = NOW + timedelta(minutes=4, seconds=59)
        same = await store.open_crowd(conn, meeting_id, "slow", "", now=later, window=WINDOW)
        assert same.id == first.id and same.asked == 1
        other = await store.open_crowd(conn, meeting_id, "jargon", "ehcp", now=later, window=WINDOW)
        assert other.id != first.id
        assert await store.count_once(conn, same.id, T2) == 2
        after = await store.open_crowd(
            conn, meeting_id, "slow", "", now=NOW + WINDOW, window=WINDOW
        )
        assert after.id not in (first.id, other.id) and after.asked == 0


async def test_each_whole_crowd_is_claimed_once(db: Database) -> None:
    _, meeting_id = await _meeting(db)
    async with db.write() as conn:
        crowd = await store.open_crowd(conn, meeting_id, "break", "", now=NOW, window=WINDOW)
        assert await store.claim_alert(conn, crowd.id, 2)
        assert not await store.claim_alert(conn, crowd.id, 2)
        assert await store.claim_alert(conn, crowd.id, 4)
        assert not await store.claim_alert(conn, crowd.id, 2)


async def test_tokens_are_unlinked_and_old_crowds_deleted(db: Database) -> None:
    _, meeting_id = await _meeting(db)
    async with db.write() as conn:
        crowd = await store.open_crowd(conn, meeting_id, "slow", "", now=NOW, window=WINDOW)
        await store.count_once(conn, crowd.id, T1)
        assert await store.crowd_ids(conn, [meeting_id]) == [crowd.id]
        assert await store.scramble_tokens(conn, [T1, T2]) == 1
        tokens = list((await conn.execute(select(signal_tokens.c.token))).scalars())
        assert tokens != [T1] and len(tokens[0]) == 64
        assert await store.count_once(conn, crowd.id, T1) == 2  # unlinked: counts as new
        assert await store.delete_before(conn, NOW) == 0
        assert await store.delete_before(conn, NOW + timedelta(seconds=1)) == 1
        assert list((await conn.execute(select(signal_tokens))).all()) == []


async def test_glossary_words_match_without_case_or_accents(db: Database) -> None:
    group_id, meeting_id = await _meeting(db)
    async with db.write() as conn:
        assert await glossary.add(conn, group_id, "Séance", None, now=NOW, meeting_id=None)
        assert not await glossary.add(conn, group_id, "SEANCE", "x", now=NOW, meeting_id=None)
        found = await glossary.find(conn, group_id, "seance")
        assert found is not None and found.word == "Séance" and found.meaning is None
        await glossary.explain(conn, found.id, "a meeting", now=NOW, meeting_id=meeting_id)
        assert [e.word for e in await glossary.explained_in(conn, meeting_id)] == ["Séance"]
        await glossary.remove(conn, found.id)
        assert await glossary.size(conn, group_id) == 0
