"""Nudges: the check-in reminder, the anonymous reflection, and the facilitators' note on sharing.

Each respects quiet hours and `nudges off`, and nobody who passed is ever nudged.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot import limits
from bot.adapters.console.render import card_text
from bot.context import Context
from bot.core import ANONYMOUS_NEEDS_MEMBERSHIP, Core
from bot.effects import Effect, MessageMember
from bot.handlers.nudges import commands as nudges
from bot.handlers.nudges.cards import HEARD, OPEN_CHANGE
from bot.identity import Who, anonymous_token
from bot.routing import encode
from bot.store import groups
from bot.store.database import Database
from bot.store.meetings import Meeting
from bot.store.schema import firings, reflection_tokens, reflections
from tests.anonymity_helpers import anonymous_action
from tests.dialogue import Chat, Outcome, dm, person
from tests.handlers.summary.test_summary import (
    FAY,
    LIVED,
    PROS,
    assert_never_unkind,
    check_in,
    end_meeting,
    forum,
    group_id,
    latest_meeting,
    start_with_checkin,
    summary_text,
)

LEE, SAM, ANN, KIM = LIVED
PAT, BOB, RAJ = PROS
Nudge = Callable[[Context, Meeting], Awaitable[list[Effect]]]


async def nudge(core: Core, db: Database, which: Nudge, meeting: Meeting | None = None) -> Outcome:
    """Run a nudge as the scheduler would, for the latest meeting (fresh from the database)."""
    target = meeting or await latest_meeting(db)

    async def job(ctx: Context) -> list[Effect]:
        return await which(ctx, target)

    return Outcome(await core.run_job(job, group_id=await group_id(db)))


def recipients(outcome: Outcome) -> set[str]:
    return {e.user_id for e in outcome.messages}


def names(*people: Who) -> set[str]:
    return {p.user_id for p in people}


async def fired(db: Database, key: str) -> bool:
    async with db.read() as conn:
        found = await conn.execute(select(firings.c.key).where(firings.c.key == key))
        return found.first() is not None


def local(text: str) -> datetime:
    """A London wall-clock time in March 2026 (GMT, so the same as UTC)."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# -- the check-in reminder --------------------------------------------------------------------


async def test_reminder_goes_only_to_those_who_neither_answered_nor_passed(
    chat: Chat, core: Core, db: Database
) -> None:
    await forum(chat, lived=4, pros=2)
    card = await start_with_checkin(chat)
    await check_in(chat, card, [(LEE, "4 Good"), (SAM, "Pass")])
    await chat.say(PAT, "nudges off")
    chat.clock.advance(minutes=10)
    sent = await nudge(core, db, nudges.checkin_reminder)
    assert recipients(sent) == names(FAY, ANN, KIM, BOB)
    text = sent.messages_to(ANN)[0]
    assert "still open" in text
    assert "How are you arriving today? Choose 1 to 5, or Pass." in text
    assert "Passing is always fine." in text
    assert "nudges off" in text
    # Its buttons answer the check-in like the original card.
    answered = await chat.press(ANN, sent.button("Pass"), where=dm(ANN))
    assert "passing is always fine" in answered.reply.lower()
    again = await nudge(core, db, nudges.checkin_reminder)
    assert again.effects == []
    assert_never_unkind(chat)


@pytest.mark.parametrize(
    ("at", "sends"),
    [
        ("2026-03-03 20:59", True),
        ("2026-03-03 21:00", False),
        ("2026-03-03 22:00", False),
        ("2026-03-04 07:59", False),
        ("2026-03-04 08:00", True),
    ],
)
async def test_reminder_in_quiet_hours_sends_nothing_and_can_run_later(
    chat: Chat, core: Core, db: Database, at: str, sends: bool
) -> None:
    await forum(chat, lived=3, pros=1)
    said = await chat.say(FAY, "quiet-hours 21:00-08:00")
    assert "Quiet hours are 21:00 to 08:00" in said.reply
    chat.clock.set(local("2026-03-03 20:30"))
    await start_with_checkin(chat)
    chat.clock.set(local(at))
    meeting = await latest_meeting(db)
    sent = await nudge(core, db, nudges.checkin_reminder, meeting)
    assert bool(sent.messages) is sends
    assert await fired(db, f"reminder:{meeting.id}") is sends
    if not sends:
        async with db.read() as conn:
            group = await groups.get(conn, meeting.group_id)
        assert group is not None
        later = nudges.reminder_time(group, chat.clock.now)
        assert later == datetime(2026, 3, 4, 8, 0, tzinfo=UTC)
        chat.clock.set(later)
        assert (await nudge(core, db, nudges.checkin_reminder, meeting)).messages


