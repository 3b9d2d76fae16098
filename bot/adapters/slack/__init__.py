"""Slack: the adapter object `bot.adapters.ADAPTERS` lists (the `bot.adapters.base.Adapter`
contract). Importing it does not import Slack's SDK; `attach` does, once Slack is configured."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from bot.adapters.slack import settings

if TYPE_CHECKING:
    from aiohttp import web

    from bot.adapters.base import BotParts, SubCommands


class Slack:
    """Slack over HTTP (`POST /slack/events`) or Socket Mode, switched on by `SLACK_*` settings."""

    name = "Slack"
    guide = "Setting up on Slack"

    def configured(self, environ: Mapping[str, str]) -> bool:
        return settings.configured(environ)

    def missing(self, environ: Mapping[str, str]) -> str | None:
        return settings.half_configured(environ)

    def settings_problem(self) -> str | None:
        return None

    def warning(self, environ: Mapping[str, str] | None = None) -> str:
        return ""

    def listen_problem(self, host: str) -> str | None:
        return None

    def attach(self, app: web.Application | None, bot: BotParts) -> None:
        """When SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN (or the OAuth
        settings) are set: its deliverer on `bot.router` for the scheduler's effects and, given a
        web app, POST /slack/events there."""
        found = settings.SlackSettings()
        if not found.enabled:
            return
        from bot.adapters.slack import adapter

        adapter.attach(app, bot, found)

    def add_commands(self, commands: SubCommands) -> None:
        return None


SLACK = Slack()
