"""Sending many effects at a platform's pace: an adaptive token bucket and ordered lanes.

A check-in to a large group is one channel post and a direct message per member. One at a time,
each send waits for the previous round trip and the platform's limit is never reached; all at
once, the platform answers 429 and every sender retries at the same moment. So effects go out
through a few workers, each taking a `Pacer` token before each request.

The pace stays just below the limit rather than on it: it aims one request a second under the
configured rate, and besides the bucket (whose small burst lets a sender held up by a busy event
loop catch up) no more requests than that go out in any one second, counted over a sliding
second, so no window the platform counts in, fixed or sliding, sees more than the limit.

When the platform still answers 429 (the configured rate was too high, or other traffic shares
the limit), the pacer takes what got through in the last second as the platform's limit, slows
down at once to below it, and creeps back up to just below it, no further; the refused request
waits out its Retry-After on its own while the other senders carry on at the slower pace, rather
than everyone stopping on every 429.

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

SLOW_DOWN = 0.9
"""The pace after a 429, as a share of the pace that was refused (or lower: see `push_back`)."""
BELOW_REFUSED = 0.98
"""How close to what got through before a 429 the pacer goes back (a share of it)."""
CREEP = 0.05
"""How much of the configured rate is added back for each second without a 429."""
FORGET = 120.0
"""Seconds without a 429 after which a refused pace is forgotten (the limit may have risen)."""
LOWEST = 0.1
"""The pace never falls below this share of the configured rate."""
WINDOW = 1.0
"""Seconds over which requests are counted against the pace."""


class Pacer:
    """A token bucket shared by every worker, whose pace adapts to the platform's answers.

    `rate` is the most requests a second the operator allows; the pacer aims one request a second
    below it (a tenth below, for rates under ten), slows down on a 429 and creeps back up. `burst`
    (a tenth of a second's requests unless given) is how far a late sender may catch up.
    """

    def __init__(
        self,
        rate: float,
        *,
        burst: float | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("the rate must be above zero")
        self.burst = max(1.0, rate / 10 if burst is None else burst)
        self.ceiling = max(rate - 1.0, rate * 0.9)
        self.rate = self.ceiling
        self.clock = clock
        self.sleep = sleep
        self._tokens = self.burst
        self._last = clock()
        self._refused_at: float | None = None
        """The pace the platform last refused (None: none refused lately)."""
        self._refused_when = 0.0
        self._calm_until = 0.0
        self._paused_until = 0.0
        self._sent: deque[float] = deque()
        self.refusals = 0

    def push_back(self, retry_after: float) -> float:
        """The platform answered 429: slow down (once for all the 429s of one push-back, that
        is within its Retry-After) and return how long the refused request should wait.
        Call it before the refused request is tried again (it was counted when it was sent)."""
        now = self.clock()
        wait = max(retry_after, 0.0)
        self.refusals += 1
        if now >= self._calm_until:
            while self._sent and self._sent[0] <= now - WINDOW:
                self._sent.popleft()
            # What the platform let through in the last second, the refused request aside, is
            # the best guess at its limit: slow to just below it, or by a tenth, whichever is
            # slower, and creep back no further than just below it.
            self._refused_at = min(self.rate, float(max(len(self._sent), 1)))
            self._refused_when = now
            lower = min(self.rate * SLOW_DOWN, self._refused_at * BELOW_REFUSED)
            self.rate = max(self.ceiling * LOWEST, lower)
            self._tokens = 0.0  # no burst straight after the platform pushed back
            self._calm_until = now + max(wait, 1.0 / self.rate)
        return wait

    def pause(self, seconds: float) -> None:
        """Hold every sender for `seconds` (the platform's rate headers said nothing is left
        until then); a later pause wins."""
        until = self.clock() + max(seconds, 0.0)
        if until > self._paused_until:
            self._paused_until = until
            self._tokens = 0.0
            self._last = until

    def _creep(self, now: float, elapsed: float) -> None:
        """Each second without a 429 gives back a little pace, up to just below what was refused
        (or the configured rate once the refusal is forgotten)."""
        if now < self._calm_until:
            return
        target = self.ceiling
        if self._refused_at is not None:
            if now - self._refused_when > FORGET:
                self._refused_at = None
            else:
                target = min(target, self._refused_at * BELOW_REFUSED)
        if self.rate < target:
            self.rate = min(target, self.rate + CREEP * self.ceiling * elapsed)

    async def acquire(self) -> None:
        """Wait for any pause to end and for a token, then take it."""
        while True:
            while (left := self._paused_until - self.clock()) > 0:
                await self.sleep(left)
            now = self.clock()
            if now > self._last:
                elapsed = now - self._last
                self._creep(now, elapsed)
                self._tokens = min(self.burst, self._tokens + elapsed * self.rate)
                self._last = now
            while self._sent and self._sent[0] <= now - WINDOW:
                self._sent.popleft()
            room = len(self._sent) < max(1, int(self.rate * WINDOW + EPSILON))
            # Rounding must not leave a sender waiting for ever.
            if room and self._tokens >= 1.0 - EPSILON:
                self._tokens = max(self._tokens - 1.0, 0.0)
                self._sent.append(now)
                return
            wait = max((1.0 - self._tokens) / self.rate, EPSILON)
            if not room:
                wait = max(wait, self._sent[0] + WINDOW - now)
            await self.sleep(wait)


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
