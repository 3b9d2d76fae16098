"""`see <n>` and `perspective <n> [tag:] <view>`: the buttons of an elephant, typed."""

from __future__ import annotations

import pytest

from bot import limits
from bot.adapters.console.render import card_text
from bot.events import Command
from bot.handlers.elephants.commands import post_due_elephants
from bot.store.database import Database
from bot.store.schema import elephant_marks, perspectives
from tests.dialogue import Chat, Outcome, count, dm, person

FAY, SAM, PAT, LEE = person("Fay"), person("Sam"), person("Pat"), person("Lee")


async def _posted(chat: Chat, line: str = "elephant big: Who sets the agenda?") -> Outcome:
    await chat.group_of(FAY, [(SAM, "lived-experience"), (PAT, "professional")])
    await chat.say(LEE, "role lived-experience")
    await chat.say(SAM, line, where=dm(SAM))
    chat.clock.advance(minutes=30)
    return Outcome(await chat.core.run_job(post_due_elephants))


async def _seen_by_others(chat: Chat, text: str) -> str:
    effects = await chat.core.handle(Command(PAT, chat.where, text, seen_by_others=True))
    return "\n".join(card_text(e.card) for e in effects if hasattr(e, "card"))


async def test_the_elephant_card_says_what_to_type(chat: Chat) -> None:
    posted = await _posted(chat)
    assert "`see 1`" in posted.text() and "`perspective 1 <your view>`" in posted.text()


async def test_see_counts_once_like_the_button(chat: Chat, db: Database) -> None:
    await _posted(chat)
    first = await chat.say(PAT, "see 1", where=dm(PAT))
    assert "I've counted it for elephant #1, without your name" in first.reply
    again = await chat.say(PAT, "me too #1", where=dm(PAT))
    assert "You've already said you see elephant #1" in again.reply
    assert await count(db, elephant_marks) == 1


@pytest.mark.parametrize(
    ("line", "phrase"),
    [
        ("see", "Please give the elephant's number"),
        ("see it", "Please give the elephant's number"),
        ("see two", "Please give the elephant's number"),
        ("see 0", "Please give the elephant's number"),
        ("see 1 2", "Please give the elephant's number"),
        ("see 9", "I can't find elephant #9"),
    ],
)
async def test_see_mistakes(chat: Chat, db: Database, line: str, phrase: str) -> None:
    await _posted(chat)
    assert phrase in (await chat.say(PAT, line, where=dm(PAT))).reply
    assert await count(db, elephant_marks) == 0


async def test_see_typed_where_others_read_is_not_counted(chat: Chat, db: Database) -> None:
    await _posted(chat)
    assert "in the channel everyone can see who typed it" in await _seen_by_others(chat, "see 1")
    assert await count(db, elephant_marks) == 0


async def test_see_on_a_hidden_elephant(chat: Chat) -> None:
    await _posted(chat)
    await chat.say(FAY, "elephant 1 hidden")
    assert "hidden by a facilitator" in (await chat.say(PAT, "see 1", where=dm(PAT))).reply


async def test_perspective_alone_opens_the_form(chat: Chat) -> None:
    await _posted(chat)
    outcome = await chat.say(PAT, "perspective 1", where=dm(PAT))
    (form,) = outcome.forms
    assert form.title == "Your view on elephant #1"


async def test_perspective_typed_is_stored_once_with_or_without_a_tag(
    chat: Chat, db: Database
) -> None:
    await _posted(chat)
    tagged = await chat.say(PAT, "perspective #1 TAG: We decide before they arrive", where=dm(PAT))
    assert "stored without your name" in tagged.reply
    plain = await chat.say(LEE, "view 1 tag:less words here", where=dm(LEE))
    assert "stored without your name" in plain.reply
    async with db.read() as conn:
        from sqlalchemy import select

        rows = sorted((r.text, r.role_tag) for r in await conn.execute(select(perspectives)))
    assert rows == [
        ("We decide before they arrive", "professional"),
        ("less words here", "lived-experience"),
    ]
    twice = await chat.say(PAT, "perspective 1 Another thought", where=dm(PAT))
    assert "already added your perspective on elephant #1" in twice.reply
    assert "Another thought" in twice.text()


@pytest.mark.parametrize(
    ("line", "phrase"),
    [
        ("perspective", "Please say which elephant, then your view"),
        ("perspective some words", "Please say which elephant, then your view"),
        ("perspective 4 my view", "I can't find elephant #4"),
        ("perspective 1 " + "x" * (limits.PERSPECTIVE + 1), "the limit is 1,000"),
    ],
)
async def test_perspective_mistakes_store_nothing(
    chat: Chat, db: Database, line: str, phrase: str
) -> None:
    await _posted(chat)
    outcome = await chat.say(PAT, line, where=dm(PAT))
    assert phrase in outcome.reply or phrase in outcome.text()
    assert await count(db, perspectives) == 0


async def test_a_little_elephant_takes_no_perspectives(chat: Chat, db: Database) -> None:
    await _posted(chat, "elephant Only some voices count")
    outcome = await chat.say(PAT, "perspective 1 my view", where=dm(PAT))
    assert "little elephant, so it doesn't gather perspectives" in outcome.reply
    assert "my view" in outcome.text()
    assert await count(db, perspectives) == 0


async def test_perspective_typed_where_others_read_is_not_kept(chat: Chat, db: Database) -> None:
    await _posted(chat)
    text = await _seen_by_others(chat, "perspective 1 my view")
    assert "everyone can see who typed it" in text and "my view" in text
    assert await count(db, perspectives) == 0


LONG = "elephant big: " + "Parents give up unpaid days to come here, " * 8 + "and nobody asks."


async def test_one_elephant_is_shown_whole_where_the_list_shortens_it(chat: Chat) -> None:
    await _posted(chat, LONG)
    listed = (await chat.say(PAT, "elephants")).reply
    assert "and nobody asks." not in listed and "…" in listed
    for line in ("elephant 1", "elephants 1", "elephants #1"):
        whole = (await chat.say(PAT, line)).reply
        assert "and nobody asks." in whole
        assert "#1 (big, open)" in whole and "I see it too: the number shows from 3" in whole
        assert "Perspectives: shown together once 3 have arrived." in whole
        assert "To record what happened" not in whole


async def test_facilitators_reading_one_are_told_how_to_record_it(chat: Chat) -> None:
    await _posted(chat)
    assert "`elephant 1 discussed|addressed|parked" in (await chat.say(FAY, "elephant 1")).reply


async def test_an_elephant_not_yet_posted_or_hidden_cannot_be_read(chat: Chat) -> None:
    await _posted(chat)
    await chat.say(SAM, "elephant still waiting for its delay", where=dm(SAM))
    waiting = (await chat.say(PAT, "elephant 2")).reply
    assert "There's no elephant #2 showing" in waiting and "still waiting" not in waiting
    await chat.say(FAY, "elephant 1 hidden")
    hidden = (await chat.say(PAT, "elephants 1")).reply
    assert "There's no elephant #1 showing" in hidden and "Who sets the agenda" not in hidden
