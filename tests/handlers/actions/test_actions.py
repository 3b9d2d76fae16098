"""Decisions and actions, through the core: noting them, the owner's private yes or no, marking
done, reassigning and dropping, the list, and every mistake answered plainly with the words kept.

The clock starts on Tuesday 3 March 2026, 09:00 in London (GMT, so UTC too)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot import limits
from bot.cards import Button
from bot.handlers.actions.cards import DONE
from bot.routing import encode
from bot.store.schema import actions, decisions
from tests.dialogue import Chat, Outcome, count, dm, person

FAY = person("Fay")  # facilitator
SAM = person("Sam")
PAT = person("Pat")
LEE = person("Lee")


async def forum(chat: Chat) -> None:
    await chat.group_of(
        FAY, [(SAM, "lived-experience"), (PAT, "professional"), (LEE, "lived-experience")]
    )


async def action_rows(chat: Chat) -> list[dict[str, object]]:
    async with chat.core.db.read() as conn:
        found = await conn.execute(select(actions).order_by(actions.c.number))
        return [dict(row._mapping) for row in found]


async def noted(
    chat: Chat, text: str = "action Write to the council @Sam by next tuesday"
) -> Outcome:
    await forum(chat)
    return await chat.say(FAY, text)


# -- decisions ------------------------------------------------------------------------------------


async def test_a_decision_is_numbered_named_and_told_to_the_channel(chat: Chat) -> None:
    await forum(chat)
    said = await chat.say(SAM, "decision We'll meet at the library from May")
    assert "Noted decision #1. It's kept in the group's record" in said.reply
    [post] = said.posts
    assert "Decision #1" in post and "We'll meet at the library from May" in post
    assert "Noted by Sam" in post
    again = await chat.say(PAT, "decided Papers go out a week before")
    assert "decision #2" in again.reply


async def test_a_decision_needs_words_and_keeps_them_when_too_long(chat: Chat) -> None:
    await forum(chat)
    empty = await chat.say(SAM, "decision")
    assert "Please write the decision" in empty.reply
    long_words = "word " * (limits.DECISION // 4)
    refused = await chat.say(SAM, f"decision {long_words}")
    assert "too long" in refused.reply and "Your text" in refused.reply
    assert await count(chat.core.db, decisions) == 0


async def test_a_decision_belongs_to_the_meeting_under_way(chat: Chat) -> None:
    await forum(chat)
    await chat.say(FAY, "meeting start")
    during = await chat.say(SAM, "decision Try the new room")
    assert "It will be in the meeting's summary" in during.reply
    chat.clock.advance(hours=1)
    await chat.say(FAY, "meeting end")
    after = await chat.say(SAM, "decision Ask the school too")
    assert "It's kept with the meeting on Tuesday 3 March" in after.reply
    async with chat.core.db.read() as conn:
        found = (await conn.execute(select(decisions.c.meeting_id))).scalars().all()
    assert found[0] is not None and found[0] == found[1]


# -- noting an action -----------------------------------------------------------------------------


async def test_the_owner_is_asked_privately_and_the_channel_is_told(chat: Chat) -> None:
    said = await noted(chat)
    assert "Noted action #1" in said.reply and "asked Sam privately" in said.reply
    assert "reminder the day before" in said.reply
    [post] = said.posts
    assert "#1 Write to the council · Sam · by Tuesday 10 March" in post
    assert "waiting for Sam to say yes" in post
    [asked] = said.messages_to(SAM)
    assert "Fay noted an action for you" in asked and "Tuesday 10 March" in asked
    assert "action 1 accept" in asked
    assert said.button("Accept") and said.button("Not me")
    [row] = await action_rows(chat)
    assert row["due_on"] == date(2026, 3, 10) and row["accepted_at"] is None


async def test_an_action_for_yourself_is_accepted_at_once(chat: Chat) -> None:
    said = await noted(chat, "action Book the room @Fay by 2026-03-20")
    assert "Noted action #1, yours. You'll get a reminder the day before" in said.reply
    assert said.messages == []
    [row] = await action_rows(chat)
    assert row["accepted_at"] is not None


async def test_owner_by_mention_named_first_and_no_day(chat: Chat) -> None:
    await forum(chat)
    by_id = await chat.say(FAY, f"action Ring the school <@{PAT.user_id}>")
    assert "asked Pat privately" in by_id.reply
    first = await chat.say(FAY, "action @lee bring the biscuits by friday")
    assert "asked Lee privately" in first.reply
    rows = await action_rows(chat)
    assert [r["text"] for r in rows] == ["Ring the school", "bring the biscuits"]
    assert rows[0]["due_on"] is None and rows[1]["due_on"] == date(2026, 3, 6)


async def test_dates_as_people_write_them(chat: Chat) -> None:
    await forum(chat)
    await chat.say(FAY, "action Send the papers @Sam by 25 Dec")
    await chat.say(FAY, "action Ask about parking @Sam by tomorrow")
    rows = await action_rows(chat)
    assert [r["due_on"] for r in rows] == [date(2026, 12, 25), date(2026, 3, 4)]


async def test_no_owner_is_answered_with_how_to_name_one(chat: Chat) -> None:
    await forum(chat)
    said = await chat.say(FAY, "action Write to the council by friday")
    assert "Please say who will do it, with @" in said.reply
    assert "Write to the council by friday" in said.reply  # their words handed back
    nothing = await chat.say(FAY, "action")
    assert "Please say what needs doing" in nothing.reply
    assert await count(chat.core.db, actions) == 0


async def test_an_unknown_owner_is_answered_with_how_to_name_them(chat: Chat) -> None:
    await forum(chat)
    said = await chat.say(FAY, "action Write to the council @Zed")
    assert "I can't find “Zed”" in said.reply and "role" in said.reply
    by_id = await chat.say(FAY, "action Write to the council <@U-nobody>")
    assert "I can't find that person" in by_id.reply
    assert await count(chat.core.db, actions) == 0


async def test_two_people_with_one_name_are_asked_about(chat: Chat) -> None:
    await forum(chat)
    other_sam = person("Sam")
    other_sam = type(other_sam)(other_sam.platform, other_sam.workspace, "U-sam-2", "Sam")
    await chat.say(other_sam, "role professional")
    said = await chat.say(FAY, "action Write to the council @Sam by friday")
    assert "2 people in Parents Forum go by that name" in said.reply
    assert await count(chat.core.db, actions) == 0
    buttons = [b for card in said.cards() for b in card.buttons]
    assert len(buttons) == 2
    picked = await chat.press(FAY, buttons[1])
    assert "Noted action #1" in picked.reply
    assert picked.messages_to(other_sam) and not picked.messages_to(SAM)
    stale = await chat.press(FAY, buttons[0])
    assert "expired" in stale.reply
    assert await count(chat.core.db, actions) == 1


async def test_the_one_meant_is_picked_by_typing_their_number(chat: Chat) -> None:
    await forum(chat)
    other_sam = type(SAM)(SAM.platform, SAM.workspace, "U-sam-2", "Sam")
    await chat.say(other_sam, "role professional")
    nothing = await chat.say(FAY, "action pick 1")
    assert "There's no question about who you meant waiting just now" in nothing.reply
    said = await chat.say(FAY, "action Write to the council @Sam by friday")
    assert "Type `action pick` and their number" in said.reply
    typed = [b.typed for card in said.cards() for b in card.buttons]
    assert typed == ["action pick 1", "action pick 2"]
    assert "from 1 to 2" in (await chat.say(FAY, "action pick 3")).reply
    not_pats = await chat.say(PAT, "action pick 2")  # the question is Fay's, not Pat's
    assert "no question about who you meant" in not_pats.reply
    assert await count(chat.core.db, actions) == 0
    picked = await chat.say(FAY, "action pick 2")
    assert "Noted action #1" in picked.reply
    assert picked.messages_to(other_sam) and not picked.messages_to(SAM)
    (row,) = await action_rows(chat)
    assert row["due_on"] == date(2026, 3, 6)
    again = await chat.say(FAY, "action pick 2")
    assert "no question about who you meant" in again.reply
    assert await count(chat.core.db, actions) == 1
    assert "action pick <number>" in (await chat.say(SAM, "help")).text()


async def test_bad_and_past_days_are_refused_plainly(chat: Chat) -> None:
    await forum(chat)
    bad = await chat.say(FAY, "action Write to the council @Sam by someday")
    assert "couldn't read “someday” as a day" in bad.reply
    assert "Your text:\naction Write to the council @\u2060Sam by someday" in bad.reply
    past = await chat.say(FAY, "action Write to the council @Sam by 2026-03-01")
    assert "Sunday 1 March has already gone by" in past.reply
    empty = await chat.say(FAY, "action Write to the council @Sam by")
    assert "Please say which day" in empty.reply
    stray = await chat.say(FAY, f"action Write to <@{SAM.user_id}> and ask about it")
    assert "Please put the person last" in stray.reply
    assert await count(chat.core.db, actions) == 0


async def test_action_text_too_long_is_handed_back(chat: Chat) -> None:
    await forum(chat)
    words = "x" * (limits.ACTION + 1)
    said = await chat.say(FAY, f"action {words} @Sam")
    assert "too long" in said.reply and words in said.reply
    assert await count(chat.core.db, actions) == 0


async def test_someone_not_in_a_group_is_told_so(chat: Chat) -> None:
    await forum(chat)
    stranger = person("Stranger")
    said = await chat.say(stranger, "action Write the letter @Sam", where=dm(stranger))
    assert "not in a co-production group yet" in said.reply
    assert await count(chat.core.db, actions) == 0


# -- the owner's answer ---------------------------------------------------------------------------


async def test_accept_by_button_tells_whoever_noted_it(chat: Chat) -> None:
    said = await noted(chat)
    answered = await chat.press(SAM, said.button("Accept"), where=dm(SAM))
    assert "action #1 is yours" in answered.reply
    assert "reminder" in answered.reply
    [told] = answered.messages_to(FAY)
    assert "Sam said yes to action #1" in told
    again = await chat.say(SAM, "action 1 accept", where=dm(SAM))
    assert "already said yes" in again.reply


async def test_only_the_owner_may_accept_or_decline(chat: Chat) -> None:
    said = await noted(chat)
    other = await chat.press(PAT, said.button("Accept"))
    assert "only they can accept it" in other.reply
    typed = await chat.say(PAT, "action 1 decline")
    assert "only they can decline it" in typed.reply
    [row] = await action_rows(chat)
    assert row["accepted_at"] is None


async def test_not_me_with_a_reason_leaves_it_unassigned_and_tells_the_recorder(
    chat: Chat,
) -> None:
    said = await noted(chat)
    form_shown = await chat.press(SAM, said.button("Not me"), where=dm(SAM))
    [form] = form_shown.forms
    answered = await chat.submit(SAM, form, {"reason": "I'm away that week"}, where=dm(SAM))
    assert "no longer yours" in answered.reply and "Fay" in answered.reply
    [told] = answered.messages_to(FAY)
    assert "Sam said “not me” to action #1" in told and "I'm away that week" in told
    assert "action 1 reassign @name" in told
    listed = await chat.say(PAT, "actions")
    assert "#1 Write to the council · unassigned" in listed.reply


async def test_typed_decline_and_not_me(chat: Chat) -> None:
    await noted(chat)
    declined = await chat.say(SAM, "action 1 not me, sorry", where=dm(SAM))
    assert "no longer yours" in declined.reply
    [row] = await action_rows(chat)
    assert row["owner_id"] is None


async def test_a_decline_reason_too_long_is_refused_in_the_form(chat: Chat) -> None:
    said = await noted(chat)
    [form] = (await chat.press(SAM, said.button("Not me"), where=dm(SAM))).forms
    refused = await chat.submit(SAM, form, {"reason": "x" * (limits.ACTION_NOTE + 1)})
    assert "reason" in refused.form_errors
    [row] = await action_rows(chat)
    assert row["owner_id"] is not None


# -- done, reassign, drop -------------------------------------------------------------------------


async def test_the_owner_marks_it_done_with_a_note(chat: Chat) -> None:
    await noted(chat)
    await chat.say(SAM, "action 1 accept", where=dm(SAM))
    done = await chat.say(SAM, "action 1 done Sent it on Monday", where=dm(SAM))
    assert "Marked action #1 done" in done.reply
    [post] = done.posts
    assert "done by Sam: “Sent it on Monday”" in post
    listed = await chat.say(PAT, "actions")
    assert "Done lately" in listed.reply and "Sent it on Monday" in listed.reply
    again = await chat.say(SAM, "action 1 done")
    assert "already done" in again.reply


async def test_someone_else_may_not_mark_it_done_but_a_facilitator_may(chat: Chat) -> None:
    await noted(chat)
    refused = await chat.say(PAT, "action 1 done it's sorted")
    assert "Only Sam or a facilitator can mark action #1 done" in refused.reply
    assert "it's sorted" in refused.reply
    done = await chat.say(FAY, "action 1 done")
    assert "Marked action #1 done" in done.reply


async def test_done_by_the_reminder_button_and_its_form(chat: Chat) -> None:
    said = await noted(chat, "action Book the room @Sam by 2026-03-05")
    await chat.press(SAM, said.button("Accept"), where=dm(SAM))
    rows = await action_rows(chat)
    done_button = Button("Done", DONE, encode(1, str(rows[0]["id"])))
    [form] = (await chat.press(SAM, done_button, where=dm(SAM))).forms
    finished = await chat.submit(SAM, form, {"note": "Booked"}, where=dm(SAM))
    assert "Marked action #1 done" in finished.reply


async def test_an_unknown_action_number_and_typos(chat: Chat) -> None:
    await noted(chat)
    unknown = await chat.say(SAM, "action 9 done")
    assert "There's no action #9" in unknown.reply and "`actions`" in unknown.reply
    typo = await chat.say(SAM, "action 1 acept")
    assert "Did you mean `action 1 accept`?" in typo.reply
    bare = await chat.say(SAM, "action 1")
    assert "Please say what to do with action 1" in bare.reply
    listing = await chat.say(SAM, "actoins")
    assert "Did you mean `actions`?" in listing.reply


async def test_a_facilitator_reassigns_and_the_old_owner_is_told(chat: Chat) -> None:
    await noted(chat)
    refused = await chat.say(PAT, "action 1 reassign @Lee")
    assert "Only a facilitator, or whoever noted action #1" in refused.reply
    moved = await chat.say(FAY, "action 1 reassign @Lee")
    assert "asked Lee privately" in moved.reply
    assert any("now with Lee" in text for text in moved.messages_to(SAM))
    assert moved.messages_to(LEE)
    no_one = await chat.say(FAY, "action 1 reassign")
    assert "Please say who" in no_one.reply


async def test_a_facilitator_drops_an_action_and_the_owner_is_told(chat: Chat) -> None:
    await noted(chat)
    refused = await chat.say(LEE, "action 1 drop")
    assert "Only a facilitator" in refused.reply
    dropped = await chat.say(FAY, "action 1 drop")
    assert "Dropped action #1" in dropped.reply
    assert any("nothing more to do" in text for text in dropped.messages_to(SAM))
    listed = await chat.say(SAM, "actions")
    assert "no open actions" in listed.reply


async def test_the_list_says_not_done_yet_and_never_late(chat: Chat) -> None:
    await noted(chat, "action Write to the council @Sam by thursday")
    chat.clock.advance(days=3)
    listed = await chat.say(PAT, "actions")
    assert "by Thursday 5 March (not done yet)" in listed.reply
    assert "late" not in listed.reply.lower() and "overdue" not in listed.reply.lower()


async def test_the_list_when_there_is_nothing(chat: Chat) -> None:
    await forum(chat)
    listed = await chat.say(SAM, "actions")
    assert "There are no open actions in Parents Forum" in listed.reply


async def test_help_shows_the_commands(chat: Chat) -> None:
    await forum(chat)
    member = (await chat.say(SAM, "help")).reply
    assert "`decision <what the group decided>`" in member
    assert "`action <what> @who [by <day>]`" in member
    assert "`actions`" in member and "accept|decline|done" in member
    assert "reassign" not in member
    assert "reassign @who|drop" in (await chat.say(FAY, "help")).reply


async def test_pings_and_markup_in_the_words_are_made_safe(chat: Chat) -> None:
    await forum(chat)
    said = await chat.say(FAY, "action Tell *everyone* @here about it @Sam")
    [post] = said.posts
    assert "*everyone*" not in post and "@here" not in post


async def test_a_typed_reason_or_note_too_long_is_handed_back_and_changes_nothing(
    chat: Chat,
) -> None:
    await noted(chat)
    long_words = "y" * (limits.ACTION_NOTE + 1)
    declined = await chat.say(SAM, f"action 1 decline {long_words}", where=dm(SAM))
    assert "too long" in declined.reply and long_words in declined.reply
    done = await chat.say(SAM, f"action 1 done {long_words}", where=dm(SAM))
    assert "too long" in done.reply and long_words in done.reply
    [row] = await action_rows(chat)
    assert row["owner_id"] is not None and row["status"] == "open"
