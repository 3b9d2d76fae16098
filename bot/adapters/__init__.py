"""Adapters: the only code that knows a platform.

Each adapter turns what arrives from its platform into neutral events for `bot.core.Core`, and
carries out the effects the core returns (and, through a `bot.delivery.router.Deliverer`, the
effects the scheduler makes): `console` (a terminal where you can play several people at once),
`slack` and `teams`. Each package exposes one object implementing `bot.adapters.base.Adapter`,
listed in `ADAPTERS`; `bot.app` and `bot.__main__` wire them from this list alone.
"""

from __future__ import annotations

from bot.adapters.base import Adapter
from bot.adapters.console import CONSOLE
from bot.adapters.slack import SLACK
from bot.adapters.teams import TEAMS

ADAPTERS: tuple[Adapter, ...] = (SLACK, TEAMS, CONSOLE)
"""In the order operators read them in the report at start."""
