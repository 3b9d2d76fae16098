"""The inbox table and its worker: one row per delivery, leases that keep two processes off the
same row and let a dead one's rows be taken over, and a failing row retried with back-off, then
dropped with a log line naming only its kind."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.inbox import BACKOFF, LEASE, Inbox, InboxSettings
from bot.store import inbox
from bot.store.database import Database
from bot.store.inbox import Entry
from bot.store.schema import inbox as inbox_table
from tests.dialogue import FakeClock

WORDS = "private words nobody may log"


SECRET = b"the bot's own secret, from its configuration"


def settings(**values: object) -> InboxSettings:
    return InboxSettings(_env_file=None, **values)  # type: ignore[call-arg]


OPTIONS: dict[str, Any] = {"secret": SECRET, "settings": settings()}


async def test_a_delivery_key_is_stored_once(db: Database, clock: FakeClock) -> None:
    first = await inbox.add(db, "slack", "e:1", WORDS, "application/json", clock())
    assert first is not None
    assert await inbox.add(db, "slack", "e:1", WORDS, "application/json", clock()) is None
    assert await inbox.add(db, "teams", "e:1", WORDS, "application/json", clock()) is not None
    assert await inbox.count(db, "slack") == 1


async def test_requests_arriving_together_are_committed_together_each_key_once(
    db: Database, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = Inbox(db, "slack", _nothing, clock=clock, kind_of=lambda e: "command", **OPTIONS)
    commits = 0
    original = inbox.add_many

    async def counting(*args: Any) -> list[int | None]:
        nonlocal commits
        commits += 1
        return await original(*args)

    monkeypatch.setattr(inbox, "add_many", counting)
    rows = await asyncio.gather(
        *(box.take_in(f"e:{n % 5}", WORDS, "application/json") for n in range(10))
    )
    assert commits <= 2  # the first request alone, then everyone who arrived meanwhile
    assert len({row for row in rows if row is not None}) == 5
    assert rows.count(None) == 5
    assert await inbox.count(db, "slack") == 5
    await inbox.remove_many(db, [row for row in rows if row is not None])
    assert await inbox.count(db, "slack") == 0


async def _nothing(entry: Entry) -> None:
    return None


async def test_a_leased_row_is_taken_over_only_after_its_lease(
    db: Database, clock: FakeClock
) -> None:
    await inbox.add(db, "slack", "e:1", WORDS, "application/json", clock())
    now = clock()
    [taken] = await inbox.lease(db, "slack", now, limit=8, until=now + LEASE)
    assert (taken.key, taken.body, taken.attempts) == ("e:1", WORDS, 1)
    assert await inbox.lease(db, "slack", now, limit=8, until=now + LEASE) == []
    await inbox.renew(db, [taken.id], now + 2 * LEASE)
    later = clock.advance(seconds=LEASE.total_seconds() + 1)
    assert await inbox.lease(db, "slack", later, limit=8, until=later + LEASE) == []
    later = clock.advance(seconds=LEASE.total_seconds())
    [again] = await inbox.lease(db, "slack", later, limit=8, until=later + LEASE)
    assert (again.id, again.attempts) == (taken.id, 2)
    await inbox.remove(db, again.id)
    assert await inbox.count(db, "slack") == 0


async def test_the_worker_hands_each_row_on_once_and_deletes_it(
    db: Database, clock: FakeClock
) -> None:
    seen: list[str] = []

    async def dispatch(entry: Entry) -> None:
        seen.append(entry.key)

    box = Inbox(db, "slack", dispatch, clock=clock, kind_of=lambda e: "event", **OPTIONS)
    for n in range(20):  # more than one batch
        await box.take_in(f"e:{n}", WORDS, "application/json")
    assert await box.take_in("e:3", WORDS, "application/json") is None  # a retry
    box.start()
    await box.settled()
    assert seen == [f"e:{n}" for n in range(20)]
    assert await inbox.count(db, "slack") == 0
    assert box.waiting == 0
    await box.stop()


async def test_a_failing_row_is_retried_with_back_off_then_dropped_naming_its_kind(
    db: Database, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    tries: list[int] = []

    async def dispatch(entry: Entry) -> None:
        tries.append(entry.attempts)
        raise ConnectionError("the database went away")

    box = Inbox(db, "slack", dispatch, clock=clock, kind_of=lambda e: "command", **OPTIONS)
    await box.take_in("h:1", WORDS, "application/x-www-form-urlencoded")
    box.start()
    with caplog.at_level(logging.INFO):
        await box.settled()
        for n in range(1, 5):
            assert tries == list(range(1, n + 1))
            clock.advance(seconds=(BACKOFF * 2 ** (n - 1) - timedelta(seconds=1)).total_seconds())
            box.wake()
            await box.settled()
            assert len(tries) == n  # not before its back-off has passed
            clock.advance(seconds=1)
            box.wake()
            await box.settled()
    await box.stop()
    assert tries == [1, 2, 3, 4, 5]
    assert await inbox.count(db, "slack") == 0
    lines = [r.getMessage() for r in caplog.records]
    assert any("dropped a command request after 5 failed attempts" in line for line in lines)
    assert not any(WORDS in line or "h:1" in line for line in lines)


async def test_the_route_is_told_when_the_inbox_is_full(db: Database, clock: FakeClock) -> None:
    async def dispatch(entry: Entry) -> None:
        return None

    box = Inbox(
        db,
        "slack",
        dispatch,
        secret=SECRET,
        clock=clock,
        kind_of=lambda e: "event",
        settings=settings(COMMONGROUND_INBOX_LIMIT=2),
    )
    await box.take_in("e:1", WORDS, "application/json")
    assert not box.full()
    await box.take_in("e:2", WORDS, "application/json")
    assert box.full()
    box.start()
    await box.settled()
    assert not box.full()
    await box.stop()


async def test_a_waiting_body_is_sealed_so_the_database_alone_never_names_its_sender(
    db: Database, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """An anonymous elephant's request names its author: the row holds it sealed with a key from
    the bot's secret, and only a worker holding that secret opens it."""
    seen: list[str] = []

    async def dispatch(entry: Entry) -> None:
        seen.append(entry.body)

    body = f'{{"user_id": "U0AUTHOR", "text": "{WORDS}"}}'
    box = Inbox(db, "slack", dispatch, clock=clock, kind_of=lambda e: "command", **OPTIONS)
    await box.take_in("c:1", body, "application/json")
    async with db.read() as conn:
        [stored] = (await conn.execute(select(inbox_table.c.body))).scalars().all()
    assert "U0AUTHOR" not in stored and WORDS not in stored
    other = Inbox(
        db,
        "slack",
        dispatch,
        clock=clock,
        kind_of=lambda e: "command",
        **{**OPTIONS, "secret": b"another secret"},
    )
    await other.take_in("c:2", body, "application/json")
    box.start()
    await box.settled()
    await box.stop()
    assert seen == [body]  # opened whole by the secret it was sealed with
    assert "sealed with another secret" in caplog.text  # the other is dropped, never retried
    assert await inbox.count(db, "slack") == 0


