"""Where on the ladder of co-production did the meeting feel: the button on the reflection card,
its form, the typed `ladder`, and what the next summary, the export and forget-me do with it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy import select

from bot.adapters.console.render import card_text
from bot.context import Services
from bot.effects import SendFileToActor
from bot.events import Command
from bot.handlers.ladder.cards import LADDER_FORM, RUNGS, ladder_button
from bot.handlers.nudges.cards import reflection_card
from bot.identity import anonymous_token
from bot.store.database import Database
from bot.store.schema import ladder_answers, meetings, reflection_tokens
from tests.dialogue import Chat, count, dm, person
from tests.handlers.summary.test_summary import end_meeting, summary_text

FAY = person("Fay")
LIVED = [person("Sam"), person("Lee"), person("Kim")]
PROS = [person("Pat"), person("Bob"), person("Dot")]
SAM, PAT = LIVED[0], PROS[0]


async def _after_a_meeting(chat: Chat) -> None:
    await chat.group_of(
        FAY, [(w, "lived-experience") for w in LIVED] + [(w, "professional") for w in PROS]
    )
    await chat.say(FAY, "checkin")
    await chat.say(SAM, "checkin 3")
    await chat.say(FAY, "meeting end")


async def _meeting_id(db: Database) -> int:
    async with db.read() as conn:
        return int((await conn.execute(select(meetings.c.id))).scalars().first() or 0)


async def _answers(db: Database) -> list[dict[str, Any]]:
    async with db.read() as conn:
        rows = await conn.execute(select(ladder_answers))
        return [dict(row._mapping) for row in rows]


def test_the_reflection_card_asks_where_on_the_ladder_and_says_what_to_type() -> None:
    card = reflection_card(1, 1, "at today's meeting", 3)
    assert card.buttons[-1].label == "Where on the ladder?"
    text = card_text(card)
    assert "where on the ladder of co-production did it feel" in text
    assert "`ladder 1` (coercion) to `ladder 7` (co-production)" in text


async def test_ladder_on_its_own_lists_the_seven_rungs_in_plain_words(chat: Chat) -> None:
    await _after_a_meeting(chat)
    text = (await chat.say(SAM, "ladder", where=dm(SAM))).reply
    assert "7 Co-production: we shared power and decided together" in text
    assert "1 Coercion: things were done to us, not with us" in text
    assert all(name in text for name, _ in RUNGS.values())


@pytest.mark.parametrize(
    ("line", "rung"),
    [("ladder 6", 6), ("ladder co-design", 6), ("ladder Co production", 7), ("ladder 1", 1)],
)
async def test_typed_answer_is_kept_without_author_once(
    chat: Chat, db: Database, line: str, rung: int
) -> None:
    await _after_a_meeting(chat)
    outcome = await chat.say(SAM, line, where=dm(SAM))
    assert "Thank you. I don't keep who answered." in outcome.reply
    assert "next meeting's summary, once at least 3 have come in" in outcome.reply
    [row] = await _answers(db)
    assert set(row) == {"id", "meeting_id", "rung", "side", "counted"}
    assert (row["rung"], row["side"], row["counted"]) == (rung, "lived-experience", False)
    again = await chat.say(SAM, "ladder 2", where=dm(SAM))
    assert "You've already said where on the ladder that meeting felt" in again.reply
    assert len(await _answers(db)) == 1


async def test_the_button_opens_the_form_and_the_form_keeps_one_rung(
    chat: Chat, db: Database
) -> None:
    await _after_a_meeting(chat)
    button = ladder_button(1, await _meeting_id(db))
    (form,) = (await chat.press(PAT, button, where=dm(PAT))).forms
    assert form.form_id == LADDER_FORM
    [radio] = form.inputs
    assert radio.kind == "radio" and [o.value for o in radio.options] == list("1234567")
    wrong = await chat.submit(PAT, form, {"rung": "9"}, where=dm(PAT))
    assert wrong.form_errors == {"rung": "Please choose one of the seven rungs."}
    assert await _answers(db) == []
    await chat.submit(PAT, form, {"rung": "4"}, where=dm(PAT))
    [row] = await _answers(db)
    assert (row["rung"], row["side"]) == (4, "professional")
    again = await chat.press(PAT, button, where=dm(PAT))
    assert "already said where on the ladder" in again.reply and not again.forms
    twice = await chat.submit(PAT, form, {"rung": "5"}, where=dm(PAT))
    assert "already said where on the ladder" in twice.reply
    assert len(await _answers(db)) == 1


async def test_after_heard_the_ladder_is_offered_until_answered(chat: Chat, db: Database) -> None:
    await _after_a_meeting(chat)
    first = await chat.say(SAM, "heard 4", where=dm(SAM))
    assert "Where on the ladder?" in [b.label for b in first.cards()[0].buttons]
    await chat.say(LIVED[1], "ladder 5", where=dm(LIVED[1]))
    later = await chat.say(LIVED[1], "heard 3", where=dm(LIVED[1]))
    assert "Where on the ladder?" not in [b.label for b in later.cards()[0].buttons]


@pytest.mark.parametrize("line", ["ladder 8", "ladder 0", "ladder kind of", "ladder co"])
async def test_ladder_mistakes_store_nothing(chat: Chat, db: Database, line: str) -> None:
    await _after_a_meeting(chat)
    outcome = await chat.say(SAM, line, where=dm(SAM))
    assert "Please choose a rung from 1 (coercion) to 7 (co-production)" in outcome.reply
    assert await _answers(db) == []


async def test_before_any_meeting_has_ended(chat: Chat, db: Database) -> None:
    await chat.group_of(FAY, [(SAM, "lived-experience")])
    outcome = await chat.say(SAM, "ladder 6", where=dm(SAM))
    assert "There hasn't been a meeting to reflect on yet" in outcome.reply
    assert await _answers(db) == []


async def test_ladder_typed_where_others_read_is_not_kept(chat: Chat, db: Database) -> None:
    await _after_a_meeting(chat)
    effects = await chat.core.handle(Command(SAM, chat.where, "ladder 6", seen_by_others=True))
    text = "\n".join(card_text(e.card) for e in effects if hasattr(e, "card"))
    assert "everyone can see who typed it" in text
    assert await _answers(db) == []


async def test_the_question_closes_a_week_after_the_meeting(chat: Chat, db: Database) -> None:
    await _after_a_meeting(chat)
    chat.clock.advance(days=8)
    assert "That question has closed now" in (await chat.say(SAM, "ladder 6", where=dm(SAM))).reply
    assert await _answers(db) == []


async def test_a_stranger_cannot_answer(chat: Chat, db: Database) -> None:
    await _after_a_meeting(chat)
    stranger = person("Zed")
    pressed = await chat.press(
        stranger, ladder_button(1, await _meeting_id(db)), where=dm(stranger)
    )
    assert "only take them from members of the group" in pressed.reply
    assert await _answers(db) == []


# -- what the next summary shows -------------------------------------------------------------------


async def _answer(chat: Chat, pairs: Sequence[tuple[Any, int]]) -> None:
    for who, rung in pairs:
        assert "Thank you" in (await chat.say(who, f"ladder {rung}", where=dm(who))).reply


async def _next_summary(chat: Chat) -> str:
    chat.clock.advance(days=7)
    await chat.say(FAY, "meeting start")
    return summary_text(await end_meeting(chat))


async def test_the_next_summary_shows_whole_crowds_and_by_role_only_at_k_each(
    chat: Chat, db: Database
) -> None:
    await _after_a_meeting(chat)
    await _answer(chat, [(LIVED[0], 7), (LIVED[1], 6), (LIVED[2], 6), (PROS[0], 4), (PROS[1], 4)])
    await _answer(chat, [(FAY, 1)])  # no role: a side of its own, which waits for k
    text = await _next_summary(chat)
    assert "Last meeting on the ladder" in text
    # Co-production was chosen by one person, Co-design by two: neither is a crowd of k
    assert "3 people said where it felt: other rungs 3." in text
    assert "Co-production 1" not in text and "Co-design 2" not in text
    assert "The middle answer: Co-design." in text
    assert "By role" not in text  # two professionals are no crowd: not shown, not merged
    assert "Consultation" not in text and "Coercion" not in text


async def test_the_gap_between_the_two_sides_shows_when_each_has_k(
    chat: Chat, db: Database
) -> None:
    await _after_a_meeting(chat)
    await _answer(chat, [(w, r) for w, r in zip(LIVED, (7, 6, 6), strict=True)])
    await _answer(chat, [(w, r) for w, r in zip(PROS, (4, 4, 3), strict=True)])
    text = await _next_summary(chat)
    assert "6 people said where it felt" in text
    assert (
        "By role: people with lived experience, 3 answers, the middle answer Co-design; "
        "professionals, 3 answers, Consultation." in text
    )
    assert "The two sides saw the same meeting quite differently." in text


async def test_fewer_than_k_answers_show_nothing(chat: Chat) -> None:
    await _after_a_meeting(chat)
    await _answer(chat, [(LIVED[0], 7), (PROS[0], 2)])
    assert "on the ladder" not in await _next_summary(chat)


# -- export and forget-me ------------------------------------------------------------------------


async def test_the_export_holds_the_crowd_ruled_result(chat: Chat) -> None:
    await _after_a_meeting(chat)
    await _answer(chat, [(w, r) for w, r in zip(LIVED, (7, 6, 6), strict=True)])
    await _answer(chat, [(PROS[0], 2)])
    outcome = await chat.say(FAY, "export", where=dm(FAY))
    [file] = outcome.of(SendFileToActor)
    assert isinstance(file, SendFileToActor)
    data = json.loads(file.content.decode("utf-8"))
    [meeting] = data["meetings"]
    assert meeting["ladder"] is None  # the question is still open: nothing to compare later
    chat.clock.advance(days=8)
    outcome = await chat.say(FAY, "export", where=dm(FAY))
    [file] = outcome.of(SendFileToActor)
    assert isinstance(file, SendFileToActor)
    [meeting] = json.loads(file.content.decode("utf-8"))["meetings"]
    assert meeting["ladder"] == {
        "answers": 3,
        "rungs": {"other rungs": 3},
        "middle": "co-design",
        "by_role": None,
    }


async def test_a_rung_shows_only_with_k_and_readings_wait_for_the_close(
    chat: Chat, db: Database
) -> None:
    """One more answer between two readings must not show; and once the next meeting has
    started, the question takes no more answers."""
    await _after_a_meeting(chat)
    await _answer(chat, [(w, 6) for w in LIVED] + [(PROS[0], 2), (PROS[1], 6), (PROS[2], 6)])
    chat.clock.advance(days=7)
    await chat.say(FAY, "meeting start")
    late = await chat.say(FAY, "ladder 1", where=dm(FAY))
    assert "That question has closed now" in late.reply
    text = summary_text(await end_meeting(chat))
    assert "6 people said where it felt: Co-design 3." in text  # 5 chose it: one crowd of 3
    assert "Informing" not in text and "Educating" not in text


async def test_forget_me_unlinks_the_ladder_token(
    chat: Chat, db: Database, services: Services
) -> None:
    await _after_a_meeting(chat)
    await _answer(chat, [(SAM, 6)])
    mine = anonymous_token(services.secret, "ladder", await _meeting_id(db), SAM)
    assert await count(db, reflection_tokens, token=mine) == 1
    asked = await chat.say(SAM, "forget-me")
    await chat.press(SAM, asked.button("Yes, erase my data"))
    assert await count(db, reflection_tokens, token=mine) == 0
    assert len(await _answers(db)) == 1  # the anonymous answer stays, unlinked


async def test_after_forget_me_a_rejoined_member_cannot_answer_again(
    chat: Chat, db: Database
) -> None:
    """Their token was made random, so only the note kept at forget-me stops a second answer
    (which would count one person twice) to last meeting's questions."""
    await _after_a_meeting(chat)
    await _answer(chat, [(SAM, 6)])
    asked = await chat.say(SAM, "forget-me")
    await chat.press(SAM, asked.button("Yes, erase my data"))
    await chat.say(SAM, "role lived-experience")
    again = await chat.say(SAM, "ladder 2", where=dm(SAM))
    assert "forget-me" in again.reply and "Thank you" not in again.reply
    assert "forget-me" in (await chat.say(SAM, "heard 4", where=dm(SAM))).reply
    assert len(await _answers(db)) == 1