async def test_reminder_time_is_the_due_time_outside_quiet_hours(db: Database, chat: Chat) -> None:
    await forum(chat)
    async with db.read() as conn:
        group = await groups.get(conn, await group_id(db))
    assert group is not None
    due = local("2026-03-03 22:00")
    assert nudges.reminder_time(group, due) == due


async def test_no_reminder_once_the_meeting_is_over_or_without_a_checkin(
    chat: Chat, core: Core, db: Database
) -> None:
    await forum(chat)
    await chat.say(FAY, "meeting start")
    assert (await nudge(core, db, nudges.checkin_reminder)).effects == []
    await chat.say(FAY, "checkin")
    await end_meeting(chat)
    assert (await nudge(core, db, nudges.checkin_reminder)).effects == []


# -- the reflection ---------------------------------------------------------------------------


async def meeting_with_everyone(chat: Chat) -> None:
    """Lee and Fay check in; Sam passes; Ann stays quiet; Kim shares in the round without
    checking in; Bob passes the check-in but shares; Pat checks in but has nudges off."""
    await forum(chat, lived=4, pros=2)
    await chat.say(PAT, "nudges off")
    card = await start_with_checkin(chat)
    await check_in(
        chat,
        card,
        [(LEE, "4 Good"), (FAY, "3 Okay"), (SAM, "Pass"), (BOB, "Pass"), (PAT, "5 Great")],
    )
    await chat.say(FAY, "round Something you learned")
    await chat.say(KIM, "share Patience")
    await chat.say(BOB, "share Listening")
    await end_meeting(chat)


async def test_reflection_goes_to_everyone_who_took_part(
    chat: Chat, core: Core, db: Database
) -> None:
    """Bob passed the check-in but shared in the round: he took part, so he is asked. Sam only
    passed the check-in and Ann gave no sign of being there: neither is asked."""
    await meeting_with_everyone(chat)
    chat.clock.advance(minutes=60)
    sent = await nudge(core, db, nudges.reflection_nudge)
    assert recipients(sent) == names(LEE, FAY, KIM, BOB)
    text = sent.messages_to(LEE)[0]
    assert "Did you feel heard at today's meeting (Tuesday 3 March at 09:00)?" in text
    assert "anonymous" in text
    assert "at least 3 people" in text
    labels = [b.label for b in sent.messages[0].card.buttons]
    assert labels == [
        "1 Not really",
        "2",
        "3",
        "4",
        "5 Completely",
        "One thing to change",
        "Where on the ladder?",
    ]
    assert (await nudge(core, db, nudges.reflection_nudge)).effects == []
    assert_never_unkind(chat)


async def test_passing_in_a_round_is_taking_part_and_nudges_off_is_respected(
    chat: Chat, core: Core, db: Database
) -> None:
    await forum(chat, lived=3, pros=2)
    await chat.say(BOB, "nudges off")
    card = await start_with_checkin(chat)
    await check_in(chat, card, [(SAM, "Pass")])
    await chat.say(FAY, "round Something you learned")
    await chat.say(SAM, "pass")  # passed the check-in too, but was in the round
    await chat.say(ANN, "pass")
    await chat.say(BOB, "share Listening")
    await end_meeting(chat)
    chat.clock.advance(minutes=60)
    sent = await nudge(core, db, nudges.reflection_nudge)
    assert recipients(sent) == names(SAM, ANN)
    assert_never_unkind(chat)


