"""Sending many effects at a platform's pace: a shared token bucket and ordered lanes.

A check-in to a large group is one channel post and a direct message per member. One at a time,
each send waits for the previous round trip and the platform's limit is never reached; all at
once, the platform answers 429 and every sender retries at the same moment. So effects go out
through a few workers, each taking a `Pacer` token before each request, and a 429 pauses every
worker once (for its Retry-After) instead of each finding out on its own.

Effects for the same conversation (or the same person) stay in one lane and go out in order, so a
keyed post is always sent before its update. Around each send the outbox's receipts (when it is
delivering a batch: `bot.delivery.receipts`) are told, so each row is settled as it goes.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable, Hashable, Sequence

from bot.delivery.receipts import current
from bot.effects import Effect, MessageMember, PostToConversation, UpdatePost

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]
EPSILON = 1e-6


class Pacer:
    """A token bucket shared by every worker, with a pause all of them honour.

    `rate` requests a second on average; at most `burst` at once after a quiet spell.
    """

    def __init__(
        self,
        rate: float,
        *,
        burst: float = 2.0,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("the rate must be above zero")
        self.rate = rate
        self.burst = max(1.0, burst)
        self.clock = clock
        self.sleep = sleep
        self._tokens = self.burst
        self._last = clock()
        self._paused_until = 0.0

    def pause(self, seconds: float) -> None:
        """Hold every worker for `seconds` (the platform said so); a later pause wins."""
        now = self.clock()
        until = now + max(seconds, 0.0)
        if until > self._paused_until:
            self._paused_until = until
            # Start again gently: no burst straight after the platform pushed back.
            self._tokens = 0.0
            self._last = until

    async def wait_pause(self) -> None:
        """Return when no pause is in force."""
        while (left := self._paused_until - self.clock()) > 0:
            await self.sleep(left)

    async def acquire(self) -> None:
        """Wait for the pause to end and for a token, then take it."""
        while True:
            await self.wait_pause()
            now = self.clock()
            if now > self._last:
                self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
                self._last = now
            if self._tokens >= 1.0 - EPSILON:  # rounding must not leave a sender waiting forever
                self._tokens = max(self._tokens - 1.0, 0.0)
                return
            await self.sleep(max((1.0 - self._tokens) / self.rate, EPSILON))


def lane_of(effect: Effect) -> Hashable:
    """Effects with the same lane are sent in order: the same conversation, or the same person."""
    if isinstance(effect, PostToConversation | UpdatePost):
        return ("conversation", effect.where.workspace, effect.where.conversation_id)
    if isinstance(effect, MessageMember):
        return ("member", effect.workspace, effect.user_id)
    return ("other",)


async def deliver_in_lanes(
    effects: Sequence[Effect], send: Callable[[Effect], Awaitable[bool]], workers: int
) -> list[Effect]:
    """Run `send` (True when it went out) over `effects` with up to `workers` lanes at once, each
    lane in order; the effects that did not go out, in their original order.

    The first effect goes out alone, before the others start: it is usually the channel post a
    fan-out belongs to (the check-in card before everyone's message about it).

    With the outbox's receipts in force, each effect is announced before it is sent (its row is
    marked as being sent; one whose row another drain has taken meanwhile is skipped) and
    reported once it went out, or once it failed."""
    lanes: dict[Hashable, list[tuple[int, Effect]]] = {}
    for index, effect in enumerate(effects):
        lanes.setdefault(lane_of(effect), []).append((index, effect))
    waiting = deque(lanes.values())
    failed: list[tuple[int, Effect]] = []
    receipts = current()

    async def one(index: int, effect: Effect) -> None:
        if receipts is not None and not await receipts.before(effect):
            return
        if not await send(effect):
            failed.append((index, effect))
            if receipts is not None:
                await receipts.failed(effect)
        elif receipts is not None:
            await receipts.accepted(effect)

    if waiting:
        (index, effect), *rest = waiting.popleft()
        await one(index, effect)
        if rest:
            waiting.appendleft(rest)

    async def worker() -> None:
        while waiting:
            for index, effect in waiting.popleft():
                await one(index, effect)

    await asyncio.gather(*(worker() for _ in range(max(1, min(workers, len(waiting))))))
    return [effect for _, effect in sorted(failed, key=lambda pair: pair[0])]
