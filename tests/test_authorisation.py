"""Who may do what, and where: facilitator commands, other groups, other workspaces, buttons."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.cards import Button
from bot.context import Context
from bot.effects import Effect
from bot.handlers import ROUTES
from bot.identity import Where, Who
from bot.replies import reply
from bot.routing import ChoiceRoute, encode
from bot.store import groups, members
from bot.store.database import Database
from bot.store.groups import Group
from bot.store.schema import elephants as elephants_table
from bot.store.schema import groups as groups_table
from bot.store.schema import members as members_table
from bot.store.schema import pending_choices
from tests.dialogue import Chat, channel, dm, person

ANA = person("Ana")  # facilitator of the Parents Forum (channel "general")
BEN = person("Ben")  # member of the forum; facilitator of "Other" (channel "other")
CAL = person("Cal")  # member of the forum only
STRANGER = Who("console", "elsewhere", "U-ana", "Ana")  # same user id, another workspace
OTHER = channel("other")

FACILITATOR_LINES = [
    ("facilitator @Cal", "facilitator"),
    ("facilitator remove @Ana", "facilitator"),
    ("schedule weekly tue 10:00 90m", "schedule"),
    ("schedule off", "schedule"),
    ("timezone Europe/Paris", "timezone"),
    ("meeting start", "meeting"),
    ("meeting end", "meeting"),
    ("round What made you smile this week?", "round"),
    ("round reveal", "round"),
    ("round close", "round"),
    ("summary", "summary"),
    ("quiet-hours 21:00-08:00", "quiet-hours"),
    ("quiet-hours off", "quiet-hours"),
    ("settings", "settings"),
    ("set k 5", "set"),
    ("export", "export"),
    ("elephant 1 addressed", "elephant"),
]
REFUSED = {"elephant": "Only facilitators can record what was done about an elephant, or hide it."}
"""Refusals of a facilitators' form of a command members may use say what it does instead."""


def refusal(word: str) -> str:
    return REFUSED.get(word, f"Only facilitators can use `{word}`.")


async def group_row(db: Database, where_name: str = "general") -> dict[str, object]:
    async with db.read() as conn:
        group = await groups.for_conversation(conn, channel(where_name))
        assert group is not None
        row = (await conn.execute(select(groups_table).where(groups_table.c.id == group.id))).one()
        return dict(row._mapping)


async def the_group(db: Database, where_name: str = "general") -> Group:
    async with db.read() as conn:
        group = await groups.for_conversation(conn, channel(where_name))
    assert group is not None
    return group


async def two_groups(chat: Chat) -> None:
    await chat.group_of(ANA, [(BEN, "professional"), (CAL, "lived-experience")])
    await chat.say(BEN, "setup Other", where=OTHER)
    await chat.say(ANA, "role lived-experience", where=OTHER)


# -- facilitator commands ---------------------------------------------------------------------


@pytest.mark.parametrize(("line", "word"), FACILITATOR_LINES)
async def test_facilitator_commands_are_refused_to_members(
    chat: Chat, db: Database, line: str, word: str
) -> None:
    await chat.group_of(ANA, [(CAL, "lived-experience")])
    before = await group_row(db)
    outcome = await chat.say(CAL, line)
    assert f"{refusal(word)} You could ask Ana in Parents Forum." in outcome.reply
    assert not outcome.posts and not outcome.messages and not outcome.forms
    assert await group_row(db) == before


@pytest.mark.parametrize(("line", "word"), FACILITATOR_LINES)
async def test_facilitator_commands_are_refused_in_a_direct_message_too(
    chat: Chat, line: str, word: str
) -> None:
    await chat.group_of(ANA, [(CAL, "lived-experience")])
    outcome = await chat.say(CAL, line, where=dm(CAL))
    assert refusal(word) in outcome.reply


async def test_checkin_is_open_to_members_for_answering(chat: Chat) -> None:
    await chat.group_of(ANA, [(CAL, "lived-experience")])
    outcome = await chat.say(CAL, "checkin")
    assert "Only facilitators" not in outcome.reply