async def test_reflection_waits_for_quiet_hours_to_end(
    chat: Chat, core: Core, db: Database
) -> None:
    await forum(chat, lived=3, pros=1)
    await chat.say(FAY, "quiet-hours 21:00-08:00")
    chat.clock.set(local("2026-03-03 19:00"))
    card = await start_with_checkin(chat)
    await check_in(chat, card, [(LEE, "4 Good")])
    await end_meeting(chat)  # ends 19:45; the reflection is due at 20:45
    chat.clock.set(local("2026-03-03 21:30"))
    meeting = await latest_meeting(db)
    assert (await nudge(core, db, nudges.reflection_nudge, meeting)).effects == []
    assert not await fired(db, f"reflection:{meeting.id}")
    async with db.read() as conn:
        group = await groups.get(conn, meeting.group_id)
    assert group is not None
    assert nudges.reflection_time(group, meeting) == local("2026-03-03 20:45")
    chat.clock.set(local("2026-03-04 08:00"))
    sent = await nudge(core, db, nudges.reflection_nudge, meeting)
    assert recipients(sent) == names(LEE)
    assert (
        "Did you feel heard at the meeting on Tuesday 3 March at 19:00?"
        in (sent.messages_to(LEE)[0])
    )


async def test_no_reflection_before_the_meeting_ends_or_days_later(
    chat: Chat, core: Core, db: Database
) -> None:
    await forum(chat, lived=3, pros=1)
    card = await start_with_checkin(chat)
    await check_in(chat, card, [(LEE, "4 Good")])
    assert (await nudge(core, db, nudges.reflection_nudge)).effects == []
    await end_meeting(chat)
    chat.clock.advance(days=3)
    assert (await nudge(core, db, nudges.reflection_nudge)).effects == []


async def reflection_card(chat: Chat, core: Core, db: Database) -> Outcome:
    await forum(chat, lived=3, pros=1)
    card = await start_with_checkin(chat)
    await check_in(chat, card, [(LEE, "4 Good"), (SAM, "3 Okay"), (ANN, "2 Low"), (FAY, "4 Good")])
    await end_meeting(chat)
    chat.clock.advance(minutes=60)
    return await nudge(core, db, nudges.reflection_nudge)


async def reflection_rows(db: Database) -> list[tuple[int | None, str | None]]:
    async with db.read() as conn:
        rows = await conn.execute(select(reflections.c.heard, reflections.c.change))
        return sorted(((r.heard, r.change) for r in rows), key=str)


async def test_heard_is_stored_anonymously_once_per_person(
    chat: Chat, core: Core, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    card = await reflection_card(chat, core, db)
    meeting = await latest_meeting(db)
    async with anonymous_action(db, LEE, caplog) as seen:
        seen.outcome = await chat.press(LEE, card.button("4"), where=dm(LEE))
    assert "Thank you." in seen.outcome.reply
    assert "anonymous" in seen.outcome.reply
    assert seen.outcome.button("One thing to change")
    assert await reflection_rows(db) == [(4, None)]
    token = anonymous_token(core.services.secret, "reflection", meeting.id, LEE)
    async with db.read() as conn:
        tokens = (await conn.execute(select(reflection_tokens.c.token))).scalars().all()
    assert tokens == [token]
    again = await chat.press(LEE, card.button("1 Not really"), where=dm(LEE))
    assert again.reply == nudges.ALREADY_HEARD
    assert await reflection_rows(db) == [(4, None)]


async def test_one_thing_to_change_is_stored_anonymously_once(
    chat: Chat, core: Core, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    card = await reflection_card(chat, core, db)
    opened = await chat.press(SAM, card.button("One thing to change"), where=dm(SAM))
    form = opened.forms[0]
    assert form.form_id == "nudges.reflection"
    assert form.inputs[0].max_length == limits.REFLECTION
    async with anonymous_action(db, SAM, caplog) as seen:
        seen.outcome = await chat.submit(
            SAM, form, {"change": "Shorter meetings, please"}, where=dm(SAM)
        )
    assert "without your name" in seen.outcome.reply
    assert await reflection_rows(db) == [(None, "Shorter meetings, please")]
    reopened = await chat.press(SAM, card.button("One thing to change"), where=dm(SAM))
    assert reopened.reply == nudges.ALREADY_CHANGE and not reopened.forms
    twice = await chat.submit(SAM, form, {"change": "Another thing"}, where=dm(SAM))
    assert nudges.ALREADY_CHANGE in twice.reply
    assert "Another thing" in twice.reply  # handed back, not lost
    assert await reflection_rows(db) == [(None, "Shorter meetings, please")]


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("", "is empty"),
        ("   \n ", "is empty"),
        ("x" * (limits.REFLECTION + 1), f"the limit is {limits.REFLECTION}"),
    ],
)
async def test_change_form_refusals_keep_the_text_and_store_nothing(
    chat: Chat, core: Core, db: Database, text: str, phrase: str
) -> None:
    card = await reflection_card(chat, core, db)
    opened = await chat.press(SAM, card.button("One thing to change"), where=dm(SAM))
    refused = await chat.submit(SAM, opened.forms[0], {"change": text}, where=dm(SAM))
    assert phrase in refused.form_errors["change"]
    assert await reflection_rows(db) == []
    # Nothing was used up: a proper answer still goes in.
    fine = await chat.submit(SAM, opened.forms[0], {"change": "More breaks"}, where=dm(SAM))
    assert "Thank you" in fine.reply


