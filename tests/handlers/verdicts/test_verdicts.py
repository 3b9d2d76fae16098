""" "You said, we did" that the group answers: "Does this feel addressed?" yes, partly, not really.

Asked when a facilitator marks an elephant addressed; answered anonymously by button or typed in a
direct message; counted by the crowd rule only in the sweep; `k` "not really" reopen it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from bot.adapters.console.render import card_text
from bot.effects import MessageMember, SendFileToActor
from bot.events import Command
from bot.handlers.elephants.commands import post_due_elephants
from bot.identity import signature
from bot.store import verdicts as verdict_store
from bot.store.database import Database
from bot.store.schema import elephant_marks, verdict_answers, verdict_tokens, verdicts
from bot.store.schema import elephants as elephants_table
from tests.dialogue import Chat, Outcome, count, dm, person

FAY = person("Fay")  # facilitator
SAM, PAT, LEE, ANA, BO = (person(n) for n in ("Sam", "Pat", "Lee", "Ana", "Bo"))
MEMBERS = (SAM, PAT, LEE, ANA, BO)
DONE = "Parents now see the agenda a week ahead"


async def _sweep(chat: Chat) -> Outcome:
    effects = await chat.core.run_job(post_due_elephants)
    chat.log.extend(effects)
    return Outcome(effects)


async def _asked(chat: Chat, outcome: str = DONE) -> Outcome:
    """A group of six, elephant #1 posted, and marked addressed: the question's outcome."""
    await chat.group_of(FAY, [(who, "lived-experience") for who in MEMBERS])
    await chat.say(SAM, "elephant Decisions are made before we meet", dm(SAM))
    chat.clock.advance(minutes=10)
    await _sweep(chat)
    return await chat.say(FAY, f"elephant 1 addressed {outcome}")


async def _answers(db: Database) -> list[str]:
    async with db.read() as conn:
        return sorted((await conn.execute(select(verdict_answers.c.answer))).scalars())


async def _exported(chat: Chat) -> dict[str, Any]:
    (file,) = (await chat.say(FAY, "export")).of(SendFileToActor)
    assert isinstance(file, SendFileToActor)
    data: dict[str, Any] = json.loads(file.content.decode("utf-8"))
    return data


async def _card(chat: Chat) -> str:
    """The question's card as it now stands in the channel (its last post or update)."""
    for effect in reversed(chat.log):
        if getattr(effect, "key", None) == "verdict:1":
            return card_text(effect.card)  # type: ignore[attr-defined]
    raise AssertionError("no verdict card")


# -- asking ---------------------------------------------------------------------------------------


async def test_addressed_asks_the_whole_group_in_the_channel(chat: Chat, db: Database) -> None:
    outcome = await _asked(chat)
    (post,) = outcome.posts
    assert "You said, we did" in post
    assert "Elephant #1: Decisions are made before we meet" in post
    assert f"What was done: {DONE}" in post
    assert "Does this feel addressed to you?" in post
    assert "How the group sees it: not enough answers yet to show (the counts show from 3)" in post
    assert "`addressed 1 yes`, `partly` or `not really`" in post
    assert [b.label for b in outcome.cards()[0].buttons] == ["Yes", "Partly", "Not really"]
    assert "asked everyone whether it feels addressed to them" in outcome.reply
    assert await count(db, verdicts, kind="elephant", state="asking") == 1


async def test_addressed_without_a_note_still_asks(chat: Chat) -> None:
    outcome = await _asked(chat, outcome="")
    assert "Does this feel addressed to you?" in outcome.posts[0]
    assert "What was done" not in outcome.posts[0]
    assert "You can add what was done: `elephant 1 addressed …`" in outcome.reply


# -- answering ------------------------------------------------------------------------------------


async def test_a_press_is_counted_without_a_name_and_nothing_moves_at_the_press(
    chat: Chat, db: Database
) -> None:
    asked = await _asked(chat)
    outcome = await chat.press(SAM, asked.button("Partly"))
    assert "I've counted your answer about Elephant #1: “partly”, without your name" in (
        outcome.reply
    )
    assert "updated every little while, 3 people at a time" in outcome.reply
    assert not outcome.updates and not outcome.posts and not outcome.messages
    assert await _answers(db) == ["partly"]
    async with db.read() as conn:
        (token_row,) = (await conn.execute(select(verdict_tokens))).mappings()
        answer_row = (await conn.execute(select(verdict_answers))).mappings().one()
    assert set(answer_row) == {"id", "verdict_id", "answer"}
    assert set(token_row) == {"verdict_id", "token"}  # nothing that could find the answer
    assert SAM.user_id not in str(dict(token_row))


