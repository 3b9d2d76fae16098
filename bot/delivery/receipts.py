"""Receipts: how a deliverer tells the outbox about each effect the moment the platform answers.

The outbox hands a leased batch to a deliverer in one call (a console prints a fan-out once; the
chat platforms send it through a few lanes at once). Settling the batch only when that call returns
would mean a process killed half-way through 300 invitations sends the first 100 again after a
restart. So while a batch is out, the outbox sets a `Receipts` for it here, and `deliver_in_lanes`
(which the Slack and Teams deliverers use) reports to it around each effect:

- `before(effect)`: about to send. The outbox renews the batch's lease now and then, so a slow
  batch never loses its rows to another drain, and marks the row as being sent (committed before
  the call: a drain that later finds the row still marked, its holder dead, counts it as
  ambiguous instead of sending it again). False means another drain has taken this row (our
  lease ran out while we were stuck), so it is skipped, not sent twice.
- `accepted(effect)`: the platform took it (or refused it for good and the deliverer dealt with
  that): the row is deleted at once, so nothing already accepted is ever sent again.
- `failed(effect)`: the platform said no for now (429, 5xx, no connection): it did not go out, so
  the mark is cleared at once, with the time of the next try (a process killed before the batch
  ends must not leave it looking as if it may have gone out).
- `ambiguous(effect, why)`: the request may have reached the platform but no answer came (a read
  timeout, a connection dropped after the request was written). It is not sent again: see
  "Delivery guarantees" in the README. The deliverer reports it and then treats it as settled.

The receipts travel in a context variable rather than as an argument, so the `Deliverer` protocol
(`deliver(effects) -> failed`) stays as it is: a deliverer that knows nothing of receipts still
works, and its batch is settled when `deliver` returns.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol

from bot.delivery.router import platform_of
from bot.effects import Effect
from bot.ops.observability import AMBIGUOUS_SENDS

log = logging.getLogger(__name__)


class Receipts(Protocol):
    """What the outbox offers a deliverer while a batch is out (see the module docstring)."""

    async def before(self, effect: Effect) -> bool: ...

    async def accepted(self, effect: Effect) -> None: ...

    async def failed(self, effect: Effect) -> None: ...

    async def ambiguous(self, effect: Effect, why: str) -> None: ...


_CURRENT: ContextVar[Receipts | None] = ContextVar("outbox_receipts", default=None)


def current() -> Receipts | None:
    """The receipts of the batch being delivered, if the outbox is delivering one."""
    return _CURRENT.get()


@contextmanager
def receiving(receipts: Receipts) -> Iterator[None]:
    """Within the block (and the tasks it starts), deliverers report to `receipts`."""
    token = _CURRENT.set(receipts)
    try:
        yield
    finally:
        _CURRENT.reset(token)


async def ambiguous(effect: Effect, why: str) -> None:
    """Report that `effect` may or may not have reached the platform (a deliverer calls this and
    then does not hand the effect back as failed: it must not be sent again). Counted in
    `commonground_ambiguous_sends_total`; logged by kind (and outbox row), never by content."""
    AMBIGUOUS_SENDS.labels(platform_of(effect) or "none", type(effect).__name__).inc()
    receipts = current()
    if receipts is not None:
        await receipts.ambiguous(effect, why)
    else:
        log.warning("a %s may or may not have been sent (%s); not sent again", kind(effect), why)


def kind(effect: Effect) -> str:
    return type(effect).__name__
