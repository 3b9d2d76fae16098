"""`access prefer earlier-reminders` does what it says: the owner's action reminder comes two days
before the due day instead of one, and the day before each scheduled meeting a short note says
when it starts. Quiet hours, `nudges off` and "once, whatever the clocks" hold as for every
reminder. The clock starts on Tuesday 3 March 2026, 09:00 in London (GMT, so UTC too)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.effects import Effect, MessageMember
from bot.handlers.nudges.meeting_ahead import send_meeting_ahead_notes
from bot.scheduling.sweeps import minute_sweeps
from tests.dialogue import Chat, Outcome, dm, person

FAY, SAM, PAT = person("Fay"), person("Sam"), person("Pat")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


async def sweep(chat: Chat, when: str) -> Outcome:
    chat.clock.set(utc(when))
    return Outcome(await chat.core.run_job(minute_sweeps))


async def forum(chat: Chat, at: str = "2026-03-03T09:00") -> None:
    chat.clock.set(utc(at))
    await chat.group_of(FAY, [(SAM, "lived-experience"), (PAT, "professional")])
    said = await chat.say(SAM, "access prefer earlier-reminders", where=dm(SAM))
    assert "comes two days before it's due instead of one" in said.reply


async def taken_on(chat: Chat, who: str, due: str) -> str:
    said = await chat.say(FAY, f"action Write to the council @{who} by {due}")
    owner = SAM if who == "Sam" else PAT
    accepted = await chat.press(owner, said.button("Accept"), where=dm(owner))
    return accepted.reply


def reminded(outcome: Outcome, who: object) -> list[str]:
    return [t for t in outcome.messages_to(who) if "A reminder: action" in t]  # type: ignore[arg-type]


async def test_access_says_what_earlier_means(chat: Chat) -> None:
    await forum(chat)
    shown = (await chat.say(SAM, "access", where=dm(SAM))).reply
    assert "earlier reminders (actions two days before they're due, meetings the day before)" in (
        shown
    )


async def test_the_action_reminder_comes_two_days_before_once(chat: Chat) -> None:
    await forum(chat)
    said = await taken_on(chat, "Sam", "2026-03-06")
    assert "You'll get a reminder two days before it's due" in said
    noted_for_pat = await chat.say(FAY, "action Book the room @Pat by 2026-03-06")
    assert "The owner gets a reminder the day before" in noted_for_pat.reply  # Pat's own pace
    assert reminded(await sweep(chat, "2026-03-04T09:59"), SAM) == []
    [text] = reminded(await sweep(chat, "2026-03-04T10:00"), SAM)
    assert "It's due Friday 6 March." in text
    assert reminded(await sweep(chat, "2026-03-04T10:01"), SAM) == []
    later = await sweep(chat, "2026-03-05T10:00")
    assert reminded(later, SAM) == []


async def test_what_the_noter_is_told_never_shows_the_owners_preference(chat: Chat) -> None:
    await forum(chat)
    said = await chat.say(FAY, "action Write to the council @Sam by 2026-03-06")
    assert "The owner gets a reminder the day before it's due" in said.reply
    assert "two days" not in said.reply


async def test_asked_after_the_early_moment_it_comes_at_the_usual_time(chat: Chat) -> None:
    await forum(chat, at="2026-03-04T12:00")
    await taken_on(chat, "Sam", "2026-03-06")
    assert reminded(await sweep(chat, "2026-03-04T12:01"), SAM) == []
    assert len(reminded(await sweep(chat, "2026-03-05T10:00"), SAM)) == 1


async def test_quiet_hours_and_nudges_off_still_apply(chat: Chat) -> None:
    await forum(chat)
    await taken_on(chat, "Sam", "2026-03-06")
    await chat.say(FAY, "quiet-hours 09:00-12:30")
    assert reminded(await sweep(chat, "2026-03-04T10:00"), SAM) == []
    assert len(reminded(await sweep(chat, "2026-03-04T12:30"), SAM)) == 1
    await chat.say(FAY, "action Ring the school @Sam by 2026-03-09")
    await chat.say(SAM, "action 3 accept", where=dm(SAM))
    await chat.say(SAM, "nudges off", where=dm(SAM))
    for when in ("2026-03-07T12:30", "2026-03-08T12:30"):
        assert reminded(await sweep(chat, when), SAM) == []


async def test_two_clocks_send_one_early_reminder(chat: Chat) -> None:
    await forum(chat)
    await taken_on(chat, "Sam", "2026-03-06")
    chat.clock.set(utc("2026-03-04T10:00"))
    both = await asyncio.gather(chat.core.run_job(minute_sweeps), chat.core.run_job(minute_sweeps))
    sent: list[Effect] = [e for effects in both for e in effects]
    assert len([e for e in sent if isinstance(e, MessageMember)]) == 1


# -- the day before a meeting ---------------------------------------------------------------------


def notes(outcome: Outcome, who: object) -> list[str]:
    return [t for t in outcome.messages_to(who) if "a day early as you asked" in t]  # type: ignore[arg-type]


async def test_the_day_before_a_scheduled_meeting_a_note_comes_once(chat: Chat) -> None:
    await forum(chat)
    await chat.say(FAY, "schedule weekly thu 18:00 90m")  # next: Thursday 5 March
    assert notes(await sweep(chat, "2026-03-04T09:59"), SAM) == []
    due = await sweep(chat, "2026-03-04T10:00")
    [text] = notes(due, SAM)
    assert "Parents Forum meets Thursday 5 March at 18:00" in text
    assert "The check-in will come at 17:45" in text and "nudges off" in text
    assert notes(due, PAT) == [] and notes(due, FAY) == []
    assert notes(await sweep(chat, "2026-03-04T10:01"), SAM) == []


async def test_the_note_waits_for_quiet_hours(chat: Chat) -> None:
    await forum(chat)
    await chat.say(FAY, "schedule weekly thu 18:00 90m")
    await chat.say(FAY, "quiet-hours 09:00-12:00")
    assert notes(await sweep(chat, "2026-03-04T10:00"), SAM) == []
    assert len(notes(await sweep(chat, "2026-03-04T12:00"), SAM)) == 1


async def test_a_note_is_never_late(chat: Chat) -> None:
    """The bot was down through the day before: no note once the check-in is due."""
    await forum(chat)
    await chat.say(FAY, "schedule weekly thu 18:00 90m")
    chat.clock.set(utc("2026-03-05T17:45"))
    assert notes(Outcome(await chat.core.run_job(send_meeting_ahead_notes)), SAM) == []


async def test_two_clocks_send_one_note(chat: Chat) -> None:
    await forum(chat)
    await chat.say(FAY, "schedule weekly thu 18:00 90m")
    chat.clock.set(utc("2026-03-04T10:00"))
    both = await asyncio.gather(
        chat.core.run_job(send_meeting_ahead_notes), chat.core.run_job(send_meeting_ahead_notes)
    )
    assert len([e for effects in both for e in effects if isinstance(e, MessageMember)]) == 1


async def test_nudges_off_means_no_note(chat: Chat) -> None:
    await forum(chat)
    await chat.say(FAY, "schedule weekly thu 18:00 90m")
    await chat.say(SAM, "nudges off", where=dm(SAM))
    assert notes(await sweep(chat, "2026-03-04T10:00"), SAM) == []