async def test_nothing_beside_the_token_lets_the_key_test_which_answer(
    chat: Chat, db: Database
) -> None:
    """Whoever holds the key can recompute Sam's token; nothing stored beside it may then be
    tested against the three answers (a keyed seal of the answer could be)."""
    asked = await _asked(chat)
    await chat.press(SAM, asked.button("Not really"))
    async with db.read() as conn:
        (token_row,) = (await conn.execute(select(verdict_tokens))).mappings()
    secret = chat.core.services.secret
    for answer in ("yes", "partly", "not-really"):
        for kept in dict(token_row).values():
            for seal_purpose in ("verdict-answer", "verdict"):
                assert kept != signature(secret, seal_purpose, str(token_row["token"]), answer)
    assert "seal" not in verdict_tokens.c


async def test_one_answer_each_that_stays_as_given(chat: Chat, db: Database) -> None:
    """Changing an answer would need something that finds it again: so it is given once."""
    asked = await _asked(chat)
    await chat.press(SAM, asked.button("Yes"))
    again = await chat.press(SAM, asked.button("Not really"))
    assert "You've already answered about Elephant #1" in again.reply
    assert "can't be changed" in again.reply
    assert await _answers(db) == ["yes"]
    assert await count(db, verdict_tokens) == 1


async def test_the_sweep_shows_counts_only_from_k_and_in_whole_crowds(chat: Chat) -> None:
    asked = await _asked(chat)
    await chat.press(SAM, asked.button("Partly"))
    await chat.press(PAT, asked.button("Partly"))
    assert not (await _sweep(chat)).updates  # 2 < k: nothing shown, nothing redrawn
    await chat.press(LEE, asked.button("Yes"))
    (update,) = (await _sweep(chat)).updates
    # no answer has k on its own: only the merged line shows
    assert (
        "How the group sees it: no one answer yet given by 3 or more (mixed answers 3)"
        in card_text(update.card)
    )
    await chat.press(ANA, asked.button("Yes"))
    assert not (await _sweep(chat)).updates  # one more is not a whole crowd: the card stays
    assert not (await _sweep(chat)).updates  # and a sweep with nothing new draws nothing


async def test_typed_answers_in_a_direct_message(chat: Chat, db: Database) -> None:
    await _asked(chat)
    for who, line in (
        (SAM, "addressed 1 yes"),
        (PAT, "addressed #1 Partly."),
        (LEE, "addressed elephant 1 not really"),
        (ANA, 'addressed 1 feels "not-really"'),
        (BO, "elephant 1 feels sort of"),
    ):
        outcome = await chat.say(who, line, dm(who))
        assert "I've counted your answer about Elephant #1" in outcome.reply, line
    assert await _answers(db) == ["not-really", "not-really", "partly", "partly", "yes"]


async def test_an_answer_cannot_be_taken_back_and_says_why(chat: Chat, db: Database) -> None:
    await _asked(chat)
    nothing = await chat.say(SAM, "addressed 1 take back", dm(SAM))
    assert "There's nothing from you about Elephant #1 to take back." in nothing.reply
    await chat.say(SAM, "addressed 1 no", dm(SAM))
    taken = await chat.say(SAM, "addressed 1 withdraw", dm(SAM))
    assert "can't be changed or taken back" in taken.reply
    assert await _answers(db) == ["not-really"] and await count(db, verdict_tokens) == 1


async def test_typing_an_answer_in_the_channel_is_refused_and_nothing_is_stored(
    chat: Chat, db: Database
) -> None:
    await _asked(chat)
    for line in ("addressed 1 not really", "elephant 1 feels not really"):
        typed = Command(SAM, chat.where, line, seen_by_others=True)  # as Slack and Teams mark it
        outcome = Outcome(await chat.core.handle(typed))
        assert "everyone in the channel can see what you typed" in outcome.reply
        assert "Press a button on the “You said, we did” card" in outcome.reply
    assert await _answers(db) == []


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("addressed", "Please say which one and how it feels to you"),
        ("addressed soon", "Please say which one and how it feels to you"),
        ("addressed 1", "Please say how elephant 1 feels to you"),
        ("elephant 1 feels", "Please say how elephant 1 feels to you"),
        ("addressed 1 maybe", "I didn't catch how it feels to you"),
        (
            "addressed 1 we moved the meeting to the evening",
            "type `elephant 1 addressed <what was done>`",
        ),
        ("addressed 7 yes", "There's no elephant #7 in Parents Forum. Type `elephants`"),
    ],
)
async def test_typed_mistakes_are_explained(chat: Chat, db: Database, line: str, said: str) -> None:
    await _asked(chat)
    outcome = await chat.say(SAM, line, dm(SAM))
    assert said in outcome.reply
    assert await _answers(db) == []


