"""The console: the adapter object `bot.adapters.ADAPTERS` lists (the `bot.adapters.base.Adapter`
contract). A terminal session is its own process (`commonground console`, `bot.app.run_console`),
so no setting connects it to a server and `attach` leaves a server as it is."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiohttp import web

    from bot.adapters.base import BotParts, SubCommands


class Console:
    """The terminal, for trying the bot as several people; nothing to set up."""

    name = "Console"
    guide = ""

    def configured(self, environ: Mapping[str, str]) -> bool:
        return False

    def missing(self, environ: Mapping[str, str]) -> str | None:
        return None

    def settings_problem(self) -> str | None:
        return None

    def warning(self, environ: Mapping[str, str] | None = None) -> str:
        return ""

    def listen_problem(self, host: str) -> str | None:
        return None

    def attach(self, app: web.Application | None, bot: BotParts) -> None:
        return None

    def add_commands(self, commands: SubCommands) -> None:
        return None


CONSOLE = Console()
