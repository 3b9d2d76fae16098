"""A command's fan-out waits in the outbox from the moment the command commits; delivery settles
each row as the platform answers, under a short lease renewed while the batch is out. So a process
killed after N sends leaves exactly the rest, a dead drain's rows come back within half a minute,
and a live slow drain keeps its rows. Each row is marked as being sent before its platform call:
one killed mid-call is counted as an ambiguous send by the next drain, never sent twice."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select

from bot.cards import Card
from bot.core import Core
from bot.delivery.codec import storable
from bot.delivery.outbox import BATCH, LEASE, Outbox, enqueue, pending
from bot.delivery.pacing import deliver_in_lanes
from bot.effects import Effect, MessageMember, PostToConversation, ReplyToActor, UpdatePost
from bot.events import Command
from bot.store import members as members_store
from bot.store.database import Database
from bot.store.schema import groups, outbox
from tests.dialogue import Chat, FakeClock, channel, person

FAY = person("Fay")
MEMBERS = 300
CARD = Card(text="What helped this week?")


class Killed(BaseException):
    """The process dies: nothing after this runs (not an `Exception`: no handler catches it)."""


class Platform:
    """A deliverer sending through the real lanes (so receipts are told around each send)."""

    def __init__(self, *, workers: int = 1) -> None:
        self.accepted: list[Effect] = []
        self.workers = workers
        self.during: Callable[[Effect], Awaitable[None]] | None = None
        self.die_after: int | None = None
        self.failing: list[Effect] = []
        """Effects the platform turns away for now (a 503): `deliver` hands them back."""

    async def deliver(self, effects: Sequence[Effect]) -> list[Effect]:
        return await deliver_in_lanes(effects, self._send, self.workers)

    async def _send(self, effect: Effect) -> bool:
        if self.die_after is not None and len(self.accepted) >= self.die_after:
            raise Killed
        if self.during is not None:
            await self.during(effect)
        if effect in self.failing:
            return False
        self.accepted.append(effect)
        return True


def ambiguous_sends() -> float:
    labels = {"platform": "console", "kind": "MessageMember"}
    return REGISTRY.get_sample_value("commonground_ambiguous_sends_total", labels) or 0.0


async def marks(db: Database) -> dict[int, bool]:
    """Each row left in the outbox, and whether it is marked as being sent."""
    async with db.read() as conn:
        rows = await conn.execute(select(outbox.c.id, outbox.c.sending_since))
        return {row.id: row.sending_since is not None for row in rows}


async def open_round_in_large_group(chat: Chat, db: Database, clock: FakeClock) -> list[Effect]:
    """Fay sets up a group of `MEMBERS` and opens a round: one card and an invitation each."""
    await chat.say(FAY, "setup Parents Forum")
    async with db.write() as conn:
        group_id = await conn.scalar(select(groups.c.id))
        assert group_id is not None
        for n in range(MEMBERS - 1):
            await members_store.add(conn, group_id, f"U-member-{n:03d}", f"Member {n}", now=clock())
    async with db.write() as conn:  # what setup stored has gone out already
        await conn.execute(outbox.delete())
    outcome = await chat.say(FAY, "round What helped this week?")
    return list(outcome.effects)


async def test_a_commands_fan_out_is_in_the_outbox_when_the_command_commits(
    chat: Chat, db: Database, clock: FakeClock
) -> None:
    effects = await open_round_in_large_group(chat, db, clock)
    stored = [e for e in effects if storable(e)]
    invitations = [e for e in stored if isinstance(e, MessageMember)]
    assert len(invitations) >= MEMBERS - 1
    assert any(isinstance(e, ReplyToActor) for e in effects)  # still returned, not stored
    assert await pending(db) == len(stored)  # nobody has drained yet: nothing can be lost


async def test_a_drain_killed_after_n_sends_leaves_exactly_the_rest(
    chat: Chat, db: Database, clock: FakeClock
) -> None:
    effects = await open_round_in_large_group(chat, db, clock)
    stored = [e for e in effects if storable(e)]
    first = Platform()
    first.die_after = 101  # killed during the call for the 102nd, after its row was marked
    with pytest.raises(Killed):
        await Outbox(db, first, clock).drain()
    assert len(first.accepted) == 101
    assert await pending(db) == len(stored) - 101  # each row went as its send was accepted
    assert sum((await marks(db)).values()) == 1  # the one in flight

    second = Platform(workers=4)
    held = BATCH - 101 % BATCH  # the rest of the batch it was sending: still leased to it
    assert await Outbox(db, second, clock).drain() == len(stored) - 101 - held
    clock.advance(seconds=LEASE.total_seconds() + 1)  # a short lease: back in half a minute
    before = ambiguous_sends()
    assert await Outbox(db, second, clock).drain() == held - 1
    assert ambiguous_sends() == before + 1  # the one in flight: counted, not sent again
    assert await pending(db) == 0
    sent = first.accepted + second.accepted
    in_flight = stored[101]
    assert in_flight not in sent
    expected = [e for n, e in enumerate(stored) if n != 101]
    assert sorted(map(repr, sent)) == sorted(map(repr, expected))  # the rest, none twice
    assert first.accepted == stored[:101]  # in the order stored: the round card first


async def test_a_slow_batch_keeps_its_lease_and_another_drain_takes_nothing(
    db: Database, clock: FakeClock
) -> None:
    effects = [MessageMember("console", "local", f"U{n}", CARD) for n in range(6)]
    async with db.write() as conn:
        await enqueue(conn, effects, clock.now)
    slow, other = Platform(), Platform()
    others_got: list[int] = []

    async def twenty_seconds_each(effect: Effect) -> None:
        clock.advance(seconds=20)  # 2 minutes in all: four times the lease
        others_got.append(await Outbox(db, other, clock).drain())  # another process drains

    slow.during = twenty_seconds_each
    assert await Outbox(db, slow, clock).drain() == 6
    assert others_got == [0] * 6 and other.accepted == []
    assert slow.accepted == effects


async def test_a_drain_frozen_past_its_lease_sends_nothing_more_of_what_another_took(
    db: Database, clock: FakeClock
) -> None:
    """Only a process frozen for longer than the lease (its event loop stuck, so not even the
    wall-clock renewal ran) can lose its rows while alive; then it stops at the next row rather
    than sending what the other drain took. The one row in flight is marked, so the other drain
    counts it as ambiguous rather than sending it twice (the lease is short so that a dead
    process's rows come back soon, and renewed every 10 s so that a live one's don't)."""
    effects = [MessageMember("console", "local", f"U{n}", CARD) for n in range(4)]
    async with db.write() as conn:
        await enqueue(conn, effects, clock.now)
    stuck, other = Platform(), Platform()

    async def stuck_on_the_first(effect: Effect) -> None:
        if effect == effects[0]:
            clock.advance(seconds=LEASE.total_seconds() + 5)  # one send outlives the lease
            assert await Outbox(db, other, clock).drain() == 3  # it looked dead: all taken

    stuck.during = stuck_on_the_first
    before = ambiguous_sends()
    await Outbox(db, stuck, clock).drain()
    assert stuck.accepted == effects[:1]  # the one in flight; nothing after it
    assert other.accepted == effects[1:]  # the one in flight was not sent again...
    assert ambiguous_sends() == before + 1  # ...but counted
    assert await pending(db) == 0


async def test_an_update_goes_out_after_the_post_it_updates(db: Database, clock: FakeClock) -> None:
    where = channel()
    effects: list[Effect] = [
        PostToConversation(where, CARD, key="round:1"),
        *(MessageMember("console", "local", f"U{n}", CARD) for n in range(5)),
        UpdatePost(where, "round:1", CARD),
    ]
    async with db.write() as conn:
        await enqueue(conn, effects, clock.now)
    platform = Platform(workers=4)
    assert await Outbox(db, platform, clock).drain() == len(effects)
    sent = platform.accepted
    assert sent.index(effects[0]) < sent.index(effects[-1])


async def test_a_drain_killed_mid_call_leaves_the_row_marked_and_it_is_counted_not_sent_again(
    db: Database, clock: FakeClock
) -> None:
    effects = [MessageMember("console", "local", f"U{n}", CARD) for n in range(5)]
    async with db.write() as conn:
        await enqueue(conn, effects, clock.now)
    platform = Platform()
    platform.failing = [effects[1]]  # turned away for now: it did not go out
    gate = asyncio.Event()
    hanging = asyncio.Event()

    async def hang_on_the_third(effect: Effect) -> None:
        if effect == effects[2]:
            hanging.set()  # the first was accepted and the second failed before this
            await gate.wait()  # never set: the platform has the request and never answers

    platform.during = hang_on_the_third
    drain = asyncio.create_task(Outbox(db, platform, clock).drain())
    await hanging.wait()
    drain.cancel()  # the process dies mid-call
    with pytest.raises(asyncio.CancelledError):
        await drain
    left = await marks(db)
    assert len(left) == 4  # the first went and its row with it
    assert [marked for _, marked in sorted(left.items())] == [False, True, False, False]

    clock.advance(seconds=LEASE.total_seconds() + 1)  # the failed one's pause is over too
    before = ambiguous_sends()
    again = Platform()
    assert await Outbox(db, again, clock).drain() == 3
    assert again.accepted == [effects[1], *effects[3:]]  # the failed one is tried again...
    assert ambiguous_sends() == before + 1  # ...the one in flight is counted, not sent again
    assert await pending(db) == 0


async def test_the_core_stores_nothing_for_a_refused_command(core: Core, db: Database) -> None:
    await core.handle(Command(FAY, channel(), "round x"))  # not a group: refused, rolled back
    assert await pending(db) == 0