async def test_an_elephant_not_yet_addressed_is_told_apart_from_none(
    chat: Chat, db: Database
) -> None:
    await _asked(chat)
    await chat.say(SAM, "elephant Papers arrive the night before", dm(SAM))
    pending = await chat.say(SAM, "addressed 2 partly", dm(SAM))
    assert "There's no elephant #2 in" in pending.reply  # not posted yet: not known
    chat.clock.advance(minutes=10)
    await _sweep(chat)
    waiting = await chat.say(SAM, "addressed 2 partly", dm(SAM))
    assert "Elephant #2 hasn't been marked addressed" in waiting.reply
    assert await _answers(db) == []


async def test_a_tampered_button_no_longer_works(chat: Chat, db: Database) -> None:
    asked = await _asked(chat)
    button = asked.button("Yes")
    for value in (button.value.replace(":yes", ":maybe"), button.value.replace("|1:", "|99:")):
        outcome = await chat.press(SAM, type(button)(button.label, button.action, value))
        assert "That button no longer works" in outcome.reply
    assert await _answers(db) == []


async def test_only_members_answer(chat: Chat, db: Database) -> None:
    asked = await _asked(chat)
    outcome = await chat.press(person("Stranger"), asked.button("Yes"))
    assert "only take them from members" in outcome.reply
    assert await _answers(db) == []


# -- reopening ------------------------------------------------------------------------------------


async def test_k_not_really_reopen_it_and_tell_the_facilitators_once(
    chat: Chat, db: Database
) -> None:
    asked = await _asked(chat)
    await chat.say(FAY, "facilitator @Sam")
    for who in (SAM, PAT):
        await chat.press(who, asked.button("Not really"))
    await chat.press(LEE, asked.button("Yes"))
    assert not (await _sweep(chat)).messages  # two "not really": not yet
    pressed = await chat.press(ANA, asked.button("Not really"))
    assert not pressed.messages and not pressed.updates  # never at the press
    swept = await _sweep(chat)
    told = sorted(m.user_id for m in swept.of(MessageMember))  # type: ignore[attr-defined]
    assert told == sorted([FAY.user_id, SAM.user_id])
    note = swept.messages_to(FAY)[0]
    assert "Elephant #1 in Parents Forum is open again" in note
    assert '3 or more people said "not really"' in note
    assert "`elephant 1 addressed <what was done>`" in note
    card = await _card(chat)
    assert "open again" in card and "Yes" not in [b.label for b in swept.cards()[-1].buttons]
    async with db.read() as conn:
        status = (await conn.execute(select(elephants_table.c.status))).scalar_one()
    assert status == "open"
    listed = (await chat.say(BO, "elephants")).reply
    assert "Open again: 3 or more said it doesn't really feel addressed yet." in listed
    assert f"What was done so far: {DONE}" in listed
    await chat.say(FAY, "meeting start")
    summary = (await chat.say(FAY, "summary")).text()
    assert f"— Still open (what was done so far: {DONE})" in summary
    assert "Open again: 3 or more said it doesn't really feel addressed yet." in summary
    # once: more answers and more sweeps tell nobody again, and the question takes no answers
    late = await chat.press(BO, asked.button("Not really"))
    assert "The question about Elephant #1 has closed" in late.reply
    assert not (await _sweep(chat)).messages
    # marking it addressed again asks afresh
    again = await chat.say(FAY, "elephant 1 addressed We now send papers a week ahead")
    assert "Does this feel addressed to you?" in again.posts[0]
    assert await count(db, verdicts, state="asking") == 1


# -- the question's life --------------------------------------------------------------------------


async def test_marking_it_addressed_again_closes_the_earlier_question(
    chat: Chat, db: Database
) -> None:
    asked = await _asked(chat)
    await chat.press(SAM, asked.button("Yes"))
    again = await chat.say(FAY, "elephant 1 addressed And the minutes go out within a day")
    closed = [u for u in again.updates if u.key == "verdict:1"]
    assert "This question has closed" in card_text(closed[0].card)
    assert not closed[0].card.buttons
    assert "And the minutes go out" in again.posts[0]
    old = await chat.press(PAT, asked.button("Yes"))
    assert "has closed" in old.reply
    new = await chat.press(PAT, again.button("Yes"))
    assert "I've counted your answer" in new.reply


