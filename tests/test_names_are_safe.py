"""Group names and display names are shown in many places; none of them may ping or carry markup.

The names here carry Slack's syntax, which the Slack adapter writes out, so what is checked is
what Slack would show (elsewhere that syntax means nothing and is shown as typed)."""

from __future__ import annotations

import pytest

from bot.adapters.slack.text import readable as on_slack
from bot.identity import Who
from tests.dialogue import PLATFORM, WORKSPACE, Chat, person

SAM = person("Sam")
SNEAKY = Who(PLATFORM, WORKSPACE, "U-sneaky", "<!here> *Boss*")


@pytest.mark.parametrize("command", ["elephants", "help", "settings", "privacy", "round"])
async def test_a_hostile_group_name_is_never_repeated_raw(chat: Chat, command: str) -> None:
    await chat.say(SAM, "setup Parents <!channel> @everyone [Forum](http://evil.example)")
    outcome = await chat.say(SAM, command)
    shown = on_slack(outcome.text())
    for raw in ("<!channel>", "@everyone", "[Forum](", "<http"):
        assert raw not in shown, (command, shown)


async def test_renaming_the_group_is_made_safe_too(chat: Chat) -> None:
    await chat.say(SAM, "setup Parents Forum")
    renamed = await chat.say(SAM, "set name The <!here> group")
    assert "<!here>" not in on_slack(renamed.text())
    assert "<!here>" not in on_slack((await chat.say(SAM, "elephants")).text())


async def test_a_hostile_display_name_is_never_repeated_raw(chat: Chat) -> None:
    await chat.say(SAM, "setup Parents Forum")
    await chat.say(SNEAKY, "role professional")
    outcome = await chat.say(SAM, "facilitator <@U-sneaky>")
    shown = on_slack(outcome.text())
    assert "<!here>" not in shown and "*Boss*" not in shown
    assert "Boss" in shown
