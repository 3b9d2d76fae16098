"""Handlers: one package per feature, each declaring what it answers beside the code that answers.

A handler takes a `Context` (and the parsed command, pressed value or form values) and returns
effects; it never calls a platform. Each module that answers something has a `routes` table
(`bot.routing.Routes`) filled by its decorators; this module gathers them all into `ROUTES` for
the core. A new feature module adds its table to `TABLES`; a new command in an existing module
needs nothing here.
"""

from __future__ import annotations

from bot.handlers.access import commands as access_commands
from bot.handlers.actions import answers as action_answers
from bot.handlers.actions import commands as action_commands
from bot.handlers.actions import steering as action_steering
from bot.handlers.agenda import buttons as agenda_buttons
from bot.handlers.agenda import commands as agenda_commands
from bot.handlers.checkin import commands as checkin_commands
from bot.handlers.checkin import live_view
from bot.handlers.dashboard import commands as dashboard_commands
from bot.handlers.elephants import commands as elephant_commands
from bot.handlers.elephants import perspectives
from bot.handlers.glossary import commands as glossary_commands
from bot.handlers.help import commands as help_commands
from bot.handlers.ladder import commands as ladder_commands
from bot.handlers.meeting_dates import commands as meeting_date_commands
from bot.handlers.meeting_dates import moving as meeting_moves
from bot.handlers.meetings import commands as meeting_commands
from bot.handlers.nudges import commands as nudge_commands
from bot.handlers.privacy import commands as privacy_commands
from bot.handlers.recognition import claims as recognition_claims
from bot.handlers.recognition import commands as recognition_commands
from bot.handlers.rounds import commands as round_commands
from bot.handlers.setup import commands as setup_commands
from bot.handlers.setup import schedule, settings
from bot.handlers.signals import commands as signal_commands
from bot.handlers.summary import commands as summary_commands
from bot.handlers.summary import preview as summary_preview
from bot.handlers.verdicts import commands as verdict_commands
from bot.routing import Routes

TABLES = (
    help_commands.routes,
    setup_commands.routes,
    schedule.routes,
    settings.routes,
    privacy_commands.routes,
    meeting_commands.routes,
    meeting_date_commands.routes,
    meeting_moves.routes,
    checkin_commands.routes,
    live_view.routes,
    elephant_commands.routes,
    perspectives.routes,
    agenda_commands.routes,
    agenda_buttons.routes,
    verdict_commands.routes,
    round_commands.routes,
    action_commands.routes,
    action_answers.routes,
    action_steering.routes,
    summary_commands.routes,
    summary_preview.routes,
    nudge_commands.routes,
    recognition_commands.routes,
    recognition_claims.routes,
    ladder_commands.routes,
    access_commands.routes,
    signal_commands.routes,
    glossary_commands.routes,
    dashboard_commands.routes,
)
"""Every feature's table, in the order their `joined` handlers run."""

ROUTES = Routes.gather(TABLES)
