"""The adapter contract: every platform is wired from `bot.adapters.ADAPTERS`, and nothing is
imported from an SDK until its platform is switched on (that each SDK stays inside its own adapter
package is checked with the other layout rules, in tests/test_layout.py)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.adapters import ADAPTERS

ROOT = Path(__file__).resolve().parents[2]
BOT = ROOT / "bot"


def test_each_platform_is_listed_once() -> None:
    names = [adapter.name for adapter in ADAPTERS]
    assert names == ["Slack", "Microsoft Teams", "Console"]


@pytest.mark.parametrize("module", ["app.py", "__main__.py"])
def test_the_composition_and_the_command_line_name_no_platform(module: str) -> None:
    source = (BOT / module).read_text(encoding="utf-8")
    assert re.search(r"slack|teams|microsoft|botbuilder", source, re.IGNORECASE) is None


def test_starting_the_command_line_imports_no_sdk() -> None:
    script = (
        "import sys; from bot.__main__ import build_parser; import bot.app; build_parser(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('slack_sdk', 'slack_bolt', 'botbuilder', 'botframework', 'msrest')))"
    )
    found = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert found.stdout.strip() == "[]"