@pytest.mark.parametrize("status", ["discussed", "parked", "open"])
async def test_another_status_closes_the_question(chat: Chat, status: str) -> None:
    asked = await _asked(chat)
    changed = await chat.say(FAY, f"elephant 1 {status}")
    (closed,) = [u for u in changed.updates if u.key == "verdict:1"]
    assert "This question has closed" in card_text(closed.card)
    assert "has closed" in (await chat.press(SAM, asked.button("Yes"))).reply


async def test_hiding_the_elephant_takes_its_words_off_the_question(
    chat: Chat, db: Database
) -> None:
    await _asked(chat)
    hidden = await chat.say(FAY, "elephant 1 hidden")
    (closed,) = [u for u in hidden.updates if u.key == "verdict:1"]
    assert (
        card_text(closed.card) == "== You said, we did ==\nElephant #1: this question has closed."
    )
    async with db.read() as conn:
        (verdict,) = await verdict_store.of_group_all(conn, 1)
    assert (verdict.title, verdict.what_was_done, verdict.state) == ("", None, "closed")
    (item,) = (await _exported(chat))["you_said_we_did"]
    assert item["text"] is None and item["what_was_done"] is None


# -- where the group's view shows ------------------------------------------------------------------


async def test_elephants_and_the_summary_show_what_was_done_and_how_the_group_sees_it(
    chat: Chat,
) -> None:
    asked = await _asked(chat)
    listed = (await chat.say(SAM, "elephants")).reply
    assert f"What was done: {DONE}" in listed
    assert "Does it feel addressed? The group: not enough answers yet to show" in listed
    for who in (SAM, PAT, LEE):
        await chat.press(who, asked.button("Partly"))
    assert "not enough answers yet" in (await chat.say(SAM, "elephants")).reply  # not swept yet
    await _sweep(chat)
    listed = (await chat.say(SAM, "elephants")).reply
    assert 'Does it feel addressed? The group: "partly" (partly 3).' in listed
    await chat.say(FAY, "meeting start")
    summary = (await chat.say(FAY, "summary")).text()
    assert f"Addressed: {DONE}" in summary
    assert 'Does it feel addressed? The group: "partly" (partly 3).' in summary


async def test_the_export_holds_only_the_released_figures(chat: Chat) -> None:
    asked = await _asked(chat)
    for who in (SAM, PAT, LEE, ANA):
        await chat.press(who, asked.button("Yes"))
    await chat.press(BO, asked.button("Not really"))
    await _sweep(chat)
    (item,) = (await _exported(chat))["you_said_we_did"]
    assert item["about"] == "elephant 1"
    assert item["text"] == "Decisions are made before we meet"
    assert item["what_was_done"] == DONE
    assert item["state"] == "asking"
    assert item["the_group"] == {"yes": 3}  # 4 yes is one crowd of 3; 1 "not really" never shows


# -- forget-me ------------------------------------------------------------------------------------


async def test_forget_me_unlinks_an_answer_and_keeps_it_counted(chat: Chat, db: Database) -> None:
    """Like "I see it too": removing the answer would change a count the group can read (and
    so show what the leaver had said), so it stays, with its token and seal made random."""
    asked = await _asked(chat)
    await chat.press(SAM, asked.button("Not really"))
    async with db.read() as conn:
        before = (await conn.execute(select(verdict_tokens))).mappings().one()
    asked_to_confirm = await chat.say(SAM, "forget-me")
    done = await chat.press(SAM, asked_to_confirm.button("Yes, erase my data"))
    assert "answers to “does this feel addressed?”" in done.reply
    async with db.read() as conn:
        after = (await conn.execute(select(verdict_tokens))).mappings().one()
    assert after["token"] != before["token"]
    assert await _answers(db) == ["not-really"]
    gone = await chat.press(SAM, asked.button("Yes"))  # no longer a member: nothing changes
    assert "only take them from members" in gone.reply
    assert await _answers(db) == ["not-really"]


async def test_forget_me_and_rejoining_does_not_answer_twice(chat: Chat, db: Database) -> None:
    asked = await _asked(chat)
    await chat.press(SAM, asked.button("Not really"))
    asked_to_confirm = await chat.say(SAM, "forget-me")
    await chat.press(SAM, asked_to_confirm.button("Yes, erase my data"))
    await chat.say(SAM, "role lived-experience")  # back in the group
    again = await chat.press(SAM, asked.button("Not really"))
    assert "counted your answer" not in again.reply
    assert await _answers(db) == ["not-really"]


