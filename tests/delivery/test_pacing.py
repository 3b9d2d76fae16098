"""Paced, ordered sending: the pace just below the limit, slowing down on a 429 and creeping back
up to just below the refused pace, the refused request waiting alone, and lanes kept in order."""

from __future__ import annotations

import asyncio

from bot.cards import Card
from bot.delivery.pacing import BELOW_REFUSED, SLOW_DOWN, Pacer, deliver_in_lanes
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


def _most_in_any_second(stamps: list[float]) -> int:
    return max(
        len([t for t in stamps[i:] if t - start < 1.0 - 1e-9]) for i, start in enumerate(stamps)
    )


async def test_the_pace_stays_one_request_a_second_below_the_limit() -> None:
    time = FakeTime()
    pacer = Pacer(50.0, clock=time.clock, sleep=time.sleep)
    stamps = []
    for _ in range(500):
        await pacer.acquire()
        stamps.append(time.now)
    assert _most_in_any_second(stamps) <= 50  # never more than the limit in any second
    assert 499 / stamps[-1] >= 0.97 * 50  # yet close to it


async def test_a_429_slows_down_once_then_the_pace_creeps_back_below_the_refused_one() -> None:
    time = FakeTime()
    pacer = Pacer(100.0, clock=time.clock, sleep=time.sleep)
    refused = pacer.rate
    while time.now < 1.0:  # a whole second at the pace
        await pacer.acquire()
    assert pacer.push_back(1.0) == 1.0  # the refused request waits its Retry-After alone
    slower = pacer.rate
    pacer.push_back(1.0)  # more 429s of the same push-back do not slow down again
    assert pacer.rate == slower <= refused * SLOW_DOWN
    stamps = []
    while time.now < 3.0:  # the others carry on meanwhile, at the slower pace
        await pacer.acquire()
        stamps.append(time.now)
    second = [t for t in stamps if 2.0 <= t < 3.0]
    assert 0.95 * slower <= len(second) < refused
    while time.now < 30.0:
        await pacer.acquire()
    # Back up, to just below what got through before the 429, not to where it was refused.
    assert slower <= pacer.rate <= refused * BELOW_REFUSED
    assert pacer.refusals == 2


async def test_a_refused_pace_is_forgotten_after_a_quiet_spell() -> None:
    time = FakeTime()
    pacer = Pacer(20.0, clock=time.clock, sleep=time.sleep)
    configured = pacer.rate
    pacer.push_back(1.0)
    while time.now < 200.0:
        await pacer.acquire()
    assert pacer.rate == configured


async def test_a_pause_holds_every_sender_and_starts_without_a_burst() -> None:
    time = FakeTime()
    pacer = Pacer(11.0, burst=5.0, clock=time.clock, sleep=time.sleep)
    pacer.pause(2.0)
    pacer.pause(1.0)  # an earlier end does not shorten the pause
    await pacer.acquire()
    assert round(time.now, 6) == round(2.0 + 1 / pacer.rate, 6)


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


async def test_a_sender_held_up_catches_up_without_going_over_the_limit() -> None:
    time = FakeTime()
    pacer = Pacer(50.0, clock=time.clock, sleep=time.sleep)
    stamps = []
    for n in range(1000):
        if n % 20 == 0:
            time.now += 0.05  # a busy event loop holds the sender up now and then
        await pacer.acquire()
        stamps.append(time.now)
    assert _most_in_any_second(stamps) <= 49
    assert 999 / (stamps[-1] - stamps[0]) >= 0.95 * 50


async def test_a_limit_below_the_pace_is_learnt_from_what_got_through_before_the_429() -> None:
    time = FakeTime()
    pacer = Pacer(100.0, clock=time.clock, sleep=time.sleep)
    for _ in range(50):  # the platform takes 50 a second; the 51st is refused
        await pacer.acquire()
    pacer.push_back(1.0)
    assert pacer.rate == 50 * BELOW_REFUSED
    while time.now < 60.0:
        await pacer.acquire()
    assert pacer.rate == 50 * BELOW_REFUSED  # and it stays just below it
