"""`forget-me yes` and `forget-me no`: the confirmation buttons, typed."""

from __future__ import annotations

import pytest

from bot.store.database import Database
from bot.store.schema import members
from tests.dialogue import Chat, count, person

FAY, SAM = person("Fay"), person("Sam")


async def _forum(chat: Chat) -> None:
    await chat.group_of(FAY, [(SAM, "lived-experience")])


async def test_the_question_says_what_to_type(chat: Chat) -> None:
    await _forum(chat)
    asked = await chat.say(SAM, "forget-me")
    assert "`forget-me yes` erases it, `forget-me no` keeps it" in asked.reply


@pytest.mark.parametrize("line", ["forget-me yes", "forget-me confirm", "forget yes"])
async def test_forget_me_yes_erases(chat: Chat, db: Database, line: str) -> None:
    await _forum(chat)
    outcome = await chat.say(SAM, line)
    assert "I've erased everything I held about you in Parents Forum" in outcome.reply
    assert await count(db, members, user_id=SAM.user_id) == 0


async def test_forget_me_no_keeps_everything(chat: Chat, db: Database) -> None:
    await _forum(chat)
    assert "Nothing erased" in (await chat.say(SAM, "forget-me no")).reply
    assert await count(db, members, user_id=SAM.user_id) == 1


async def test_forget_me_with_another_word_explains(chat: Chat, db: Database) -> None:
    await _forum(chat)
    outcome = await chat.say(SAM, "forget-me please")
    assert "then `forget-me yes` to erase it, or `forget-me no` to keep it" in outcome.reply
    assert await count(db, members, user_id=SAM.user_id) == 1


async def test_the_last_facilitator_cannot_type_it_away_either(chat: Chat, db: Database) -> None:
    await _forum(chat)
    outcome = await chat.say(FAY, "forget-me yes")
    assert "Erased" not in outcome.reply
    assert await count(db, members, user_id=FAY.user_id) == 1


async def test_someone_never_in_the_group_is_not_added(chat: Chat, db: Database) -> None:
    await _forum(chat)
    stranger = person("Zed")
    outcome = await chat.say(stranger, "forget-me yes")
    assert "I don't hold anything about you" in outcome.reply
    assert await count(db, members, user_id=stranger.user_id) == 0
