"""Reading the bot's own source: where it lives and each file's module name (for the tests that
check the layout and the routing table from the code itself)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOT = ROOT / "bot"


def module_name(path: Path) -> str:
    """`bot/handlers/rounds/commands.py` → `bot.handlers.rounds.commands`."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)
