"""Teams's own syntax in text the bot shows: `<at>` mentions written out as what they show,
never able to ping (`bot.adapters.teams.text`, after the platform-neutral `neutralise`)."""

from __future__ import annotations

import pytest

from bot.adapters.teams.cards import teams_text
from bot.adapters.teams.text import readable
from bot.text_safety import WORD_JOINER, neutralise
from tests.test_text_safety import HOSTILE, assert_harmless

WJ = WORD_JOINER


def shown(raw: str) -> str:
    """What Teams shows of user text: made safe by the core, written out by the adapter."""
    return readable(neutralise(raw))


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("<at>Bob Smith</at> what do you think?", f"@{WJ}Bob Smith what do you think?"),
        ('<at id="0">General</at>', f"@{WJ}General"),
        ("<AT>everyone</AT>", f"@{WJ}everyone"),
        ("<at>unclosed", "unclosed"),
        ("<at>@Bob</at>", f"@{WJ}@{WJ}Bob"),
        ('<a href="http://a.example"><at>Bob</at></a>', f"@{WJ}Bob (http://a.example)"),
        ("<at><at>Bob</at></at>", f"@{WJ}@{WJ}Bob"),
    ],
)
def test_teams_mentions_become_harmless_text(raw: str, safe: str) -> None:
    assert shown(raw) == safe


@pytest.mark.parametrize("raw", HOSTILE)
def test_nothing_dangerous_survives_on_teams(raw: str) -> None:
    safe = shown(raw)
    assert_harmless(raw, safe)
    assert "<at" not in safe.lower()


@pytest.mark.parametrize("raw", [*HOSTILE, "<at>Pat</at> said `help`"])
def test_writing_out_is_stable(raw: str) -> None:
    once = shown(raw)
    assert shown(once) == once


def test_card_text_writes_out_mentions_and_bolds_command_names() -> None:
    assert teams_text(neutralise("<at>Pat</at>") + " type `help`") == f"@{WJ}Pat type **help**"
    assert readable("<attention> <3") == "<attention> <3"
