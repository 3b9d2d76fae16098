"""The check-in: sent once per meeting, answered with a mood or a pass, counted, never shaming."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.adapters.console.render import card_text
from bot.context import Context
from bot.effects import Effect, MessageMember, PostToConversation, UpdatePost
from bot.handlers.checkin.commands import send_checkin
from bot.identity import Where
from bot.store import checkins, groups, meetings
from bot.store.database import Database
from bot.store.schema import checkins as checkins_table
from bot.store.schema import prompt_uses
from tests.dialogue import Chat, Outcome, dm, person

FAY = person("Fay")  # facilitator
SAM = person("Sam")
PAT = person("Pat")
MOOD_BUTTONS = ["1 Struggling", "2 Low", "3 Okay", "4 Good", "5 Great", "Pass", "Add words"]


async def _group(chat: Chat) -> None:
    await chat.group_of(FAY, [(SAM, "lived-experience"), (PAT, "professional")])


async def _sent(chat: Chat) -> Outcome:
    await _group(chat)
    return await chat.say(FAY, "checkin")


async def _rows(db: Database) -> list[dict[str, object]]:
    async with db.read() as conn:
        rows = (await conn.execute(select(checkins_table))).mappings().all()
    return [dict(r) for r in rows]


async def _current(db: Database) -> meetings.Meeting:
    async with db.read() as conn:
        found = await meetings.current(conn, 1)
    assert found is not None
    return found


def _count(outcome: Outcome) -> str:
    """The count field of the check-in card in an update."""
    (update,) = outcome.updates
    (field,) = update.card.fields
    return f"{field.label}: {field.value}"


# -- sending --------------------------------------------------------------------------------------


async def test_facilitator_sends_the_checkin_to_the_channel_and_each_member(
    chat: Chat, db: Database
) -> None:
    outcome = await _sent(chat)
    (post,) = outcome.of(PostToConversation)
    assert isinstance(post, PostToConversation)
    meeting = await _current(db)
    assert post.key == f"checkin:{meeting.id}"
    text = card_text(post.card)
    assert "How are you arriving today?" in text
    assert "Checked in: 0 of 3" in text
    assert [b.label for b in post.card.buttons] == MOOD_BUTTONS
    assert {m.user_id for m in outcome.messages} == {FAY.user_id, SAM.user_id, PAT.user_id}
    assert all(m.card == post.card for m in outcome.messages)
    assert "sent it to each member" in outcome.reply
    assert meeting.status == "open" and meeting.source == "manual"
    assert meeting.checkin_sent_at == chat.clock.now


async def test_the_question_comes_from_the_library_and_is_recorded(
    chat: Chat, db: Database
) -> None:
    outcome = await _sent(chat)
    async with db.read() as conn:
        uses = (await conn.execute(select(prompt_uses))).mappings().all()
        question = await checkins.question_of(conn, (await _current(db)).id)
    assert [(u["kind"], u["group_id"]) for u in uses] == [("checkin", 1)]
    library = {p.id: p.text for p in chat.core.services.prompts.checkin}
    assert question == library[uses[0]["prompt_id"]]
    assert question in outcome.posts[0]


async def test_library_questions_do_not_repeat_until_all_are_used(chat: Chat, db: Database) -> None:
    await _group(chat)
    library = chat.core.services.prompts.checkin
    asked: list[str] = []
    for n in range(len(library) + 1):
        async with db.write() as conn:
            meeting = await meetings.create(
                conn, 1, chat.clock.now + timedelta(days=n), None, status="scheduled", source="x"
            )

        async def job(ctx: Context, meeting: meetings.Meeting = meeting) -> list[Effect]:
            return await send_checkin(ctx, meeting)

        await chat.core.run_job(job, group_id=1)
        async with db.read() as conn:
            question = await checkins.question_of(conn, meeting.id)
        assert question is not None
        asked.append(question)
    first_cycle = asked[: len(library)]
    assert sorted(first_cycle) == sorted(p.text for p in library)
    async with db.read() as conn:
        used = await checkins.used_prompts(conn, 1, "checkin")
    assert len(used) == 1  # the library was used up, so a new cycle began with one question


async def test_send_checkin_happens_once_per_meeting(chat: Chat, db: Database) -> None:
    await _sent(chat)
    meeting = await _current(db)

    async def again(ctx: Context) -> list[Effect]:
        return await send_checkin(ctx, meeting)

    assert await chat.core.run_job(again, group_id=1) == []


async def test_send_checkin_is_guarded_even_for_a_stale_meeting_object(
    chat: Chat, db: Database
) -> None:
    await _group(chat)
    async with db.write() as conn:
        meeting = await meetings.create(conn, 1, chat.clock.now, None, status="open", source="x")

    async def send(ctx: Context) -> list[Effect]:
        return await send_checkin(ctx, meeting)  # the same stale object both times

    first = await chat.core.run_job(send, group_id=1)
    second = await chat.core.run_job(send, group_id=1)
    assert len([e for e in first if isinstance(e, PostToConversation)]) == 1
    assert second == []


@pytest.mark.parametrize("status", ["ended", "cancelled"])
async def test_no_checkin_goes_out_for_a_meeting_that_is_over(
    chat: Chat, db: Database, status: str
) -> None:
    await _group(chat)
    async with db.write() as conn:
        meeting = await meetings.create(conn, 1, chat.clock.now, None, status=status, source="x")

    async def send(ctx: Context) -> list[Effect]:
        return await send_checkin(ctx, meeting)

    assert await chat.core.run_job(send, group_id=1) == []


async def test_facilitator_checkin_again_shows_the_count_and_their_form(chat: Chat) -> None:
    await _sent(chat)
    await chat.press(SAM, (await _sent_button(chat, "3 Okay")))
    outcome = await chat.say(FAY, "checkin")
    assert "already gone out for this meeting: 1 of 3 checked in" in outcome.reply
    assert [f.form_id for f in outcome.forms] == ["checkin.form"]
    assert not outcome.posts and not outcome.messages


async def _sent_button(chat: Chat, label: str) -> object:
    for effect in chat.log:
        if isinstance(effect, PostToConversation) and effect.key and "checkin" in effect.key:
            for button in effect.card.buttons:
                if button.label == label:
                    return button
    raise AssertionError(label)


async def test_facilitator_checkin_uses_a_scheduled_meeting_about_to_start(
    chat: Chat, db: Database
) -> None:
    await _group(chat)
    async with db.write() as conn:
        scheduled = await meetings.create(
            conn, 1, chat.clock.now + timedelta(minutes=10), None, status="scheduled", source="s"
        )
    outcome = await chat.say(FAY, "checkin")
    (post,) = outcome.of(PostToConversation)
    assert isinstance(post, PostToConversation)
    assert post.key == f"checkin:{scheduled.id}"


# -- members answering ----------------------------------------------------------------------------


async def test_member_checkin_before_it_is_sent_is_told_kindly(chat: Chat) -> None:
    await _group(chat)
    outcome = await chat.say(SAM, "checkin")
    assert "There's no check-in open right now" in outcome.reply
    assert not outcome.forms


async def test_member_checkin_opens_the_form_with_mood_words_and_visibility(chat: Chat) -> None:
    await _sent(chat)
    outcome = await chat.say(SAM, "checkin")
    (form,) = outcome.forms
    assert form.form_id == "checkin.form"
    names = [i.name for i in form.inputs]
    assert names == ["mood", "words", "visibility"]
    mood = form.inputs[0]
    assert [o.value for o in mood.options] == ["1", "2", "3", "4", "5", "pass"]
    assert form.inputs[1].optional and form.inputs[1].max_length == 500
    assert [o.value for o in form.inputs[2].options] == ["group", "facilitators", "nobody"]


@pytest.mark.parametrize(
    ("label", "phrase", "mood"),
    [
        ("1 Struggling", "go gently today", 1),
        ("2 Low", "Low days count too", 2),
        ("3 Okay", "Thanks for checking in.", 3),
        ("4 Good", "Good to have you here", 4),
        ("5 Great", "Lovely to hear it", 5),
        ("Pass", "Thanks — passing is always fine", None),
    ],
)
async def test_each_button_thanks_kindly_and_counts(
    chat: Chat, db: Database, label: str, phrase: str, mood: int | None
) -> None:
    sent = await _sent(chat)
    outcome = await chat.press(SAM, sent.button(label))
    assert phrase in outcome.reply
    assert _count(outcome) == "Checked in: 1 of 3"
    (row,) = await _rows(db)
    assert row["mood"] == mood and row["passed"] is (mood is None)


async def test_changing_your_answer_replaces_it(chat: Chat, db: Database) -> None:
    sent = await _sent(chat)
    await chat.press(SAM, sent.button("2 Low"))
    outcome = await chat.press(SAM, sent.button("Pass"))
    assert "I've updated your check-in" in outcome.reply
    assert _count(outcome) == "Checked in: 1 of 3"
    (row,) = await _rows(db)
    assert row["passed"] is True and row["mood"] is None


async def test_buttons_work_from_the_private_message_too(chat: Chat) -> None:
    sent = await _sent(chat)
    (message,) = [m for m in sent.messages if m.user_id == PAT.user_id]
    assert isinstance(message, MessageMember)
    button = next(b for b in message.card.buttons if b.label == "4 Good")
    outcome = await chat.press(PAT, button, where=dm(PAT))
    assert "Good to have you here" in outcome.reply
    (update,) = outcome.updates
    assert isinstance(update, UpdatePost) and update.where == chat.where


async def test_the_count_never_lists_who_has_not_answered(chat: Chat) -> None:
    sent = await _sent(chat)
    outcome = await chat.press(SAM, sent.button("Pass"))
    text = card_text(outcome.updates[0].card)
    assert "Fay" not in text and "Pat" not in text and "Sam" not in text
    assert "not checked in" not in text.lower() and "waiting for" not in text.lower()


async def test_add_words_opens_the_form_filled_with_the_answer_so_far(chat: Chat) -> None:
    sent = await _sent(chat)
    await chat.press(SAM, sent.button("2 Low"))
    outcome = await chat.press(SAM, sent.button("Add words"))
    (form,) = outcome.forms
    assert form.inputs[0].initial == "2"


async def test_the_form_stores_words_with_their_visibility(chat: Chat, db: Database) -> None:
    sent = await _sent(chat)
    form = (await chat.press(SAM, sent.button("Add words"))).forms[0]
    outcome = await chat.submit(
        SAM, form, {"mood": "3", "words": "  Tired but here  ", "visibility": "facilitators"}
    )
    assert "Only the facilitators will see your words." in outcome.reply
    assert _count(outcome) == "Checked in: 1 of 3"
    (row,) = await _rows(db)
    assert (row["mood"], row["words"], row["visibility"]) == (3, "Tired but here", "facilitators")
    assert "Tired" not in card_text(outcome.updates[0].card)


async def test_a_button_after_words_keeps_the_words(chat: Chat, db: Database) -> None:
    sent = await _sent(chat)
    form = (await chat.press(SAM, sent.button("Add words"))).forms[0]
    await chat.submit(SAM, form, {"mood": "3", "words": "hello", "visibility": "group"})
    await chat.press(SAM, sent.button("5 Great"))
    (row,) = await _rows(db)
    assert (row["mood"], row["words"], row["visibility"]) == (5, "hello", "group")


@pytest.mark.parametrize(
    ("values", "field", "phrase"),
    [
        ({"mood": ""}, "mood", "Please choose how you're arriving"),
        ({"mood": "6"}, "mood", "from 1 (Struggling) to 5 (Great), or Pass"),
        ({"mood": "fine"}, "mood", "Please choose how you're arriving"),
        ({"mood": "3", "words": "x" * 501, "visibility": "group"}, "words", "the limit is 500"),
        ({"mood": "3", "words": "some words"}, "visibility", "Please choose who may read"),
        ({"mood": "3", "words": "w", "visibility": "everyone"}, "visibility", "Please choose who"),
    ],
)
async def test_form_mistakes_are_explained_and_nothing_is_stored(
    chat: Chat, db: Database, values: dict[str, str], field: str, phrase: str
) -> None:
    await _sent(chat)
    form = (await chat.say(SAM, "checkin")).forms[0]
    outcome = await chat.submit(SAM, form, values)
    assert phrase in outcome.form_errors[field]
    assert await _rows(db) == []
    assert not outcome.updates


async def test_passing_in_the_form_with_no_words_is_fine(chat: Chat, db: Database) -> None:
    await _sent(chat)
    form = (await chat.say(SAM, "checkin")).forms[0]
    outcome = await chat.submit(SAM, form, {"mood": "pass", "words": "   "})
    assert "Thanks — passing is always fine" in outcome.reply
    (row,) = await _rows(db)
    assert row["passed"] is True and row["words"] is None


async def test_the_card_counts_each_answer_once_as_the_group_answers(chat: Chat) -> None:
    sent = await _sent(chat)
    (posted,) = [e for e in sent.effects if isinstance(e, PostToConversation)]
    question = card_text(posted.card).splitlines()[0]
    assert _count(await chat.press(SAM, sent.button("2 Low"))) == "Checked in: 1 of 3"
    assert _count(await chat.press(SAM, sent.button("5 Great"))) == "Checked in: 1 of 3"
    assert _count(await chat.press(PAT, sent.button("Pass"))) == "Checked in: 2 of 3"
    # Someone new pressing in the channel joins the group and is counted among its members.
    joined = await chat.press(person("Noor"), sent.button("3 Okay"))
    assert _count(joined) == "Checked in: 3 of 4"
    assert question in card_text(joined.updates[0].card)
    form = (await chat.press(PAT, sent.button("Add words"))).forms[0]
    changed = await chat.submit(PAT, form, {"mood": "4", "words": "", "visibility": "group"})
    assert _count(changed) == "Checked in: 3 of 4"


async def test_facilitators_answer_with_the_buttons_too(chat: Chat) -> None:
    sent = await _sent(chat)
    outcome = await chat.press(FAY, sent.button("4 Good"))
    assert "Good to have you here" in outcome.reply
    assert _count(outcome) == "Checked in: 1 of 3"


async def test_a_checkin_for_an_ended_meeting_is_closed_kindly(chat: Chat, db: Database) -> None:
    sent = await _sent(chat)
    form = (await chat.say(SAM, "checkin")).forms[0]
    async with db.write() as conn:
        await meetings.end(conn, (await _current(db)).id, chat.clock.now)
    for outcome in (
        await chat.press(SAM, sent.button("3 Okay")),
        await chat.press(SAM, sent.button("Add words")),
        await chat.submit(SAM, form, {"mood": "3"}),
    ):
        assert "That meeting has ended, so its check-in is closed" in outcome.reply
        assert not outcome.updates
    assert await _rows(db) == []
    assert "There's no check-in open right now" in (await chat.say(SAM, "checkin")).reply


async def test_words_sent_after_the_meeting_ended_are_handed_back(chat: Chat, db: Database) -> None:
    """Found by the property tests: the form's words were dropped with the kind refusal."""
    await _sent(chat)
    form = (await chat.say(SAM, "checkin")).forms[0]
    async with db.write() as conn:
        await meetings.end(conn, (await _current(db)).id, chat.clock.now)
    words = "I nearly did not come today because of the bus"
    outcome = await chat.submit(SAM, form, {"mood": "2", "words": words, "visibility": "group"})
    assert "That meeting has ended, so its check-in is closed" in outcome.reply
    assert words in outcome.reply
    assert await _rows(db) == []


