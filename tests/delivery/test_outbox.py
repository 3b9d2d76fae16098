"""The outbox: nothing a platform refuses, and nothing a dying clock leaves behind, is lost."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest
from sqlalchemy import update

from bot.cards import Button, Card, Field
from bot.delivery.codec import decode, encode
from bot.delivery.outbox import LEASE, MAX_ATTEMPTS, Outbox, enqueue, keep, pending
from bot.effects import Effect, MessageMember, PostToConversation, ReplyToActor, UpdatePost
from bot.identity import Where
from bot.store.database import Database
from bot.store.schema import outbox
from tests.dialogue import FakeClock

HERE = Where("slack", "T1", "C1")
CARD = Card("Title", "Some words", (Field("Count", "3 of 5"),), (Button("Go", "x.y", "1|2"),), "f")


class Platform:
    """A deliverer that records what it accepted and refuses while `down`."""

    def __init__(self) -> None:
        self.accepted: list[Effect] = []
        self.down = False

    async def deliver(self, effects: Sequence[Effect]) -> list[Effect]:
        await asyncio.sleep(0)  # let a concurrent drain interleave
        if self.down:
            return list(effects)
        self.accepted.extend(effects)
        return []


@pytest.mark.parametrize(
    "effect",
    [
        PostToConversation(HERE, CARD, key="summary:1"),
        PostToConversation(Where("teams", "t", "19:x", is_direct=True), CARD),
        MessageMember("slack", "T1", "U1", CARD, key=None),
        MessageMember("teams", "t", "29:1", CARD, key="arrivals:1:2", replace=True),
        UpdatePost(HERE, "checkin:4", CARD),
    ],
)
def test_storable_effects_survive_the_round_trip(effect: Effect) -> None:
    assert decode(encode(effect)) == effect


def test_a_reply_cannot_wait_in_the_outbox() -> None:
    with pytest.raises(TypeError):
        encode(ReplyToActor(CARD))


async def test_what_a_dead_clock_committed_is_sent_by_the_next_drain(
    db: Database, clock: FakeClock
) -> None:
    async with db.write() as conn:
        await enqueue(conn, [PostToConversation(HERE, CARD, key="summary:1")], clock.now)
    platform = Platform()
    assert await Outbox(db, platform, clock).drain() == 1
    assert platform.accepted == [PostToConversation(HERE, CARD, key="summary:1")]
    assert await pending(db) == 0


async def test_two_drains_at_once_send_each_effect_once(db: Database, clock: FakeClock) -> None:
    effects = [MessageMember("slack", "T1", f"U{n}", CARD) for n in range(30)]
    async with db.write() as conn:
        await enqueue(conn, effects, clock.now)
    first, second = Platform(), Platform()
    await asyncio.gather(Outbox(db, first, clock).drain(), Outbox(db, second, clock).drain())
    sent = first.accepted + second.accepted
    assert sorted(e.user_id for e in sent) == sorted(e.user_id for e in effects)  # type: ignore[attr-defined]


async def test_a_refused_effect_waits_then_goes_out(db: Database, clock: FakeClock) -> None:
    platform = Platform()
    platform.down = True
    await keep(db, [UpdatePost(HERE, "checkin:1", CARD)], clock.now)
    drain = Outbox(db, platform, clock)
    assert await drain.drain() == 0  # not due yet: kept effects wait a little first
    clock.advance(seconds=20)
    assert await drain.drain() == 0  # refused: tried, kept
    assert await pending(db) == 1
    platform.down = False
    clock.advance(seconds=20)
    assert await drain.drain() == 1
    assert platform.accepted == [UpdatePost(HERE, "checkin:1", CARD)]


async def test_a_row_leased_by_a_clock_that_died_is_taken_after_the_lease(
    db: Database, clock: FakeClock
) -> None:
    async with db.write() as conn:
        await enqueue(conn, [PostToConversation(HERE, CARD)], clock.now)
        await conn.execute(update(outbox).values(lease_until=clock.now + LEASE))
    platform = Platform()
    drain = Outbox(db, platform, clock)
    assert await drain.drain() == 0
    clock.advance(seconds=LEASE.total_seconds() + 1)
    assert await drain.drain() == 1


async def test_it_gives_up_after_many_attempts_and_says_so(
    db: Database, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    platform = Platform()
    platform.down = True
    async with db.write() as conn:
        await enqueue(conn, [MessageMember("slack", "T1", "U-secret", CARD)], clock.now)
    drain = Outbox(db, platform, clock)
    for _ in range(MAX_ATTEMPTS):
        await drain.drain()
        clock.advance(hours=3)
    assert await pending(db) == 0
    assert "gave up on a MessageMember" in caplog.text
    assert "U-secret" not in caplog.text and "Some words" not in caplog.text


async def test_retries_pause_longer_each_time(db: Database, clock: FakeClock) -> None:
    platform = Platform()
    platform.down = True
    async with db.write() as conn:
        await enqueue(conn, [PostToConversation(HERE, CARD)], clock.now)
    drain = Outbox(db, platform, clock)
    await drain.drain()
    clock.advance(seconds=16)
    await drain.drain()  # second attempt
    clock.advance(seconds=16)
    platform.down = False
    assert await drain.drain() == 0  # the pause after two failures is 30 s
    clock.advance(seconds=20)
    assert await drain.drain() == 1


def test_a_button_keeps_its_typed_twin_and_older_rows_still_read() -> None:
    """Rows stored before buttons said what typing them is (four parts) still decode."""
    pressed = Button("3 Okay", "checkin.answer", "1|2:3", typed="checkin 3")
    effect = MessageMember("console", "local", "U-sam", Card(text="Hi", buttons=(pressed,)))
    assert decode(encode(effect)) == effect
    old = encode(effect).replace(',"checkin 3"]', "]")
    plain = Button("3 Okay", "checkin.answer", "1|2:3")
    assert decode(old) == MessageMember("console", "local", "U-sam", Card("", "Hi", (), (plain,)))


def _counted(n: int) -> Card:
    return Card("Check-in", f"{n} of 60 checked in")


async def test_only_the_last_update_of_a_post_in_a_batch_goes_out(
    db: Database, clock: FakeClock
) -> None:
    post = PostToConversation(HERE, _counted(0), key="checkin:4")
    other = UpdatePost(HERE, "elephant:1", CARD)
    updates = [UpdatePost(HERE, "checkin:4", _counted(n)) for n in range(1, 61)]
    note = MessageMember("slack", "T1", "U1", CARD)
    async with db.write() as conn:
        await enqueue(conn, [post, *updates[:30], other, note, *updates[30:]], clock.now)
    platform = Platform()
    assert await Outbox(db, platform, clock).drain() == 4
    assert platform.accepted == [post, other, note, updates[-1]]
    assert await pending(db) == 0


async def test_a_later_update_that_is_refused_is_kept_and_the_post_ends_right(
    db: Database, clock: FakeClock
) -> None:
    async with db.write() as conn:
        await enqueue(conn, [UpdatePost(HERE, "checkin:4", _counted(n)) for n in (1, 2)], clock.now)
    platform = Platform()
    platform.down = True
    assert await Outbox(db, platform, clock).drain() == 0
    assert await pending(db) == 1  # the redrawn one is settled, the last one waits
    platform.down = False
    clock.advance(minutes=1)
    assert await Outbox(db, platform, clock).drain() == 1
    assert platform.accepted == [UpdatePost(HERE, "checkin:4", _counted(2))]