async def test_facilitators_are_not_refused(chat: Chat) -> None:
    await chat.group_of(ANA, [(CAL, "lived-experience")])
    for line, _ in FACILITATOR_LINES:
        if line.startswith("facilitator remove"):
            continue  # Cal facilitates by now; removing Ana would make this test about Cal
        outcome = await chat.say(ANA, line)
        assert "Only facilitators" not in outcome.reply, line


# -- one group cannot touch another -----------------------------------------------------------


async def test_a_facilitator_elsewhere_is_a_member_here(chat: Chat, db: Database) -> None:
    await two_groups(chat)
    before_forum, before_other = await group_row(db), await group_row(db, "other")
    outcome = await chat.say(BEN, "set k 5")
    assert "Only facilitators can use `set`" in outcome.reply
    assert await group_row(db) == before_forum
    assert await group_row(db, "other") == before_other


async def test_a_command_changes_only_the_group_of_its_channel(chat: Chat, db: Database) -> None:
    await two_groups(chat)
    await chat.say(BEN, "facilitator @Ana", where=OTHER)
    await chat.say(ANA, "set k 5")
    await chat.say(ANA, "nudges off")
    assert (await the_group(db)).k == 5
    assert (await the_group(db, "other")).k == 3
    async with db.read() as conn:
        rows = (
            await conn.execute(
                select(members_table.c.group_id, members_table.c.nudges).where(
                    members_table.c.user_id == ANA.user_id
                )
            )
        ).all()
    forum = (await the_group(db)).id
    assert sorted((g == forum, n) for g, n in rows) == [(False, True), (True, False)]


async def test_facilitator_cannot_reach_a_member_of_another_group(chat: Chat) -> None:
    await two_groups(chat)
    await chat.say(person("Dee"), "role both", where=OTHER)
    outcome = await chat.say(ANA, "facilitator @Dee")
    assert "I can't find “Dee” among the members of Parents Forum" in outcome.reply


async def test_a_button_for_another_group_is_refused_to_non_members(
    chat: Chat, db: Database
) -> None:
    await two_groups(chat)
    other = await the_group(db, "other")
    role_button = Button("Both", "setup.role", encode(other.id, "both"))
    for where in (channel("general"), dm(CAL)):
        outcome = await chat.press(CAL, role_button, where=where)
        assert "You're not a member of Other." in outcome.reply
    async with db.read() as conn:
        assert await members.get(conn, other.id, CAL.user_id) is None
    forget = Button("Yes, erase my data", "privacy.forget-confirm", encode(other.id, "1"))
    outcome = await chat.press(CAL, forget, where=dm(CAL))
    assert "You're not a member of Other." in outcome.reply


