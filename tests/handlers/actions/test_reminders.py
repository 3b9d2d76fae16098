"""The owner's reminder before an action's day, sent by the clock's minute sweep: on time on the
group's wall clock (across the clocks changing), after quiet hours, never with `nudges off`, and
once however many clocks sweep."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.effects import Effect, MessageMember
from bot.handlers.actions.reminders import send_due_reminders
from bot.scheduling.clock import MeetingClock
from bot.scheduling.sweeps import minute_sweeps
from tests.dialogue import Chat, Outcome, dm
from tests.handlers.actions.test_actions import FAY, PAT, SAM, forum
from tests.scheduling.test_clock import Recorder


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


async def sweep(chat: Chat, when: str) -> Outcome:
    chat.clock.set(utc(when))
    return Outcome(await chat.core.run_job(minute_sweeps))


async def accepted_action(chat: Chat, due: str, *, at: str = "2026-03-03T09:00") -> None:
    chat.clock.set(utc(at))
    await forum(chat)
    said = await chat.say(FAY, f"action Write to the council @Sam by {due}")
    assert "Noted action #1" in said.reply
    await chat.press(SAM, said.button("Accept"), where=dm(SAM))


def reminders(outcome: Outcome) -> list[str]:
    return [text for text in outcome.messages_to(SAM) if "A reminder: action #1" in text]


async def test_the_reminder_comes_the_day_before_at_ten_local_time_once(chat: Chat) -> None:
    await accepted_action(chat, "2026-03-05")
    assert reminders(await sweep(chat, "2026-03-04T09:59")) == []
    due = await sweep(chat, "2026-03-04T10:00")
    [text] = reminders(due)
    assert "Write to the council" in text and "due tomorrow, Thursday 5 March" in text
    assert "action 1 done" in text and "nudges off" in text
    assert due.button("Done") and due.button("Not me")
    assert "late" not in text.lower()
    assert reminders(await sweep(chat, "2026-03-04T10:01")) == []
    assert reminders(await sweep(chat, "2026-03-04T16:00")) == []


async def test_the_done_button_on_the_reminder_marks_it_done(chat: Chat) -> None:
    await accepted_action(chat, "2026-03-05")
    due = await sweep(chat, "2026-03-04T10:00")
    [form] = (await chat.press(SAM, due.button("Done"), where=dm(SAM))).forms
    done = await chat.submit(SAM, form, {"note": "Posted it"}, where=dm(SAM))
    assert "Marked action #1 done" in done.reply


async def test_two_clocks_sweeping_at_once_send_one_reminder(chat: Chat) -> None:
    await accepted_action(chat, "2026-03-05")
    chat.clock.set(utc("2026-03-04T10:00"))
    both = await asyncio.gather(
        chat.core.run_job(send_due_reminders), chat.core.run_job(send_due_reminders)
    )
    sent: list[Effect] = [e for effects in both for e in effects]
    assert len([e for e in sent if isinstance(e, MessageMember)]) == 1


async def test_quiet_hours_hold_the_reminder_until_they_end(chat: Chat) -> None:
    await accepted_action(chat, "2026-03-05")
    await chat.say(FAY, "quiet-hours 09:00-12:30")
    assert reminders(await sweep(chat, "2026-03-04T10:00")) == []
    assert reminders(await sweep(chat, "2026-03-04T12:29")) == []
    assert len(reminders(await sweep(chat, "2026-03-04T12:30"))) == 1


async def test_nudges_off_means_no_reminder_even_when_turned_on_again(chat: Chat) -> None:
    await accepted_action(chat, "2026-03-05")
    await chat.say(SAM, "nudges off")
    assert reminders(await sweep(chat, "2026-03-04T10:00")) == []
    await chat.say(SAM, "nudges on")
    assert reminders(await sweep(chat, "2026-03-04T10:05")) == []


async def test_no_reminder_for_an_action_noted_after_its_moment_or_with_no_day(
    chat: Chat,
) -> None:
    chat.clock.set(utc("2026-03-03T15:00"))
    await forum(chat)
    await chat.say(FAY, "action Ring the school @Sam by tomorrow")
    await chat.say(FAY, "action Ring the council @Sam")
    for when in ("2026-03-03T15:01", "2026-03-04T10:00", "2026-03-05T10:00"):
        assert (await sweep(chat, when)).messages == []


async def test_a_reminder_missed_until_the_day_has_gone_is_not_sent(chat: Chat) -> None:
    await accepted_action(chat, "2026-03-05")
    assert (await sweep(chat, "2026-03-06T10:00")).messages == []


async def test_an_owner_still_to_answer_is_reminded_and_a_declined_one_is_not(
    chat: Chat,
) -> None:
    await forum(chat)
    await chat.say(FAY, "action Write to the council @Sam by thursday")
    await chat.say(FAY, "action Book the room @Pat by thursday")
    await chat.say(PAT, "action 2 decline")
    due = await sweep(chat, "2026-03-04T10:00")
    assert len(reminders(due)) == 1
    assert due.messages_to(PAT) == []


async def test_across_the_spring_change_it_comes_at_ten_on_the_new_clock(chat: Chat) -> None:
    """London moves to BST at 01:00 UTC on Sunday 29 March 2026: ten o'clock is 09:00 UTC."""
    await accepted_action(chat, "2026-03-30", at="2026-03-27T09:00")
    assert reminders(await sweep(chat, "2026-03-29T08:59")) == []
    assert len(reminders(await sweep(chat, "2026-03-29T09:00"))) == 1


