"""The core's promises: one transaction per event, kind replies, no user text in logs."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from bot.context import Context
from bot.effects import Effect
from bot.errors import UserError
from bot.grammar import ParsedCommand
from bot.handlers import ROUTES
from bot.identity import Who
from bot.store import groups
from bot.store.database import Database
from bot.store.schema import groups as groups_table
from bot.store.schema import members as members_table
from tests.dialogue import Chat, channel, dm, person

SAM = person("Sam")
FAY = person("Fay")


async def _group_count(db: Database) -> int:
    async with db.read() as conn:
        return int(
            (await conn.execute(select(func.count()).select_from(groups_table))).scalar_one()
        )


async def test_unknown_command_suggests_the_closest_and_help(chat: Chat) -> None:
    outcome = await chat.say(SAM, "sumary")
    assert "Did you mean `summary`?" in outcome.reply
    assert "help" in outcome.reply


async def test_a_crash_in_a_handler_stores_nothing_and_logs_no_user_text(
    chat: Chat, db: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(ctx: Context, command: ParsedCommand) -> list[Effect]:
        await groups.create(ctx.conn, channel("x"), "half", now=ctx.now, timezone="UTC", k=3)
        raise RuntimeError("boom")

    monkeypatch.setitem(ROUTES.commands, "privacy", broken)
    caplog.set_level(logging.DEBUG)
    outcome = await chat.say(SAM, "privacy")
    assert "something went wrong" in outcome.reply
    assert await _group_count(db) == 0
    assert SAM.user_id not in caplog.text and SAM.display_name not in caplog.text


async def test_a_refusal_rolls_back_and_gives_the_text_back(
    chat: Chat, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def refuses(ctx: Context, command: ParsedCommand) -> list[Effect]:
        await groups.create(ctx.conn, channel("y"), "half", now=ctx.now, timezone="UTC", k=3)
        raise UserError("That is too long.", original="my long words")

    monkeypatch.setitem(ROUTES.commands, "privacy", refuses)
    outcome = await chat.say(SAM, "privacy")
    assert "That is too long." in outcome.reply
    assert "my long words" in outcome.reply
    assert await _group_count(db) == 0


async def test_group_commands_in_a_channel_without_a_group_explain_setup(chat: Chat) -> None:
    outcome = await chat.say(SAM, "elephants")
    assert "isn't a co-production group yet" in outcome.reply
    assert "setup" in outcome.reply


async def test_asking_for_your_data_after_forget_me_does_not_sign_you_up_again(chat: Chat) -> None:
    ana = person("Ana")
    await chat.say(SAM, "setup Parents Forum")
    await chat.say(ana, "role professional")
    asked = await chat.say(ana, "forget-me")
    await chat.press(ana, asked.button("Yes, erase my data"))
    for command in ("my-data", "forget-me"):
        outcome = await chat.say(ana, command)
        assert "I don't hold anything about you in Parents Forum." in outcome.reply
    assert "Parents Forum" in (await chat.say(ana, "my-data")).reply
    roster = await chat.say(SAM, "facilitator @Ana")
    assert "Ana" in roster.reply and "Done" not in roster.reply  # still not a member


# -- refusals hand back what was typed ---------------------------------------------------------


SHARED = "shar I stopped apologising for my son at the school gate"


async def test_an_unknown_command_hands_the_text_back(chat: Chat) -> None:
    outcome = await chat.say(SAM, SHARED)
    assert "Did you mean `share`?" in outcome.reply
    assert SHARED in outcome.reply


async def test_a_misread_command_with_words_hands_the_text_back(chat: Chat) -> None:
    await chat.group_of(FAY, [(SAM, "lived-experience")])
    outcome = await chat.say(SAM, "nudges off for the summer holidays please")
    assert "`nudges on` or `nudges off`" in outcome.reply
    assert "nudges off for the summer holidays please" in outcome.reply


async def test_a_short_mistake_is_not_repeated_back(chat: Chat) -> None:
    outcome = await chat.say(SAM, "sumary")
    assert "Your text" not in outcome.reply


async def test_refusals_by_the_core_hand_the_text_back(chat: Chat) -> None:
    await chat.group_of(FAY, [(SAM, "lived-experience")])
    refused = await chat.say(SAM, "set k 5 because we are a bigger group now")
    assert "Only facilitators can use `set`" in refused.reply
    assert "set k 5 because we are a bigger group now" in refused.reply
    outside = await chat.say(SAM, "share my words before setup", where=channel("x"))
    assert "share my words before setup" in outside.reply
    nia = person("Nia")
    alone = await chat.say(nia, "share something I wanted to say", where=dm(nia))
    assert "share something I wanted to say" in alone.reply


@pytest.mark.parametrize("typed", ["help!", "Help", "HELP?", "help."])
async def test_help_with_punctuation_shows_help(chat: Chat, typed: str) -> None:
    outcome = await chat.say(SAM, typed)
    assert "I don't know the command" not in outcome.reply
    assert "`privacy`" in outcome.reply


@pytest.mark.parametrize("user_id", ["", "   "])
async def test_an_event_that_names_no_one_changes_nothing(
    chat: Chat, db: Database, user_id: str
) -> None:
    """A forged or broken request without a user id must not make a member with no one behind
    it, nor a group owned by no one."""
    nobody = Who(SAM.platform, SAM.workspace, user_id, "Nobody")
    assert (await chat.say(nobody, "setup Parents Forum")).effects == []
    await chat.say(FAY, "setup Parents Forum")
    for text in ("role professional", "checkin", "elephant the same three people decide"):
        assert (await chat.say(nobody, text)).effects == []
    async with db.read() as conn:
        names = (await conn.execute(select(members_table.c.user_id))).scalars().all()
        assert list(names) == [FAY.user_id]
        assert (await conn.execute(select(func.count()).select_from(groups_table))).scalar() == 1