async def test_a_facilitator_button_for_a_group_is_refused_to_its_members(
    chat: Chat, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def act(ctx: Context, payload: str) -> list[Effect]:
        return [reply("acted")]

    monkeypatch.setitem(ROUTES.choices, "test.steer", ChoiceRoute(act, audience="facilitator"))
    await two_groups(chat)
    forum = await the_group(db)
    outcome = await chat.press(CAL, Button("Steer", "test.steer", encode(forum.id, "")))
    assert "Only facilitators of Parents Forum can do that." in outcome.reply
    assert "acted" in (await chat.press(ANA, Button("S", "test.steer", encode(forum.id)))).reply


async def test_a_button_for_a_group_on_another_workspace_is_refused(
    chat: Chat, db: Database
) -> None:
    await chat.group_of(ANA, [])
    forum = await the_group(db)
    elsewhere = Where("console", "elsewhere", "C-general")
    for action, payload in (("setup.role", "both"), ("privacy.forget-confirm", "1")):
        button = Button("x", action, encode(forum.id, payload))
        for where in (elsewhere, dm(STRANGER)):
            outcome = await chat.press(STRANGER, button, where=where)
            assert "That group no longer exists here." in outcome.reply
    ana = await the_group(db)
    assert ana == forum
    async with db.read() as conn:
        found = await members.get(conn, forum.id, ANA.user_id)
    assert found is not None and found.role is None


async def test_a_button_with_a_value_that_is_not_ours_is_refused(chat: Chat) -> None:
    await chat.group_of(ANA, [])
    outcome = await chat.press(ANA, Button("x", "setup.role", "both"))
    assert "That button no longer works. Please type the command instead." in outcome.reply


# -- direct messages with more than one group -------------------------------------------------


async def test_a_direct_message_asks_which_group_and_the_choice_runs_there(
    chat: Chat, db: Database
) -> None:
    await two_groups(chat)
    asked = await chat.say(ANA, "nudges off", where=dm(ANA))
    assert "You're in more than one group. Which group is this for?" in asked.reply
    assert asked.button("Parents Forum") and asked.button("Other")
    done = await chat.press(ANA, asked.button("Other"), where=dm(ANA))
    assert "your nudges are off" in done.reply and "for Other" in done.reply
    other, forum = await the_group(db, "other"), await the_group(db)
    async with db.read() as conn:
        in_other = await members.get(conn, other.id, ANA.user_id)
        in_forum = await members.get(conn, forum.id, ANA.user_id)
    assert in_other is not None and not in_other.nudges
    assert in_forum is not None and in_forum.nudges


async def test_typing_a_groups_number_picks_it_like_its_button(chat: Chat, db: Database) -> None:
    await two_groups(chat)
    asked = await chat.say(ANA, "nudges off", where=dm(ANA))
    assert "or type its number: 1 Other, 2 Parents Forum." in asked.reply
    done = await chat.say(ANA, "1", where=dm(ANA))
    assert "your nudges are off" in done.reply and "for Other" in done.reply
    other, forum = await the_group(db, "other"), await the_group(db)
    async with db.read() as conn:
        in_other = await members.get(conn, other.id, ANA.user_id)
        in_forum = await members.get(conn, forum.id, ANA.user_id)
    assert in_other is not None and not in_other.nudges
    assert in_forum is not None and in_forum.nudges
    again = await chat.say(ANA, "2", where=dm(ANA))  # used once, like the button
    assert "nothing is waiting for an answer now" in again.reply


@pytest.mark.parametrize(
    ("number", "phrase"),
    [("3", "Please type a number from 1 to 2"), ("0", "Please type a number from 1 to 2")],
)
async def test_a_number_out_of_range_keeps_the_question(
    chat: Chat, number: str, phrase: str
) -> None:
    await two_groups(chat)
    await chat.say(ANA, "nudges off", where=dm(ANA))
    assert phrase in (await chat.say(ANA, number, where=dm(ANA))).reply
    assert "your nudges are off" in (await chat.say(ANA, "#2", where=dm(ANA))).reply


async def test_a_number_picks_only_the_typists_own_question(chat: Chat) -> None:
    await two_groups(chat)
    await chat.say(ANA, "nudges off", where=dm(ANA))
    # Ben is in both groups too, but was asked nothing: Ana's waiting words are not his.
    await chat.say(BEN, "role professional", where=channel())
    outcome = await chat.say(BEN, "1", where=dm(BEN))
    assert "nothing is waiting for an answer now" in outcome.reply
    assert "your nudges are off" in (await chat.say(ANA, "1", where=dm(ANA))).reply


async def test_a_number_alone_with_nothing_asked_points_to_the_checkin(chat: Chat) -> None:
    await chat.group_of(ANA, [(BEN, "professional")])
    outcome = await chat.say(BEN, "3", where=dm(BEN))
    assert "nothing is waiting for an answer now" in outcome.reply
    assert "type `checkin` and the number, like `checkin 3`" in outcome.reply


async def test_a_number_after_the_question_expired_is_not_taken(chat: Chat) -> None:
    await two_groups(chat)
    await chat.say(ANA, "nudges off", where=dm(ANA))
    chat.clock.advance(hours=2)
    assert "nothing is waiting" in (await chat.say(ANA, "1", where=dm(ANA))).reply


async def test_anonymous_words_waiting_for_a_group_are_never_sealed(
    chat: Chat, db: Database
) -> None:
    """Nothing may tie anonymous words to their author, not even a keyed hash: the number is
    typed with the words again instead, and nothing is kept in between."""
    await two_groups(chat)
    asked = await chat.say(ANA, "elephant the same people always decide", where=dm(ANA))
    assert "type its number and then your words again, like `1 elephant …`" in asked.reply
    async with db.read() as conn:
        (row,) = (await conn.execute(select(pending_choices))).mappings().all()
    assert "." not in row["id"] and ANA.user_id not in str(dict(row))
    alone = await chat.say(ANA, "2", where=dm(ANA))
    assert "nothing is waiting for an answer now" in alone.reply
    named = await chat.say(ANA, "2 elephant the same people always decide", where=dm(ANA))
    assert "We never store who sent it." in named.reply
    forum = await the_group(db)
    async with db.read() as conn:
        (elephant,) = (await conn.execute(select(elephants_table))).mappings().all()
        still = (await conn.execute(select(pending_choices))).mappings().all()
    assert elephant["group_id"] == forum.id
    assert len(still) == 1  # the question's words wait only until they expire, untouched


async def test_a_number_with_words_runs_them_in_that_group(chat: Chat, db: Database) -> None:
    await two_groups(chat)
    done = await chat.say(ANA, "1. nudges off", where=dm(ANA))
    assert "your nudges are off" in done.reply and "for Other" in done.reply
    wrong = await chat.say(ANA, "5 nudges off", where=dm(ANA))
    assert "Please type a number from 1 to 2" in wrong.reply
    assert "nudges off" in wrong.text()


async def test_choosing_a_group_still_checks_facilitation(chat: Chat, db: Database) -> None:
    await two_groups(chat)
    asked = await chat.say(ANA, "set k 6", where=dm(ANA))
    refused = await chat.press(ANA, asked.button("Other"), where=dm(ANA))
    assert "Only facilitators can use `set`. You could ask Ben in Other." in refused.reply
    done = await chat.press(ANA, asked.button("Parents Forum"), where=dm(ANA))
    assert "Crowd size is now 6" in done.reply
    assert (await the_group(db)).k == 6 and (await the_group(db, "other")).k == 3


async def test_the_group_choice_cannot_be_pressed_by_an_outsider(chat: Chat) -> None:
    await two_groups(chat)
    asked = await chat.say(ANA, "my-data", where=dm(ANA))
    outcome = await chat.press(CAL, asked.button("Other"), where=dm(CAL))
    assert "You're not a member of Other." in outcome.reply
    assert "Your data" not in outcome.text()


# -- channels with no group -------------------------------------------------------------------


@pytest.mark.parametrize(
    "line", ["role", "role both", "settings", "my-data", "forget-me", "nudges off", "export"]
)
async def test_a_channel_with_no_group_explains_setup(chat: Chat, db: Database, line: str) -> None:
    outcome = await chat.say(CAL, line, where=channel("random"))
    assert (
        "This channel isn't a co-production group yet. Anyone can make it one by typing `setup` "
        "here." in outcome.reply
    )
    async with db.read() as conn:
        assert (await conn.execute(select(members_table))).first() is None


async def test_the_group_choice_carries_a_short_id_however_long_the_words(chat: Chat) -> None:
    await two_groups(chat)
    words = "elephant " + "a long thing nobody says " * 79
    asked = await chat.say(ANA, words, where=dm(ANA))
    buttons = [asked.button("Parents Forum"), asked.button("Other")]
    assert all(len(b.value) < 40 for b in buttons)
    assert "nobody says" not in " ".join(b.value for b in buttons)


async def test_an_expired_group_choice_hands_the_words_back(chat: Chat) -> None:
    await two_groups(chat)
    asked = await chat.say(ANA, "nudges off", where=dm(ANA))
    chat.clock.advance(hours=2)
    outcome = await chat.press(ANA, asked.button("Other"), where=dm(ANA))
    assert "That choice has expired, please type it again." in outcome.reply
    assert "nudges off" in outcome.text()


async def test_a_group_choice_is_used_once(chat: Chat) -> None:
    await two_groups(chat)
    asked = await chat.say(ANA, "nudges off", where=dm(ANA))
    assert "your nudges are off" in (await chat.press(ANA, asked.button("Other"), dm(ANA))).reply
    again = await chat.press(ANA, asked.button("Other"), where=dm(ANA))
    assert "That choice has expired, please type it again." in again.reply