async def test_across_the_autumn_change_it_comes_at_ten_on_the_new_clock(chat: Chat) -> None:
    """London returns to GMT at 01:00 UTC on Sunday 25 October 2026: ten o'clock is 10:00 UTC
    (09:00 UTC, ten o'clock the day before, must not count)."""
    await accepted_action(chat, "2026-10-26", at="2026-10-22T09:00")
    assert reminders(await sweep(chat, "2026-10-25T09:00")) == []
    assert reminders(await sweep(chat, "2026-10-25T09:59")) == []
    assert len(reminders(await sweep(chat, "2026-10-25T10:00"))) == 1


async def test_the_meeting_clock_runs_the_reminder_sweep(chat: Chat) -> None:
    await accepted_action(chat, "2026-03-05")
    recorder = Recorder()
    clock = MeetingClock(chat.core, recorder)
    chat.clock.set(utc("2026-03-04T10:00"))
    await clock.tick(utc("2026-03-04T10:00"))
    assert reminded(recorder) == [SAM.user_id]
    await clock.tick(utc("2026-03-04T10:01"))
    assert reminded(recorder) == [SAM.user_id]


def reminded(recorder: Recorder) -> list[str]:
    """Who the clock delivered a reminder to (the outbox also holds the earlier messages)."""
    return [
        e.user_id
        for e in recorder.effects
        if isinstance(e, MessageMember) and e.card.title.startswith("A reminder")
    ]


async def test_in_quiet_hours_the_owner_is_asked_once_they_end(chat: Chat) -> None:
    await forum(chat)
    await chat.say(FAY, "quiet-hours 21:00-08:00")
    chat.clock.set(utc("2026-03-03T22:00"))
    said = await chat.say(FAY, "action Write to the council @Sam by next tuesday")
    assert "quiet hours (21:00 to 08:00" in said.reply and "once they end" in said.reply
    assert said.messages == []
    assert (await sweep(chat, "2026-03-04T07:59")).messages == []
    asked = await sweep(chat, "2026-03-04T08:00")
    [question] = asked.messages_to(SAM)
    assert "Fay noted an action for you" in question
    assert asked.button("Accept")
    assert (await sweep(chat, "2026-03-04T08:01")).messages == []
    answered = await chat.press(SAM, asked.button("Accept"), where=dm(SAM))
    assert "action #1 is yours" in answered.reply


async def test_a_reassignment_in_quiet_hours_is_asked_once_they_end(chat: Chat) -> None:
    await forum(chat)
    await chat.say(FAY, "action Write to the council @Sam")
    await chat.say(FAY, "quiet-hours 21:00-08:00")
    chat.clock.set(utc("2026-03-03T23:00"))
    moved = await chat.say(FAY, "action 1 reassign @Pat")
    assert "with Pat now" in moved.reply and moved.messages_to(PAT) == []
    assert len((await sweep(chat, "2026-03-04T08:00")).messages_to(PAT)) == 1


async def test_someone_given_an_action_after_its_reminder_time_only_gets_the_question(
    chat: Chat,
) -> None:
    await accepted_action(chat, "2026-03-05")
    chat.clock.set(utc("2026-03-04T15:00"))
    moved = await chat.say(FAY, "action 1 reassign @Pat")
    assert moved.messages_to(PAT)
    assert (await sweep(chat, "2026-03-04T15:01")).messages_to(PAT) == []