async def test_one_persons_rows_are_handled_in_order_and_others_alongside(
    db: Database, clock: FakeClock
) -> None:
    """Sam's `setup` is slow; Sam's `role`, taken in after it in the same batch, waits for it,
    while Jo's press runs alongside (and so finishes first)."""
    finished: list[str] = []
    setup_started = asyncio.Event()
    jo_done = asyncio.Event()

    async def dispatch(entry: Entry) -> None:
        if entry.key == "sam:setup":
            setup_started.set()
            await jo_done.wait()  # only finishes once Jo's row, taken in later, has finished
        finished.append(entry.key)
        if entry.key == "jo:press":
            jo_done.set()

    def sender(entry: Entry) -> str | None:
        return entry.key.partition(":")[0] if ":" in entry.key else None

    box = Inbox(
        db, "slack", dispatch, clock=clock, kind_of=lambda e: "event", sender_of=sender, **OPTIONS
    )
    for key in ("sam:setup", "sam:role", "jo:press", "nobody"):
        await box.take_in(key, WORDS, "application/json")
    box.start()
    await asyncio.wait_for(box.settled(), 5)
    assert finished.index("jo:press") < finished.index("sam:setup")
    assert finished.index("sam:setup") < finished.index("sam:role")
    assert sorted(finished) == sorted(["sam:setup", "sam:role", "jo:press", "nobody"])
    await box.stop()
