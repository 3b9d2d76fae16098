"""Decisions and actions in `my-data`, `export`, `forget-me`, `privacy`, and the retention period.

They are named records of the group: shown and exported with names; on `forget-me` the name
comes off and the record stays (an open action someone had taken on becomes unassigned)."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.context import Context
from bot.effects import SendFileToActor
from bot.scheduling.retention import ERASED, apply_retention
from bot.store.schema import actions, decisions
from tests.dialogue import Chat, dm
from tests.handlers.actions.test_actions import FAY, LEE, PAT, SAM, forum


async def setting(chat: Chat) -> None:
    await forum(chat)
    await chat.say(SAM, "decision We meet at the library")
    await chat.say(FAY, "action Write to the council @Sam by thursday")
    await chat.say(SAM, "action 1 accept", where=dm(SAM))
    await chat.say(SAM, "action Bring the biscuits @Pat")
    await chat.say(PAT, "action Book the room @Sam")
    await chat.say(SAM, "action 3 done Booked for May", where=dm(SAM))


async def test_my_data_lists_the_persons_actions_and_decisions(chat: Chat) -> None:
    await setting(chat)
    mine = (await chat.say(SAM, "my-data", where=dm(SAM))).reply
    assert "Actions you took on:\n- #1 Write to the council · Sam" in mine
    assert "- #3 Book the room · done by Sam: “Booked for May”" in mine
    assert "Actions you noted for others:\n- #2 Bring the biscuits · Pat" in mine
    assert "Decisions you noted:\n- #1 “We meet at the library”" in mine
    lee = (await chat.say(LEE, "my-data", where=dm(LEE))).reply
    assert "Actions you took on: none." in lee and "Decisions you noted: none." in lee


async def test_forget_me_takes_the_name_off_and_keeps_the_record(chat: Chat) -> None:
    await setting(chat)
    asked = await chat.say(SAM, "forget-me")
    assert "Decisions and actions stay as the group's record, without your name" in asked.reply
    done = await chat.press(SAM, asked.button("Yes, erase my data"))
    assert "without your name" in done.reply
    listed = (await chat.say(FAY, "actions")).reply
    assert "#1 Write to the council · unassigned" in listed
    assert "#2 Bring the biscuits · Pat" in listed
    assert "#3 Book the room · done: “Booked for May”" in listed
    assert "Sam" not in listed
    async with chat.core.db.read() as conn:
        assert (await conn.execute(select(decisions.c.recorded_by))).scalar_one() is None
        rows = (
            await conn.execute(
                select(actions.c.owner_id, actions.c.recorded_by).order_by(actions.c.number)
            )
        ).all()
    assert rows[0].owner_id is None and rows[1].recorded_by is None


async def test_export_holds_decisions_and_actions_with_names_made_safe(chat: Chat) -> None:
    await setting(chat)
    await chat.say(FAY, "decision Tell *everyone* @here")
    outcome = await chat.say(FAY, "export")
    [file] = outcome.of(SendFileToActor)
    assert isinstance(file, SendFileToActor)
    record = json.loads(file.content)
    assert record["decisions"][0]["text"] == "We meet at the library"
    assert "@here" not in record["decisions"][1]["text"]
    first = record["actions"][0]
    assert first["owner"] == "Sam" and first["accepted"] is True
    assert first["due_on"] == "2026-03-05" and first["noted_by"] == "Fay"
    assert record["actions"][2]["done_note"] == "Booked for May"


async def test_privacy_says_decisions_and_actions_are_named(chat: Chat) -> None:
    await forum(chat)
    said = (await chat.say(SAM, "privacy")).reply
    assert "Decisions and actions are named, not anonymous" in said
    assert "decisions and actions) are kept for 365 days" in said


async def test_retention_erases_old_words_of_decisions_and_actions(chat: Chat) -> None:
    await setting(chat)
    chat.clock.advance(days=366)
    await chat.say(FAY, "decision A fresh one")
    async with chat.core.db.write() as conn:
        erased = await apply_retention(Context(conn, chat.core.services, chat.clock()))
    assert erased == 1 + 3 + 1  # one old decision, three old actions, one owner's note
    async with chat.core.db.read() as conn:
        texts = (
            (await conn.execute(select(decisions.c.text).order_by(decisions.c.number)))
            .scalars()
            .all()
        )
        notes = (await conn.execute(select(actions.c.text, actions.c.done_note))).all()
    assert texts == [ERASED, "A fresh one"]
    assert all(row.text == ERASED and row.done_note is None for row in notes)
    chat.clock.advance(days=1)
    listed = (await chat.say(FAY, "actions")).reply
    assert "Write to the council" not in listed and "erased" in listed
