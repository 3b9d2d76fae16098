"""The process's one outbox drain, woken by whoever wrote to the outbox.

Every storable effect (a channel post, a direct message, an update) is written to the outbox in
the transaction that caused it: a command's, a button's, a form's or a scheduled job's. Nothing
else sends them. An adapter, once it has answered the person who acted, calls `wake()`; the drain
then runs in the background, so a fan-out to hundreds of members never holds up the answer, and a
process killed half-way leaves the rest in the outbox for the next drain (here after a restart, or
in any other process on the same database).

One `Drainer` per process (owned by the running app, `bot.app.CommonGround`, and shared with the
meeting clock), so drains never overlap within a process and rows go out in the order they were
written: a reply is answered before the posts it announces are drained, and a post goes out
before its update. `drain()` runs one to completion and waits for it (the console prints a
command's fan-out right after the command; tests wait on it); `settled()` waits until every wake
so far has been drained. Besides wakes, the loop drains every `every` seconds, so what a platform
refused for a while goes out once its pause is over even in a process without a clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.delivery.outbox import Outbox

EVERY = 15.0
"""Seconds between drains nobody asked for (retries whose pause is over)."""
CLOSE_WAIT = 10.0
"""Seconds a running drain may go on after `close` before it is cancelled (its rows stay)."""

log = logging.getLogger(__name__)


class Drainer:
    """Drains `outbox` when woken, and every `every` seconds while it runs."""

    def __init__(self, outbox: Outbox, *, every: float = EVERY) -> None:
        self.outbox = outbox
        self.every = every
        self._wanted = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        self._closing = False

    def wake(self) -> None:
        """Ask for a drain soon; returns at once. Starts the background loop on first use."""
        if self._closing:
            return
        self._wanted.set()
        self._idle.clear()
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="outbox-drain")

    async def drain(self) -> int:
        """Drain now and wait for it; returns how many effects went out. Never raises for a
        platform's or the database's failure: the rows stay for a later drain."""
        try:
            return await self.outbox.drain()
        except Exception:
            log.exception("draining the outbox failed; trying again later")
            return 0

    async def settled(self) -> None:
        """Wait until every wake so far has been drained (tests, and shutdown)."""
        while not self._idle.is_set():
            task = self._task
            if task is None or task.done():
                self._idle.set()
                return
            waiter = asyncio.ensure_future(self._idle.wait())
            try:
                await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                waiter.cancel()

    async def close(self, wait: float = CLOSE_WAIT) -> None:
        """Stop the loop: a drain running now has `wait` seconds to finish, then it is cancelled.
        A cancelled drain's rows are leased for a short while and then sent by the next drain."""
        self._closing = True
        task, self._task = self._task, None
        if task is None:
            return
        self._wanted.set()  # let an idle loop see it is closing
        _, late = await asyncio.wait({task}, timeout=wait)
        if late:
            task.cancel()
            log.warning("stopped a running outbox drain; its effects stay in the outbox")
        with contextlib.suppress(asyncio.CancelledError):
            await task
        self._idle.set()

    async def _run(self) -> None:
        while not self._closing:
            if not self._wanted.is_set():
                self._idle.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wanted.wait(), self.every)
            if self._closing:
                break
            self._wanted.clear()
            await self.drain()
        self._idle.set()
