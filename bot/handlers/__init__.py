"""Handlers, one module per feature. Each declares `COMMANDS`, `CHOICES` and `FORMS`.

A handler takes a `Context` (and the parsed command, pressed value or form values) and returns
effects; it never calls a platform. This module gathers every table into `ROUTES` for the core.
"""

from __future__ import annotations

from bot.handlers import (
    checkin,
    elephants,
    help,
    meetings,
    nudges,
    privacy,
    rounds,
    setup,
    summary,
)
from bot.routing import Routes

ROUTES = Routes()
for _module in (help, setup, privacy, meetings, checkin, elephants, rounds, summary, nudges):
    ROUTES.include(_module.COMMANDS, _module.CHOICES, _module.FORMS)
    ROUTES.on_join.extend(getattr(_module, "ON_JOIN", ()))
