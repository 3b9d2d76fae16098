"""The process's outbox drain: woken by an adapter once it has answered, it sends what the
command stored; the console prints a command's fan-out right after the command, in order."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Sequence

from bot.adapters.console.adapter import PLATFORM, ConsoleAdapter
from bot.cards import Card
from bot.core import Core
from bot.delivery.drainer import Drainer
from bot.delivery.outbox import Outbox, enqueue, pending
from bot.delivery.router import DeliveryRouter
from bot.effects import Effect, MessageMember
from bot.store.database import Database
from tests.dialogue import FakeClock

CARD = Card(text="A card")


class Platform:
    def __init__(self) -> None:
        self.accepted: list[Effect] = []
        self.gate: asyncio.Event | None = None
        self.entered = asyncio.Event()

    async def deliver(self, effects: Sequence[Effect]) -> list[Effect]:
        self.entered.set()
        if self.gate is not None:
            await self.gate.wait()
        self.accepted.extend(effects)
        return []


async def store(db: Database, clock: FakeClock, *users: str) -> list[Effect]:
    effects: list[Effect] = [MessageMember("slack", "T1", user, CARD) for user in users]
    async with db.write() as conn:
        await enqueue(conn, effects, clock())
    return effects


async def test_a_wake_sends_what_was_stored_in_the_background(
    db: Database, clock: FakeClock
) -> None:
    platform = Platform()
    drainer = Drainer(Outbox(db, platform, clock))
    effects = await store(db, clock, "U1", "U2")
    drainer.wake()
    assert platform.accepted == []  # nothing yet: wake returns at once
    await drainer.settled()
    assert platform.accepted == effects
    await drainer.close()


async def test_a_wake_during_a_drain_is_drained_too(db: Database, clock: FakeClock) -> None:
    platform = Platform()
    platform.gate = asyncio.Event()
    drainer = Drainer(Outbox(db, platform, clock))
    first = await store(db, clock, "U1")
    drainer.wake()
    await platform.entered.wait()  # the drain has begun and waits on the platform
    second = await store(db, clock, "U2")
    drainer.wake()
    platform.gate.set()
    await drainer.settled()
    assert platform.accepted == first + second
    await drainer.close()


async def test_closing_cancels_a_stuck_drain_and_keeps_its_rows(
    db: Database, clock: FakeClock
) -> None:
    platform = Platform()
    platform.gate = asyncio.Event()  # never set: the platform hangs
    drainer = Drainer(Outbox(db, platform, clock))
    await store(db, clock, "U1", "U2")
    drainer.wake()
    await platform.entered.wait()
    await drainer.close(wait=0.01)
    await drainer.settled()
    assert await pending(db) == 2
    drainer.wake()  # closed: no new drain starts
    await drainer.settled()
    assert platform.accepted == []


async def test_the_console_prints_the_answer_then_the_fan_out_then_nothing_is_left(
    core: Core, db: Database, clock: FakeClock
) -> None:
    out = io.StringIO()
    router = DeliveryRouter()
    drainer = Drainer(Outbox(db, router, clock))
    console = ConsoleAdapter(core, stdout=out, echo=True, drain=drainer.drain)
    router.register(PLATFORM, console.deliverer)
    await console.type("as Priya")
    await console.type("setup Parents Forum")
    for name in ("Sam", "Jo"):
        await console.type(f"as {name}")
        await console.type("role professional")
    await console.type("as Priya")
    await console.type("round What helped this week?")
    text = out.getvalue()
    start = text.rindex("round What helped this week?")
    after = text[start:]
    answer = after.index("(only you can see this)")
    channel_card = after.index("#general:")
    invitations = after.index("→ DM to each of")
    assert answer < channel_card < invitations  # the reply, then the posts it announces
    assert after.count("→ DM to each of") == 1  # the fan-out printed once, right after
    assert await pending(db) == 0
    await drainer.close()
