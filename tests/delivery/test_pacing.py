"""Paced, ordered sending: the token bucket's pace, the shared pause, and lanes kept in order."""

from __future__ import annotations

import asyncio

from bot.cards import Card
from bot.delivery.pacing import Pacer, deliver_in_lanes
from bot.effects import Effect, MessageMember, PostToConversation, UpdatePost
from bot.identity import Where


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


async def test_the_bucket_keeps_the_rate_after_its_burst() -> None:
    time = FakeTime()
    pacer = Pacer(10.0, burst=2.0, clock=time.clock, sleep=time.sleep)
    for _ in range(12):
        await pacer.acquire()
    assert round(time.now, 6) == 1.0  # two at once, then ten more at ten a second


async def test_a_pause_holds_every_sender_and_starts_without_a_burst() -> None:
    time = FakeTime()
    pacer = Pacer(10.0, burst=5.0, clock=time.clock, sleep=time.sleep)
    pacer.pause(2.0)
    pacer.pause(1.0)  # an earlier end does not shorten the pause
    await pacer.acquire()
    assert round(time.now, 6) == 2.1


async def test_lanes_keep_a_post_before_its_update_and_failures_come_back_in_order() -> None:
    where = Where("slack", "T1", "C1")
    post = PostToConversation(where, Card(text="post"), key="k")
    update = UpdatePost(where, "k", Card(text="update"))
    members = [MessageMember("slack", "T1", f"U{n}", Card(text=f"m{n}")) for n in range(6)]
    effects: list[Effect] = [post, *members, update]
    sent: list[Effect] = []

    async def send(effect: Effect) -> bool:
        await asyncio.sleep(0)
        sent.append(effect)
        return effect not in (members[1], members[4])

    failed = await deliver_in_lanes(effects, send, workers=4)
    assert sent[0] is post
    assert sent.index(post) < sent.index(update)
    assert sorted(map(id, sent)) == sorted(map(id, effects))
    assert failed == [members[1], members[4]]
