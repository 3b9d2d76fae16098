"""Handlers, one module per feature. Each declares `COMMANDS`, `CHOICES` and `FORMS`.

A handler takes a `Context` (and the parsed command, pressed value or form values) and returns
effects; it never calls a platform. This module gathers every table into `ROUTES` for the core.
"""

from __future__ import annotations

from bot.handlers.checkin import commands as checkin_commands
from bot.handlers.elephants import commands as elephants_commands
from bot.handlers.help import commands as help_commands
from bot.handlers.meetings import commands as meetings_commands
from bot.handlers.nudges import commands as nudges_commands
from bot.handlers.privacy import commands as privacy_commands
from bot.handlers.rounds import commands as rounds_commands
from bot.handlers.setup import commands as setup_commands
from bot.handlers.summary import commands as summary_commands
from bot.routing import Routes

ROUTES = Routes()
for _module in (
    help_commands,
    setup_commands,
    privacy_commands,
    meetings_commands,
    checkin_commands,
    elephants_commands,
    rounds_commands,
    summary_commands,
    nudges_commands,
):
    ROUTES.include(_module.COMMANDS, _module.CHOICES, _module.FORMS)
    ROUTES.on_join.extend(getattr(_module, "ON_JOIN", ()))
