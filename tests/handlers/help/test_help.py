"""`help`: the commands open to the person asking, grouped, in plain words."""

from __future__ import annotations

import pytest

from bot.handlers import ROUTES
from bot.identity import Who
from tests.dialogue import Chat, channel, dm, person

ANA = person("Ana")  # facilitator
BEN = person("Ben")  # member
CAL = person("Cal")  # not yet a member

FACILITATOR_ONLY = [spec.usage for spec in ROUTES.listed() if spec.audience == "facilitator"]
FOR_MEMBERS = [spec.usage for spec in ROUTES.listed() if spec.audience == "member"]


async def group(chat: Chat) -> None:
    await chat.say(ANA, "setup Parents Forum")
    await chat.say(BEN, "role lived-experience")


async def test_a_member_sees_everyone_and_member_commands_only(chat: Chat) -> None:
    await group(chat)
    reply = (await chat.say(BEN, "help")).reply
    assert "What you can do in Parents Forum" in reply
    assert "For everyone:" in reply and "For members:" in reply
    assert "For facilitators:" not in reply
    for usage in FOR_MEMBERS:
        assert f"`{usage}`" in reply
    for usage in FACILITATOR_ONLY:
        assert f"`{usage}`" not in reply
    assert "`setup" not in reply  # the group is set up already
    assert "`pass`: pass on the open round (passing is fine)" in reply


async def test_a_facilitator_sees_their_commands_too(chat: Chat) -> None:
    await group(chat)
    reply = (await chat.say(ANA, "help")).reply
    assert "For facilitators:" in reply
    for usage in FACILITATOR_ONLY + FOR_MEMBERS:
        assert f"`{usage}`" in reply
    assert reply.index("For everyone:") < reply.index("For members:")
    assert reply.index("For members:") < reply.index("For facilitators:")


@pytest.mark.parametrize("who", [ANA, BEN])
async def test_help_suggests_naming_elephants_privately(chat: Chat, who: Who) -> None:
    await group(chat)
    reply = (await chat.say(who, "help")).reply
    assert "to name an elephant without anyone seeing you type it" in reply
    assert "direct message" in reply and "private form" in reply


async def test_someone_in_the_channel_who_is_not_a_member_is_told_how_to_join(
    chat: Chat,
) -> None:
    await group(chat)
    reply = (await chat.say(CAL, "help")).reply
    assert "You're not a member yet: type `role`" in reply
    assert "For facilitators:" not in reply


async def test_in_a_channel_without_a_group_help_explains_setup(chat: Chat) -> None:
    outcome = await chat.say(CAL, "help")
    reply = outcome.reply
    assert "This channel isn't a group yet" in reply
    assert "type `setup` in the channel your group uses" in reply
    assert "`setup [group name]`" in reply and "`privacy`" in reply
    assert "`role" not in reply and "`share" not in reply and "`export`" not in reply


async def test_in_a_direct_message_outside_any_group(chat: Chat) -> None:
    reply = (await chat.say(CAL, "help", where=dm(CAL))).reply
    assert "You're not in a co-production group yet" in reply
    assert "type `setup`" in reply


@pytest.mark.parametrize(("who", "facilitates"), [(ANA, True), (BEN, False)])
async def test_in_a_direct_message_help_follows_your_groups(
    chat: Chat, who: Who, facilitates: bool
) -> None:
    await group(chat)
    await chat.say(person("Dee"), "setup Other", where=channel("other"))
    await chat.say(who, "role both", where=channel("other"))
    reply = (await chat.say(who, "help", where=dm(who))).reply
    assert "What you can do" in reply
    assert ("For facilitators:" in reply) == facilitates
    assert "`export`" in reply if facilitates else "`export`" not in reply


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("help set", "`set <setting> <value>`: change a setting. For facilitators."),
        ("help pass", "`pass`: pass on the open round (passing is fine). For members."),
        ("help tz", "`timezone Europe/London`: set the group's time zone. For facilitators."),
        ("help privacy", "what is stored and who sees what. For anyone."),
        ("help dance", "There's no command called “dance”. Type `help` to see them all."),
    ],
)
async def test_help_about_one_command(chat: Chat, line: str, expected: str) -> None:
    await group(chat)
    assert expected in (await chat.say(BEN, line)).reply


async def test_help_about_an_unknown_command_does_not_echo_markup(chat: Chat) -> None:
    reply = (await chat.say(BEN, "help *@here*")).reply
    assert "@here" not in reply and "*" not in reply.split("called")[1].split("”")[0]


async def test_the_question_mark_and_an_empty_line_give_help(chat: Chat) -> None:
    await group(chat)
    assert "For members:" in (await chat.say(BEN, "?")).reply
    assert "For members:" in (await chat.say(BEN, "")).reply
