"""`heard <answer>` and `heard change <one thing>`: the reflection after a meeting, typed."""

from __future__ import annotations

import pytest

from bot.adapters.console.render import card_text
from bot.events import Command
from bot.handlers.nudges.cards import reflection_card
from bot.store.database import Database
from bot.store.schema import reflections
from tests.dialogue import Chat, count, dm, person

FAY, SAM, PAT = person("Fay"), person("Sam"), person("Pat")


async def _after_a_meeting(chat: Chat) -> None:
    await chat.group_of(FAY, [(SAM, "lived-experience"), (PAT, "professional")])
    await chat.say(FAY, "checkin")
    await chat.say(SAM, "checkin 3")
    await chat.say(FAY, "meeting end")


def test_the_reflection_card_says_what_to_type() -> None:
    text = card_text(reflection_card(1, 1, "at today's meeting", 3))
    assert "`heard 1` to `heard 5`" in text and "`heard change <one thing>`" in text


@pytest.mark.parametrize(
    ("line", "score"),
    [("heard 4", 4), ("heard yes", 5), ("heard Partly", 3), ("heard not really", 1)],
)
async def test_heard_is_kept_anonymously_once(
    chat: Chat, db: Database, line: str, score: int
) -> None:
    await _after_a_meeting(chat)
    outcome = await chat.say(SAM, line, where=dm(SAM))
    assert "Thank you." in outcome.reply and "anonymous" in outcome.reply
    assert await count(db, reflections, heard=score) == 1
    again = await chat.say(SAM, "heard 2", where=dm(SAM))
    assert "You've already said how heard you felt at that meeting" in again.reply
    assert await count(db, reflections) == 1


async def test_one_thing_to_change_typed_and_its_form(chat: Chat, db: Database) -> None:
    await _after_a_meeting(chat)
    (form,) = (await chat.say(SAM, "heard change", where=dm(SAM))).forms
    assert form.form_id == "nudges.reflection"
    done = await chat.say(SAM, "heard change Send the papers a week ahead", where=dm(SAM))
    assert "The facilitators will see it, without your name" in done.reply
    assert await count(db, reflections, change="Send the papers a week ahead") == 1
    again = await chat.say(SAM, "heard change Something else", where=dm(SAM))
    assert "already told me one thing to change" in again.reply
    assert "Something else" in again.text()
    assert "already told me" in (await chat.say(SAM, "heard change", where=dm(SAM))).reply


@pytest.mark.parametrize(
    ("line", "phrase"),
    [
        ("heard", "Please say how heard you felt"),
        ("heard 6", "Please say how heard you felt"),
        ("heard kind of", "Please say how heard you felt"),
        ("heard change " + "x" * 501, "the limit is 500"),
    ],
)
async def test_heard_mistakes_store_nothing(
    chat: Chat, db: Database, line: str, phrase: str
) -> None:
    await _after_a_meeting(chat)
    outcome = await chat.say(SAM, line, where=dm(SAM))
    assert phrase in outcome.reply
    assert await count(db, reflections) == 0


async def test_before_any_meeting_has_ended(chat: Chat, db: Database) -> None:
    await chat.group_of(FAY, [(SAM, "lived-experience")])
    outcome = await chat.say(SAM, "heard change more breaks", where=dm(SAM))
    assert "There hasn't been a meeting to reflect on yet" in outcome.reply
    assert "more breaks" in outcome.text()
    assert await count(db, reflections) == 0


async def test_heard_typed_where_others_read_is_not_kept(chat: Chat, db: Database) -> None:
    await _after_a_meeting(chat)
    for line in ("heard 2", "heard change shorter meetings"):
        effects = await chat.core.handle(Command(SAM, chat.where, line, seen_by_others=True))
        text = "\n".join(card_text(e.card) for e in effects if hasattr(e, "card"))
        assert "everyone can see who typed it" in text
    assert await count(db, reflections) == 0


async def test_the_question_closes_a_week_after_the_meeting(chat: Chat, db: Database) -> None:
    await _after_a_meeting(chat)
    chat.clock.advance(days=8)
    assert "That question has closed now" in (await chat.say(SAM, "heard 4", where=dm(SAM))).reply
    assert await count(db, reflections) == 0
