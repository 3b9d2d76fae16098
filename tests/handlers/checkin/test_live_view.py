"""The facilitators' live check-in view, and check-in answers typed instead of pressed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.adapters.console.render import card_text
from bot.effects import MessageMember
from bot.identity import Who
from bot.store.database import Database
from bot.store.schema import checkin_watchers
from bot.store.schema import checkins as checkins_table
from tests.dialogue import Chat, Outcome, dm, person

FAY = person("Fay")  # facilitator
SAM = person("Sam")
PAT = person("Pat")
SIAN = person("Siân")


async def _group(chat: Chat) -> None:
    await chat.group_of(FAY, [(SAM, "lived-experience"), (PAT, "professional")])
    await chat.say(SIAN, "role lived-experience")


async def _watching(chat: Chat) -> Outcome:
    await _group(chat)
    await chat.say(FAY, "checkin")
    return await chat.say(FAY, "checkin live")


def _views(outcome: Outcome, who: Who) -> list[MessageMember]:
    return [m for m in outcome.messages if m.user_id == who.user_id and m.replace]


def _view_text(outcome: Outcome, who: Who = FAY) -> str:
    (view,) = _views(outcome, who)
    return card_text(view.card)


async def test_checkin_live_sends_the_view_privately_as_a_keyed_message(chat: Chat) -> None:
    outcome = await _watching(chat)
    assert "sent you the check-in as it stands, privately" in outcome.reply
    assert not outcome.posts and not outcome.updates
    (view,) = _views(outcome, FAY)
    assert view.key is not None and view.key.startswith("arrivals:")
    text = card_text(view.card)
    assert "Arrivals: Parents Forum" in text
    assert "Nobody has answered yet." in text
    assert "Checked in: 0 of 4" in text
    assert "Not answered yet: Fay, Pat, Sam, Siân." in text and "no need to chase" in text
    assert "not responded" not in text.lower()


async def test_arrivals_is_the_same_command(chat: Chat) -> None:
    await _group(chat)
    await chat.say(FAY, "checkin")
    outcome = await chat.say(FAY, "arrivals")
    assert _views(outcome, FAY)


async def test_each_answer_redraws_the_view_in_place(chat: Chat) -> None:
    first = await _watching(chat)
    (view,) = _views(first, FAY)
    answered = await chat.say(SAM, "checkin 1")
    (redrawn,) = _views(answered, FAY)
    assert redrawn.key == view.key
    text = card_text(redrawn.card)
    assert "• Sam: 1 Struggling" in text
    assert "Checked in: 1 of 4" in text
    assert "Not answered yet: Fay, Pat, Siân." in text
    assert not _views(answered, SAM)  # members never get the view


async def test_passing_is_shown_as_passed(chat: Chat) -> None:
    await _watching(chat)
    text = _view_text(await chat.say(PAT, "checkin pass"))
    assert "• Pat: passed" in text
    assert "Checked in: 1 of 4" in text


async def test_words_for_facilitators_and_the_group_are_shown_and_nobodys_never(
    chat: Chat,
) -> None:
    await _watching(chat)
    await chat.say(SAM, "checkin 2 facilitators: A long night with my son", where=dm(SAM))
    await chat.say(PAT, "checkin 4 group: Glad to be here")
    text = _view_text(await chat.say(SIAN, "checkin 3 nobody: Just for me, this"))
    assert "• Sam: 2 Low — “A long night with my son” (for facilitators only)" in text
    assert "• Pat: 4 Good — “Glad to be here” (shared with the group)" in text
    assert "• Siân: 3 Okay" in text
    assert "Just for me" not in text
    lines = text.splitlines()
    order = [next(i for i, line in enumerate(lines) if name in line) for name in ("Sam", "Pat")]
    assert order == sorted(order)  # in the order they arrived


async def test_the_form_and_buttons_redraw_the_view_too(chat: Chat) -> None:
    await _group(chat)
    sent = await chat.say(FAY, "checkin")
    await chat.say(FAY, "checkin live")
    pressed = await chat.press(SAM, sent.button("5 Great"))
    assert "• Sam: 5 Great" in _view_text(pressed)
    form = (await chat.say(PAT, "checkin")).forms[0]
    filled = await chat.submit(PAT, form, {"mood": "pass", "words": "", "visibility": ""})
    assert "• Pat: passed" in _view_text(filled)


async def test_only_facilitators_can_watch(chat: Chat, db: Database) -> None:
    await _group(chat)
    await chat.say(FAY, "checkin")
    for line in ("checkin live", "arrivals"):
        outcome = await chat.say(SAM, line)
        assert "Only facilitators can" in outcome.reply, outcome.reply
        assert "You could ask Fay in Parents Forum" in outcome.reply
        assert not outcome.messages
    async with db.read() as conn:
        assert (await conn.execute(select(checkin_watchers))).first() is None


async def test_nothing_to_watch_before_the_checkin_goes_out(chat: Chat) -> None:
    await _group(chat)
    outcome = await chat.say(FAY, "checkin live")
    assert "no check-in open right now" in outcome.reply
    assert not outcome.messages


async def test_someone_who_stops_facilitating_stops_getting_the_view(chat: Chat) -> None:
    await _watching(chat)
    await chat.say(FAY, "facilitator Sam")
    await chat.say(SAM, "checkin live")
    both = await chat.say(PAT, "checkin 3")
    assert _views(both, FAY) and _views(both, SAM)
    await chat.say(FAY, "facilitator remove Sam")
    after = await chat.say(SIAN, "checkin 4")
    assert _views(after, FAY) and not _views(after, SAM)


async def test_asking_again_starts_a_fresh_view(chat: Chat) -> None:
    first = await _watching(chat)
    chat.clock.advance(minutes=5)
    again = await chat.say(FAY, "checkin live")
    (old,), (new,) = _views(first, FAY), _views(again, FAY)
    assert old.key != new.key
    (redrawn,) = _views(await chat.say(SAM, "checkin 3"), FAY)
    assert redrawn.key == new.key


async def test_forget_me_removes_the_watch(chat: Chat, db: Database) -> None:
    await _watching(chat)
    await chat.say(FAY, "facilitator Sam")
    await chat.say(SAM, "checkin live")
    await chat.say(SAM, "forget-me yes")
    async with db.read() as conn:
        rows = (await conn.execute(select(checkin_watchers))).all()
    assert len(rows) == 1


# -- typed answers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "mood", "passed"),
    [("checkin 4", 4, False), ("checkin pass", None, True), ("checkin Struggling", 1, False)],
)
async def test_a_typed_answer_is_stored_like_a_button(
    chat: Chat, db: Database, line: str, mood: int | None, passed: bool
) -> None:
    await _group(chat)
    await chat.say(FAY, "checkin")
    outcome = await chat.say(SAM, line)
    assert "Thank" in outcome.reply
    (update,) = outcome.updates
    assert "Checked in: 1 of 4" in card_text(update.card)
    async with db.read() as conn:
        (row,) = (await conn.execute(select(checkins_table))).mappings().all()
    assert (row["mood"], row["passed"]) == (mood, passed)


async def test_typed_words_keep_who_may_read_them(chat: Chat, db: Database) -> None:
    await _group(chat)
    await chat.say(FAY, "checkin")
    outcome = await chat.say(SAM, "checkin 2 Facilitators: rough night: no sleep")
    assert "Only the facilitators will see your words." in outcome.reply
    async with db.read() as conn:
        (row,) = (await conn.execute(select(checkins_table))).mappings().all()
    assert (row["mood"], row["words"], row["visibility"]) == (
        2,
        "rough night: no sleep",
        "facilitators",
    )


@pytest.mark.parametrize(
    ("line", "phrase"),
    [
        ("checkin 7", "I didn't understand “7”"),
        ("checkin maybe", "Type `checkin 1` to `checkin 5`"),
        ("checkin 2 a rough night", "Who may read your words?"),
        ("checkin 2 facilitators:", "Who may read your words?"),
    ],
)
async def test_typed_answer_mistakes_store_nothing_and_say_what_works(
    chat: Chat, db: Database, line: str, phrase: str
) -> None:
    await _group(chat)
    await chat.say(FAY, "checkin")
    outcome = await chat.say(SAM, line)
    assert phrase in outcome.reply
    async with db.read() as conn:
        assert (await conn.execute(select(checkins_table))).first() is None


async def test_words_the_author_did_not_name_a_reader_for_are_handed_back(chat: Chat) -> None:
    await _group(chat)
    await chat.say(FAY, "checkin")
    outcome = await chat.say(SAM, "checkin 2 a rough night with no sleep")
    assert "a rough night with no sleep" in outcome.text()


async def test_a_typed_answer_with_no_checkin_open_is_explained(chat: Chat) -> None:
    await _group(chat)
    outcome = await chat.say(SAM, "checkin 3 group: Hello all")
    assert "There's no check-in open right now" in outcome.reply
    assert "Hello all" in outcome.text()


async def test_private_words_typed_where_others_read_are_refused(chat: Chat, db: Database) -> None:
    from bot.events import Command

    await _group(chat)
    await chat.say(FAY, "checkin")
    seen = Command(SAM, chat.where, "checkin 2 facilitators: rough night", seen_by_others=True)
    effects = await chat.core.handle(seen)
    text = "\n".join(card_text(e.card) for e in effects if hasattr(e, "card"))
    assert "everyone in the channel can already read them" in text
    assert "rough night" in text
    async with db.read() as conn:
        assert (await conn.execute(select(checkins_table))).first() is None


async def test_a_typed_answer_after_the_meeting_is_closed_kindly(chat: Chat) -> None:
    await _group(chat)
    await chat.say(FAY, "checkin")
    await chat.say(FAY, "meeting end")
    outcome = await chat.say(SAM, "checkin 3")
    assert "no check-in open" in outcome.reply