async def test_reflection_buttons_close_after_a_week(chat: Chat, core: Core, db: Database) -> None:
    card = await reflection_card(chat, core, db)
    chat.clock.advance(days=8)
    late = await chat.press(LEE, card.button("5 Completely"), where=dm(LEE))
    assert late.reply == nudges.CLOSED
    late_form = await chat.press(LEE, card.button("One thing to change"), where=dm(LEE))
    assert late_form.reply == nudges.CLOSED
    assert await reflection_rows(db) == []


@pytest.mark.parametrize(
    ("action", "payload", "phrase"),
    [
        (HEARD, "{meeting}:9", nudges.STALE_BUTTON),
        (HEARD, "{meeting}:x", nudges.STALE_BUTTON),
        (HEARD, "nope:4", nudges.STALE_BUTTON),
        (HEARD, "999:4", nudges.STALE_BUTTON),
        (OPEN_CHANGE, "999", nudges.STALE_BUTTON),
    ],
)
async def test_broken_reflection_buttons_say_so(
    chat: Chat, core: Core, db: Database, action: str, payload: str, phrase: str
) -> None:
    from bot.cards import Button

    await reflection_card(chat, core, db)
    meeting = await latest_meeting(db)
    value = encode(await group_id(db), payload.format(meeting=meeting.id))
    pressed = await chat.press(LEE, Button("x", action, value), where=dm(LEE))
    assert phrase in pressed.reply
    assert await reflection_rows(db) == []


async def test_reflection_before_the_meeting_ends_is_refused(chat: Chat, db: Database) -> None:
    from bot.cards import Button

    await forum(chat)
    await start_with_checkin(chat)
    meeting = await latest_meeting(db)
    value = encode(await group_id(db), f"{meeting.id}:4")
    pressed = await chat.press(LEE, Button("4", HEARD, value), where=dm(LEE))
    assert "hasn't finished yet" in pressed.reply


async def test_a_stranger_cannot_reflect(chat: Chat, core: Core, db: Database) -> None:
    card = await reflection_card(chat, core, db)
    stranger = person("Zed")
    pressed = await chat.press(stranger, card.button("4"), where=dm(stranger))
    assert pressed.reply == ANONYMOUS_NEEDS_MEMBERSHIP
    assert await reflection_rows(db) == []


async def test_reflections_reach_the_next_summary_only_at_k(
    chat: Chat, core: Core, db: Database
) -> None:
    card = await reflection_card(chat, core, db)
    for who, label in ((LEE, "4"), (SAM, "5 Completely"), (ANN, "3")):
        await chat.press(who, card.button(label), where=dm(who))
        opened = await chat.press(who, card.button("One thing to change"), where=dm(who))
        await chat.submit(
            who, opened.forms[0], {"change": f"Idea from {who.display_name}"}, where=dm(who)
        )
    chat.clock.advance(days=7)
    await start_with_checkin(chat)
    ended = await end_meeting(chat)
    text = summary_text(ended)
    assert "Last time, 3 people said how heard they felt: 4.0 out of 5 on average." in text
    assert "Idea from" not in text
    notes = [m for m in ended.messages if m.card.title == "Reflections from the last meeting"]
    assert [m.user_id for m in notes] == [FAY.user_id]
    assert card_text(notes[0].card).count("Idea from") == 3


