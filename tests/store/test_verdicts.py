"""The store of "does this feel addressed?" on a real database (SQLite, and PostgreSQL in CI):
answers with no author under random ids, one answer per token and nothing beside it, tokens
unlinked without changing a count, and the sweep's claims that hold once."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from sqlalchemy import select

from bot.identity import Where
from bot.store import groups
from bot.store import verdicts as store
from bot.store.database import Database
from bot.store.schema import verdict_answers, verdict_tokens

NOW = datetime(2026, 3, 3, 10, tzinfo=UTC)
T1, T2 = "a" * 64, "b" * 64


async def _asking(db: Database) -> store.Verdict:
    async with db.write() as conn:
        group = await groups.create(
            conn, Where("console", "local", "C-x"), "Forum", now=NOW, timezone="UTC", k=3
        )
        return await store.create(
            conn,
            group.id,
            kind="elephant",
            subject_id=7,
            number=2,
            title="Papers come late",
            what_was_done=None,
            now=NOW,
        )


async def test_one_answer_per_token_without_a_trace_of_who(db: Database) -> None:
    verdict = await _asking(db)
    rng = random.Random(5)
    async with db.write() as conn:
        assert await store.answer(conn, verdict.id, token=T1, new="yes", rng=rng)
        assert await store.answer(conn, verdict.id, token=T2, new="partly", rng=rng)
        assert not await store.answer(conn, verdict.id, token=T1, new="partly", rng=rng)
        assert sorted(await store.answers_given(conn, verdict.id)) == ["partly", "yes"]
        assert await store.has_answered(conn, verdict.id, T1)
        assert not await store.has_answered(conn, verdict.id, "c" * 64)
        ids = list((await conn.execute(select(verdict_answers.c.id))).scalars())
        assert sorted(ids) != [1, 2]  # random ids, not the order of arrival
        rows = [dict(r) for r in (await conn.execute(select(verdict_tokens))).mappings()]
        assert all(set(row) == {"verdict_id", "token"} for row in rows)
        assert (await store.to_redraw(conn))[0].id == verdict.id


async def test_scrambled_tokens_keep_every_count_and_cannot_be_found(db: Database) -> None:
    verdict = await _asking(db)
    async with db.write() as conn:
        await store.answer(conn, verdict.id, token=T1, new="not-really", rng=random.Random(1))
        assert await store.scramble_tokens(conn, [T1, T2]) == 1
        assert not await store.has_answered(conn, verdict.id, T1)
        (row,) = (await conn.execute(select(verdict_tokens))).mappings()
        assert row["token"] != T1 and len(row["token"]) == 64
        assert await store.answers_given(conn, verdict.id) == ["not-really"]


async def test_the_sweeps_claims_hold_once(db: Database) -> None:
    verdict = await _asking(db)
    async with db.write() as conn:
        assert not await store.set_shown(conn, verdict.id, "yes=3")  # nothing changed yet
        await store.note_changed(conn, verdict.id)
        assert await store.set_shown(conn, verdict.id, "yes=3")
        assert not await store.set_shown(conn, verdict.id, "yes=3")
        assert await store.claim_reopen(conn, verdict.id, NOW)
        assert not await store.claim_reopen(conn, verdict.id, NOW)
        found = await store.latest_by_number(conn, verdict.group_id, "elephant", 2)
        assert found is not None and found.state == store.REOPENED
        assert found.figures_shown == "yes=3"
        closed = await store.close(conn, verdict.id, forget_words=True)
        assert (closed.state, closed.title, closed.what_was_done) == ("closed", "", None)
        assert await store.latest_by_number(conn, verdict.group_id, "elephant", 3) is None
