"""SQLite's one writer at a time, taken in turns inside the process rather than in SQLite's busy
handler: every write of a burst lands, a writer kept waiting too long is told so with nothing
stored, and the turn-taking works under each event loop a database is used from."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import func, insert

from bot.store.database import Database, WriterTurns
from bot.store.migrate import upgrade
from bot.store.schema import inbound_events
from tests.dialogue import count

pytestmark = pytest.mark.sqlite_only(reason="SQLite's single writer")


async def _record(db: Database, event_id: str) -> None:
    async with db.write() as conn:
        await conn.execute(
            insert(inbound_events).values(
                platform="test", event_id=event_id, received_at=func.current_timestamp()
            )
        )


async def _database(path: Path) -> Database:
    url = f"sqlite+aiosqlite:///{path / 'writers.db'}"
    await upgrade(url)
    return Database(url)


async def test_a_burst_of_writers_all_land(tmp_path: Path) -> None:
    db = await _database(tmp_path)
    try:
        await asyncio.gather(*(_record(db, f"e{n}") for n in range(60)))
        assert await count(db, inbound_events) == 60
    finally:
        await db.dispose()


async def test_a_writer_kept_waiting_too_long_is_told_and_stores_nothing(tmp_path: Path) -> None:
    db = await _database(tmp_path)
    db.writer_wait = 0.0  # no patience at all: the wait ends at once if anyone is writing
    try:
        holding = asyncio.Event()
        release = asyncio.Event()

        async def hold() -> None:
            async with db.write() as conn:
                await conn.execute(
                    insert(inbound_events).values(
                        platform="test", event_id="first", received_at=func.current_timestamp()
                    )
                )
                holding.set()
                await release.wait()

        holder = asyncio.create_task(hold())
        await holding.wait()
        with pytest.raises(TimeoutError):
            await _record(db, "second")
        release.set()
        await holder
        assert await count(db, inbound_events) == 1
        await _record(db, "third")  # the turn was handed back: later writers go in
        assert await count(db, inbound_events) == 2
    finally:
        await db.dispose()


def test_turns_are_taken_under_each_event_loop_in_turn(tmp_path: Path) -> None:
    db = asyncio.run(_database(tmp_path))

    async def burst(tag: str) -> None:
        await asyncio.gather(*(_record(db, f"{tag}{n}") for n in range(10)))
        await db.dispose()  # connections belong to the loop that made them

    asyncio.run(burst("a"))
    asyncio.run(burst("b"))
    assert asyncio.run(count(db, inbound_events)) == 20
    asyncio.run(db.dispose())


async def test_a_writer_asking_to_go_first_goes_before_those_already_waiting() -> None:
    turns = WriterTurns()
    order: list[str] = []

    async def write(name: str, first: bool) -> None:
        await turns.acquire(first)
        order.append(name)
        await asyncio.sleep(0)
        turns.release()

    await turns.acquire()  # someone is writing; then three queue, the last asking to go first
    waiting = [
        asyncio.create_task(write("job 1", False)),
        asyncio.create_task(write("job 2", False)),
        asyncio.create_task(write("inbox", True)),
    ]
    await asyncio.sleep(0)
    turns.release()
    await asyncio.gather(*waiting)
    assert order == ["inbox", "job 1", "job 2"]


async def test_a_writer_that_gives_up_waiting_does_not_keep_the_turn() -> None:
    turns = WriterTurns()
    await turns.acquire()
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.01):
            await turns.acquire(True)
    turns.release()
    async with asyncio.timeout(1):
        await turns.acquire()  # free again, not held by the writer that gave up
