"""What a Teams turn sends after it has answered: posts, 1:1 messages and updates.

Teams waits about 15 seconds for the answer to an activity, and a check-in or a round in a large
group means one 1:1 message per member (each perhaps retried). So the adapter answers first and
hands the rest to the outbox, due at once (`bot.delivery.outbox.defer`); a drain task started here
sends it
right after. The outbox drains in id order and one drain at a time per process, so a post still
goes out before its update and a live count lands on the card it belongs to.

The tasks are kept: tests wait for them (`settled`), and `close` (when the web app stops) lets them
finish for a while and then cancels them. A cancelled drain's rows stay leased for a little while
and a later drain (the clock's, or the next turn's) sends them: nothing is lost.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from bot.delivery.outbox import Outbox, defer
from bot.delivery.router import Deliverer
from bot.effects import Effect
from bot.store.database import Database

CLOSE_WAIT = 10.0

log = logging.getLogger("bot.adapters.teams")


class AfterTurn:
    """Hands effects to the outbox and drains it in the background, tracking each drain."""

    def __init__(self, db: Database, deliverer: Deliverer, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.clock = clock
        self.outbox = Outbox(db, deliverer, clock)
        self._drains: set[asyncio.Task[int]] = set()

    async def hand_over(self, effects: Sequence[Effect]) -> None:
        """Keep `effects` in the outbox, due now, and start a drain to send them. Every hand-over
        starts one (a drain waits for the one before it), so none is left waiting for the clock."""
        if not effects:
            return
        await defer(self.db, effects, self.clock())
        task = asyncio.create_task(self._drain())
        self._drains.add(task)
        task.add_done_callback(self._drains.discard)

    async def _drain(self) -> int:
        try:
            return await self.outbox.drain()
        except Exception as exc:  # the rows stay in the outbox for the next drain
            log.warning("a Teams outbox drain failed: %s", type(exc).__name__)
            return 0

    async def settled(self) -> None:
        """Wait until every drain started so far (and any started meanwhile) has finished."""
        while self._drains:
            await asyncio.gather(*self._drains)

    async def close(self, wait: float = CLOSE_WAIT) -> None:
        """On shutdown: let running drains finish for up to `wait` seconds, then cancel them."""
        if not self._drains:
            return
        _, late = await asyncio.wait(set(self._drains), timeout=wait)
        for task in late:
            task.cancel()
        if late:
            log.warning("stopped %d Teams drains; the outbox keeps their effects", len(late))
            await asyncio.gather(*late, return_exceptions=True)