@pytest.mark.parametrize("value", ["1|abc:3", "1|1:9", "1|1:²", "1|99999999999999999999:3", "1|"])
async def test_tampered_buttons_say_they_no_longer_work(
    chat: Chat, db: Database, value: str
) -> None:
    sent = await _sent(chat)
    button = sent.button("3 Okay")
    forged = type(button)(button.label, button.action, value)
    outcome = await chat.press(SAM, forged)
    assert "no longer works" in outcome.reply
    assert await _rows(db) == []


async def test_a_button_from_another_groups_meeting_is_refused(chat: Chat, db: Database) -> None:
    sent = await _sent(chat)
    async with db.write() as conn:
        other = await groups.create(
            conn,
            Where("console", "local", "C-other"),
            "Other",
            now=chat.clock.now,
            timezone="UTC",
            k=3,
        )
        elsewhere = await meetings.create(
            conn, other.id, chat.clock.now, None, status="open", source="x"
        )
    button = sent.button("3 Okay")
    forged = type(button)(button.label, button.action, f"1|{elsewhere.id}:3")
    assert "no longer works" in (await chat.press(SAM, forged)).reply


# -- visibility of words --------------------------------------------------------------------------


async def test_words_are_read_only_by_the_audience_they_were_meant_for(
    chat: Chat, db: Database
) -> None:
    await _sent(chat)
    for who, words, visibility in (
        (SAM, "for everyone", "group"),
        (PAT, "for facilitators", "facilitators"),
        (FAY, "for me", "nobody"),
    ):
        form = (await chat.say(who, "checkin")).forms[0]
        await chat.submit(who, form, {"mood": "3", "words": words, "visibility": visibility})
    meeting = await _current(db)
    async with db.read() as conn:
        group_words = await checkins.words_for(conn, meeting.id, audience="group")
        facilitator_words = await checkins.words_for(conn, meeting.id, audience="facilitators")
        moods = await checkins.moods(conn, meeting.id)
    assert group_words == [("Sam", "for everyone")]
    assert facilitator_words == [("Sam", "for everyone"), ("Pat", "for facilitators")]
    assert moods == {1: 0, 2: 0, 3: 3, 4: 0, 5: 0}
