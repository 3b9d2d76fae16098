"""Rate limits on using links: a few a minute from one client address, and a cap overall.

Kept in the process's memory (each web process limits its own share); a guesser of tokens meets
the limit long before it could matter, as tokens have 256 bits. Times come from a monotonic
clock the tests can replace.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

PER_ADDRESS = 10
OVERALL = 120
WINDOW = 60.0
MAX_ADDRESSES = 10_000
"""Addresses remembered at most; beyond, the oldest are dropped (memory stays bounded)."""


class LinkRateLimit:
    """A sliding window per client address and one for everyone."""

    def __init__(
        self,
        per_address: int = PER_ADDRESS,
        overall: int = OVERALL,
        window: float = WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_address, self.overall, self.window, self.clock = (
            per_address,
            overall,
            window,
            clock,
        )
        self._all: deque[float] = deque()
        self._by_address: dict[str, deque[float]] = {}

    def _trim(self, times: deque[float], now: float) -> None:
        while times and times[0] <= now - self.window:
            times.popleft()

    def allow(self, address: str) -> bool:
        """Count one use from `address`, unless a limit is reached (then False, not counted)."""
        now = self.clock()
        self._trim(self._all, now)
        mine = self._by_address.get(address)
        if mine is None:
            if len(self._by_address) >= MAX_ADDRESSES:
                self._by_address.pop(next(iter(self._by_address)))
            mine = self._by_address[address] = deque()
        self._trim(mine, now)
        if len(self._all) >= self.overall or len(mine) >= self.per_address:
            return False
        self._all.append(now)
        mine.append(now)
        return True
