"""(placeholder until this feature lands)"""

from __future__ import annotations

from bot.routing import ChoiceRoute, CommandHandler, FormRoute

COMMANDS: dict[str, CommandHandler] = {}
CHOICES: dict[str, ChoiceRoute] = {}
FORMS: dict[str, FormRoute] = {}