# -- agenda items ---------------------------------------------------------------------------------


async def test_an_agenda_item_addressed_is_asked_about_and_reopened_onto_the_agenda(
    chat: Chat, db: Database
) -> None:
    await chat.group_of(FAY, [(who, "professional") for who in MEMBERS])
    await chat.say(SAM, "agenda add Transport costs")
    await chat.say(FAY, "meeting start")
    addressed = await chat.say(FAY, "agenda 1 addressed Travel is now paid on the day")
    (post,) = addressed.posts  # the question's card, which says what was done: no second card
    assert "Agenda question #1: Transport costs" in post
    assert "What was done: Travel is now paid on the day" in post
    assert "`addressed agenda 1 yes`, `partly` or `not really`" in post
    assert "Transport costs" not in (await chat.say(SAM, "agenda")).text()
    typed = await chat.say(PAT, "addressed agenda 1 not really", dm(PAT))
    assert "I've counted your answer about Agenda question #1" in typed.reply
    missing = await chat.say(PAT, "addressed agenda 4 yes", dm(PAT))
    assert "Agenda question #4 hasn't been marked addressed" in missing.reply
    assert "The number is on the “You said, we did” card" in missing.reply
    for who in (SAM, LEE):
        await chat.press(who, addressed.button("Partly"))
    await chat.press(ANA, addressed.button("Not really"))
    await _sweep(chat)
    summary = (await chat.say(FAY, "summary")).text()
    assert "Covered: “Transport costs” — addressed: Travel is now paid on the day" in summary
    assert "Does it feel addressed? The group: no one answer yet given by 3" in summary
    await chat.press(BO, addressed.button("Not really"))  # the third "not really"
    swept = await _sweep(chat)
    assert "Agenda question #1 in Parents Forum is open again" in swept.messages_to(FAY)[0]
    assert "Transport costs" in (await chat.say(SAM, "agenda")).text()
    again = await chat.say(FAY, "agenda 1 addressed And the forms are shorter")
    assert "Agenda question #2: Transport costs" in again.posts[0]


async def test_forget_me_and_rejoining_does_not_see_an_elephant_twice(
    chat: Chat, db: Database
) -> None:
    """The same for "I see it too": the mark's token was made random, so only the note kept at
    forget-me stops a second mark from the same person."""
    await chat.group_of(FAY, [(who, "lived-experience") for who in MEMBERS])
    await chat.say(SAM, "elephant Decisions are made before we meet", dm(SAM))
    chat.clock.advance(minutes=10)
    posted = await _sweep(chat)
    await chat.press(PAT, posted.button("I see it too"))
    asked_to_confirm = await chat.say(PAT, "forget-me")
    await chat.press(PAT, asked_to_confirm.button("Yes, erase my data"))
    await chat.say(PAT, "role professional")
    again = await chat.press(PAT, posted.button("I see it too"))
    assert "forget-me" in again.reply and "counted it" not in again.reply
    assert await count(db, elephant_marks) == 1


async def test_figures_kept_under_a_smaller_k_are_read_under_the_k_in_force(
    chat: Chat, db: Database
) -> None:
    """Figures drawn by the sweep under k 2, read after k became 3: the card, `elephants` and
    the export all pass them through the rule again, so none shows a figure below 3."""
    await chat.group_of(FAY, [(who, "lived-experience") for who in MEMBERS])
    await chat.say(FAY, "set k 2")
    await chat.say(SAM, "elephant Decisions are made before we meet", dm(SAM))
    chat.clock.advance(minutes=10)
    posted = await _sweep(chat)
    for who in (PAT, LEE):
        await chat.press(who, posted.button("I see it too"))
    asked = await chat.say(FAY, "elephant 1 addressed Papers go out a week ahead")
    for who in (PAT, LEE):
        await chat.press(who, asked.button("Yes"))
    await _sweep(chat)
    assert "yes 2" in (await chat.say(SAM, "elephants")).text()
    before = await _exported(chat)
    assert before["elephants"][0]["see_it_too"] == 2
    assert before["you_said_we_did"][0]["the_group"] == {"yes": 2}
    await chat.say(FAY, "set k 3")
    listed = (await chat.say(SAM, "elephants")).text()
    assert "yes 2" not in listed and "2 people" not in listed
    after = await _exported(chat)
    assert after["elephants"][0]["see_it_too"] is None
    assert after["you_said_we_did"][0]["the_group"] is None
