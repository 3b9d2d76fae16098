"""Decisions and actions in the meeting summary, and open actions as lines for the next agenda."""

from __future__ import annotations

from datetime import date

from bot.handlers.actions.lines import AGENDA_LIMIT, open_action_lines
from bot.store import groups
from tests.dialogue import Chat, dm
from tests.handlers.actions.test_actions import FAY, PAT, SAM, forum
from tests.handlers.summary.test_summary import end_meeting, summary_text


async def test_the_summary_reports_decisions_new_actions_and_those_done(chat: Chat) -> None:
    await forum(chat)
    await chat.say(FAY, "action Find a quieter room @Pat")  # before the meeting
    await chat.say(FAY, "meeting start")
    await chat.say(SAM, "decision Papers go out a week before")
    await chat.say(FAY, "action Write to the council @Sam by next tuesday")
    await chat.say(PAT, "action 1 done Found one at the library", where=dm(PAT))
    await chat.say(FAY, "action Drop me @Fay")
    await chat.say(FAY, "action 3 drop")
    summary = summary_text(await end_meeting(chat))
    assert "Decisions\n#1 “Papers go out a week before”" in summary
    assert "Actions\n#2 Write to the council · Sam · by Tuesday 10 March" in summary
    assert "Drop me" not in summary
    assert "Done since last time\n#1 Find a quieter room · done by Pat: “Found one" in summary
    assert "late" not in summary.lower()


async def test_a_summary_with_no_decisions_or_actions_says_nothing_of_them(chat: Chat) -> None:
    await forum(chat)
    await chat.say(FAY, "meeting start")
    summary = summary_text(await end_meeting(chat))
    assert "Decisions" not in summary and "Done since" not in summary


async def test_open_action_lines_for_the_next_agenda(chat: Chat) -> None:
    await forum(chat)
    await chat.say(FAY, "action Tell @here about it @Sam by thursday")
    await chat.say(FAY, "action Ring the school @Pat")
    await chat.say(FAY, "action Done already @Fay")
    await chat.say(FAY, "action 3 done")
    async with chat.core.db.read() as conn:
        group = await groups.get(conn, 1)
        assert group is not None
        lines = await open_action_lines(conn, group, date(2026, 3, 9))
    assert lines[0].startswith("Action #1 Tell @\u2060here about it · Sam · by Thursday 5 March")
    assert "(not done yet)" in lines[0] and "waiting for Sam to say yes" in lines[0]
    assert lines[1] == "Action #2 Ring the school · Pat · waiting for Pat to say yes"
    assert len(lines) == 2


async def test_open_action_lines_stop_at_a_few_and_point_to_the_list(chat: Chat) -> None:
    await forum(chat)
    for n in range(AGENDA_LIMIT + 2):
        await chat.say(FAY, f"action Task {n} @Fay")
    async with chat.core.db.read() as conn:
        group = await groups.get(conn, 1)
        assert group is not None
        lines = await open_action_lines(conn, group, date(2026, 3, 3))
    assert len(lines) == AGENDA_LIMIT + 1
    assert lines[-1] == "…and 2 more. Type `actions` to see them all."


async def test_the_agenda_starts_with_the_open_actions(chat: Chat) -> None:
    await forum(chat)
    await chat.say(FAY, "action Write to the council @Sam by thursday")
    await chat.say(FAY, "action Done already @Fay")
    await chat.say(FAY, "action 2 done")
    shown = (await chat.say(PAT, "agenda")).reply
    assert "Open actions from last time\nAction #1 Write to the council · Sam" in shown
    assert "Done already" not in shown


async def test_the_checkin_says_how_many_actions_are_still_open(chat: Chat) -> None:
    await forum(chat)
    await chat.say(FAY, "action Write to the council @Sam by thursday")
    await chat.say(FAY, "action Ring the school @Pat")
    await chat.say(FAY, "action Done already @Fay")
    await chat.say(FAY, "action 3 done")
    sent = await chat.say(FAY, "checkin")
    [card] = [card for card in sent.cards() if card.title == "Check-in"][:1]
    assert "From last time: 2 actions are still open. Type `actions` to see them." in card.text
    assert "Write to the council" not in card.text  # a count: the card goes to everyone