# -- the note on sharing ------------------------------------------------------------------------


async def rounds_over_meetings(
    chat: Chat, sharing: list[Who], passing: list[Who], meetings_count: int = 2
) -> None:
    for _ in range(meetings_count):
        await chat.say(FAY, "meeting start")
        await chat.say(FAY, "round Something from your week")
        for who in sharing:
            await chat.say(who, f"share A thing from {who.display_name}")
        for who in passing:
            await chat.say(who, "pass")
        await end_meeting(chat)
        chat.clock.advance(days=7)


async def test_note_on_sharing_when_professionals_share_much_less(
    chat: Chat, core: Core, db: Database
) -> None:
    await forum(chat, lived=3, pros=2)  # three professionals with Fay
    await rounds_over_meetings(chat, sharing=[LEE, SAM, ANN, PAT], passing=[BOB, FAY])
    sent = await nudge(core, db, nudges.reciprocity_note)
    assert recipients(sent) == names(FAY)
    text = sent.messages_to(FAY)[0]
    assert "Over the last 2 meetings (2 sharing rounds)" in text
    assert "people with lived experience shared 100% of the time and professionals 33%" in text
    assert "professionals go first" in text
    assert "nobody is at fault" in text
    for who in (LEE, SAM, ANN, PAT, BOB):
        assert who.display_name not in text
    assert (await nudge(core, db, nudges.reciprocity_note)).effects == []


@pytest.mark.parametrize(
    ("sharing", "passing", "pros", "meetings_count"),
    [
        # Balanced enough: professionals share at least half as often.
        ([LEE, SAM, ANN, PAT, BOB], [FAY], 2, 2),
        # Too few professionals to say anything without pointing at someone (k = 3).
        ([LEE, SAM, ANN], [PAT], 1, 2),
        # A single round is not a pattern.
        ([LEE, SAM, ANN], [PAT, BOB, FAY], 2, 1),
        # Nobody with lived experience shared either.
        ([], [LEE, SAM, ANN, PAT, BOB, FAY], 2, 2),
    ],
)
async def test_no_note_on_sharing_without_a_clear_imbalance(
    chat: Chat,
    core: Core,
    db: Database,
    sharing: list[Who],
    passing: list[Who],
    pros: int,
    meetings_count: int,
) -> None:
    await forum(chat, lived=3, pros=pros)
    await rounds_over_meetings(chat, sharing, passing, meetings_count)
    assert (await nudge(core, db, nudges.reciprocity_note)).effects == []


async def test_note_on_sharing_respects_quiet_hours_and_opt_out(
    chat: Chat, core: Core, db: Database
) -> None:
    await forum(chat, lived=3, pros=2)
    await chat.say(FAY, f"facilitator <@{PAT.user_id}>")
    await chat.say(FAY, "nudges off")
    await rounds_over_meetings(chat, sharing=[LEE, SAM, ANN], passing=[BOB, FAY])
    await chat.say(FAY, "quiet-hours 21:00-08:00")
    meeting = await latest_meeting(db)
    chat.clock.set(local("2026-03-17 23:00"))
    assert (await nudge(core, db, nudges.reciprocity_note, meeting)).effects == []
    assert not await fired(db, f"reciprocity:{meeting.id}")
    chat.clock.set(local("2026-03-18 08:00"))
    sent = await nudge(core, db, nudges.reciprocity_note, meeting)
    assert recipients(sent) == names(PAT)
    assert all(isinstance(e, MessageMember) for e in sent.effects)


# -- several nudges due at once -------------------------------------------------------------------


