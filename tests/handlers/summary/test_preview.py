"""`summary preview`: the summary as it would read if the meeting ended now, to one facilitator.

It must post nothing, message nobody, store nothing (every table is compared before and after),
and say what the closing summary says, passed through the same crowd rule.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from bot.cards import Card
from bot.effects import PostToConversation, ReplyToActor
from bot.handlers.summary.preview import HELD_NOTE, NO_MEETING, PREVIEW_NOTE
from bot.store.database import Database
from bot.store.schema import metadata
from tests.dialogue import Chat, Outcome
from tests.handlers.summary.test_summary import (
    FAY,
    LIVED,
    PROS,
    change_group,
    check_in,
    forum,
    start_with_checkin,
)


async def everything(db: Database) -> dict[str, list[Any]]:
    """Every row of every table, to prove a preview changes nothing."""
    found: dict[str, list[Any]] = {}
    async with db.read() as conn:
        for table in metadata.sorted_tables:
            rows = await conn.execute(select(table))
            found[table.name] = sorted(tuple(row) for row in rows)
    return found


def preview_card(outcome: Outcome) -> Card:
    """The one private card a preview answers with; nothing else may come with it."""
    assert len(outcome.effects) == 1, outcome.effects
    [effect] = outcome.effects
    assert isinstance(effect, ReplyToActor)
    return effect.card


def moods_counted(text: str) -> int:
    """How many moods a summary's "How people arrived" line counts (0 when none are shown)."""
    line = re.search(r"How people arrived: (.*)", text)
    return sum(int(n) for n in re.findall(r"\d+", line.group(1))) if line else 0


async def test_with_no_meeting_under_way_it_says_so_plainly(chat: Chat, db: Database) -> None:
    await forum(chat)
    before = await everything(db)
    outcome = await chat.say(FAY, "summary preview")
    assert outcome.reply == NO_MEETING
    assert len(outcome.effects) == 1
    assert await everything(db) == before


async def test_preview_is_private_changes_nothing_and_says_what_the_summary_will(
    chat: Chat, db: Database
) -> None:
    people = await forum(chat, lived=3, pros=2)
    card = await start_with_checkin(chat)
    await check_in(
        chat, card, list(zip(people[1:], ["4 Good", "2 Low", "5 Great", "Pass"], strict=False))
    )
    chat.clock.advance(minutes=30)
    before = await everything(db)
    posts_before = len(chat.log_posts())
    outcome = await chat.say(FAY, "summary preview")
    shown = preview_card(outcome)
    assert shown.title == "Summary preview: Tuesday 3 March"
    assert shown.text.startswith(PREVIEW_NOTE)
    assert "4 people checked in (1 passed)." in shown.text
    assert "How people arrived: Great 1 · Good 1 · Low 1" in shown.text
    assert await everything(db) == before  # no claim, no firing, no status, no reveal
    assert len(chat.log_posts()) == posts_before
    # asked twice, the same answer: nothing was used up
    assert preview_card(await chat.say(FAY, "summary preview")) == shown
    ended = await chat.say(FAY, "meeting end")  # at the same moment
    [closing] = [
        e.card
        for e in ended.effects
        if isinstance(e, PostToConversation) and e.card.title.startswith("Meeting summary")
    ]
    assert shown.text == f"{PREVIEW_NOTE}\n\n{closing.text}"
    assert shown.footer == closing.footer


async def test_preview_counts_moods_with_the_summarys_crowd_rule(chat: Chat, db: Database) -> None:
    """k = 3: every reading counts whole crowds of 3, so no two readings (a preview, another
    preview, the summary) differ by one person's mood."""
    people = await forum(chat, lived=4, pros=3)
    card = await start_with_checkin(chat)
    readings = []
    for who in people[1:7]:
        await check_in(chat, card, [(who, "3 Okay")])
        readings.append(moods_counted(preview_card(await chat.say(FAY, "summary preview")).text))
    assert readings == [0, 0, 3, 3, 3, 6]
    ended = await chat.say(FAY, "meeting end")
    closing = "\n".join(ended.posts)
    assert moods_counted(closing) == 6
    assert all(count % 3 == 0 for count in readings)


async def test_held_answers_stay_held_in_the_preview(chat: Chat, db: Database) -> None:
    lee = LIVED[0]
    await forum(chat, lived=3, pros=1)
    await start_with_checkin(chat)
    await chat.say(FAY, "round What helped you this month?")
    shared = await chat.say(lee, "share Talking to other parents helped")
    await chat.press(lee, shared.button("Yes, my words may appear in the summary"))
    before = await everything(db)
    shown = preview_card(await chat.say(FAY, "summary preview"))
    assert "“What helped you this month?”" in shown.text
    assert "Answers are still held." in shown.text
    assert HELD_NOTE in shown.text
    assert "Talking to other parents" not in shown.text
    assert await everything(db) == before


async def test_a_round_the_lock_would_hold_is_shown_carried_on_as_the_end_leaves_it(
    chat: Chat, db: Database
) -> None:
    await forum(chat, lived=3, pros=2)
    await change_group(db, reciprocity_lock=True)
    await start_with_checkin(chat)
    await chat.say(FAY, "round What do you wish people knew?")
    await chat.say(LIVED[0], "share That it never stops")
    chat.clock.advance(minutes=30)
    before = await everything(db)
    shown = preview_card(await chat.say(FAY, "summary preview"))
    assert "still held by the reciprocity lock" in shown.text
    assert "Who shared, by role" not in shown.text  # counted where it is revealed, as at the end
    assert HELD_NOTE not in shown.text
    assert "never stops" not in shown.text
    assert await everything(db) == before
    ended = await chat.say(FAY, "meeting end")
    [closing] = [
        e.card
        for e in ended.effects
        if isinstance(e, PostToConversation) and e.card.title.startswith("Meeting summary")
    ]
    assert shown.text == f"{PREVIEW_NOTE}\n\n{closing.text}"


async def test_the_agenda_is_shown_as_the_end_would_leave_it_and_nothing_is_carried_yet(
    chat: Chat, db: Database
) -> None:
    await forum(chat, lived=3, pros=2)
    await chat.say(LIVED[0], "agenda add Papers two weeks before each meeting")
    await chat.say(PROS[0], "agenda add Transport costs for parents")
    await start_with_checkin(chat)
    done = await chat.say(FAY, "agenda 1 done")
    assert not any("couldn't" in text or "Please" in text for text in done.replies), done.reply
    chat.clock.advance(minutes=30)
    before = await everything(db)
    shown = preview_card(await chat.say(FAY, "summary preview"))
    assert "Covered: “Papers two weeks before each meeting”" in shown.text
    assert "Carried over to next time: “Transport costs for parents” (carried over once)" in (
        shown.text
    )
    assert await everything(db) == before  # the carry-over was only tried, and undone
    again = preview_card(await chat.say(FAY, "summary preview"))
    assert again == shown  # not carried twice
    ended = await chat.say(FAY, "meeting end")
    [closing] = [
        e.card
        for e in ended.effects
        if isinstance(e, PostToConversation) and e.card.title.startswith("Meeting summary")
    ]
    assert shown.text == f"{PREVIEW_NOTE}\n\n{closing.text}"


async def test_only_facilitators_preview_and_typos_are_explained(chat: Chat) -> None:
    await forum(chat)
    await start_with_checkin(chat)
    refused = await chat.say(PROS[0], "summary preview")
    assert "Only facilitators can use `summary`" in refused.reply
    assert not refused.posts
    typo = await chat.say(FAY, "summary preveiw")
    assert "`summary preview` to see privately what it would say" in typo.reply
    assert not typo.posts