async def evening_meeting(
    chat: Chat, db: Database, at: str, moods: list[Who], sharing: list[Who], passing: list[Who]
) -> Meeting:
    """A meeting starting at `at` (London time), with check-ins, one round, ended 45 min later."""
    chat.clock.set(local(at))
    card = await start_with_checkin(chat)
    await check_in(chat, card, [(who, "4 Good") for who in moods])
    await chat.say(FAY, "round Something from your week")
    for who in sharing:
        await chat.say(who, f"share A thing from {who.display_name}")
    for who in passing:
        await chat.say(who, "pass")
    await end_meeting(chat)
    return await latest_meeting(db)


@pytest.mark.parametrize("newest_first", [False, True])
async def test_reflections_held_back_by_quiet_hours_reach_each_person_once_naming_the_meeting(
    chat: Chat, core: Core, db: Database, newest_first: bool
) -> None:
    """Two meetings in one evening; both reflections wait for quiet hours to end. Whoever took
    part in both is asked once, about the newer meeting; each question names its meeting."""
    await forum(chat, lived=3, pros=2)
    await chat.say(FAY, "quiet-hours 21:00-08:00")
    first = await evening_meeting(chat, db, "2026-03-03 19:30", [LEE, SAM], [], [])
    second = await evening_meeting(chat, db, "2026-03-03 20:30", [LEE, ANN], [], [])
    chat.clock.set(local("2026-03-04 08:00"))
    order = [second, first] if newest_first else [first, second]
    sent = [await nudge(core, db, nudges.reflection_nudge, meeting) for meeting in order]
    messages = [m for outcome in sent for m in outcome.messages]
    by_person: dict[str, list[str]] = {}
    for message in messages:
        by_person.setdefault(message.user_id, []).append(card_text(message.card))
    assert sorted(by_person) == sorted(names(LEE, SAM, ANN))
    assert all(len(texts) == 1 for texts in by_person.values()), by_person
    assert (
        "Did you feel heard at the meeting on Tuesday 3 March at 20:30?"
        in by_person[LEE.user_id][0]
    )
    assert (
        "Did you feel heard at the meeting on Tuesday 3 March at 19:30?"
        in by_person[SAM.user_id][0]
    )
    assert "at 20:30?" in by_person[ANN.user_id][0]
    assert await fired(db, f"reflection:{first.id}") and await fired(db, f"reflection:{second.id}")


async def test_the_same_day_reflection_names_its_meeting_too(
    chat: Chat, core: Core, db: Database
) -> None:
    await forum(chat, lived=3, pros=1)
    card = await start_with_checkin(chat)
    await check_in(chat, card, [(LEE, "4 Good")])
    await end_meeting(chat)
    chat.clock.advance(minutes=60)
    sent = await nudge(core, db, nudges.reflection_nudge)
    assert (
        "Did you feel heard at today's meeting (Tuesday 3 March at 09:00)?"
        in (sent.messages_to(LEE)[0])
    )


@pytest.mark.parametrize("newest_first", [False, True])
async def test_notes_on_sharing_held_back_by_quiet_hours_arrive_as_one(
    chat: Chat, core: Core, db: Database, newest_first: bool
) -> None:
    """Each meeting's note looks back over recent meetings; when several wait for quiet hours to
    end, only the newest goes out, so facilitators never get two notes with different figures."""
    await forum(chat, lived=3, pros=2)
    await rounds_over_meetings(chat, [LEE, SAM, ANN], [PAT, BOB, FAY], meetings_count=1)
    earlier = await nudge(core, db, nudges.reciprocity_note)
    assert earlier.effects == []  # one round is not a pattern
    await chat.say(FAY, "quiet-hours 21:00-08:00")
    lived, pros = [LEE, SAM, ANN], [PAT, BOB, FAY]
    first = await evening_meeting(chat, db, "2026-03-10 19:30", [], lived, pros)
    second = await evening_meeting(chat, db, "2026-03-10 20:30", [], lived, pros)
    chat.clock.set(local("2026-03-11 08:00"))
    order = [second, first] if newest_first else [first, second]
    sent = [await nudge(core, db, nudges.reciprocity_note, meeting) for meeting in order]
    notes = [card_text(m.card) for outcome in sent for m in outcome.messages]
    assert len(notes) == 1, notes
    assert "Over the last 3 meetings (3 sharing rounds)" in notes[0]
