"""The meeting summary: what it shows, what it never shows, and that it is posted exactly once.

Scenarios are driven through the chat (setup, check-in buttons, rounds, elephants, meeting end);
a few rows another feature would write are inserted through the store where that is simpler.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, insert, select

from bot.adapters.console.render import card_text
from bot.adapters.slack.text import readable as on_slack
from bot.context import Context
from bot.core import Core
from bot.effects import Effect, PostToConversation
from bot.handlers.elephants import commands as elephant_handlers
from bot.handlers.rounds.reciprocity_ledger import meeting_ledger
from bot.handlers.summary.commands import NOTHING_TO_SUMMARISE, post_summary
from bot.identity import Who
from bot.store import groups, meetings
from bot.store import reflections as reflection_store
from bot.store.database import Database
from bot.store.meeting_records import MemberRole, RoundAnswerRow, RoundInfo
from bot.store.meetings import Meeting
from bot.store.schema import (
    checkins,
    elephants,
    members,
    perspectives,
    reflections,
    round_answers,
    rounds,
)
from bot.store.schema import meetings as meetings_table
from tests.dialogue import Chat, Outcome, channel, person

FAY = person("Fay")  # facilitator, professional
LIVED = [person(name) for name in ("Lee", "Sam", "Ann", "Kim")]
PROS = [person(name) for name in ("Pat", "Bob", "Raj")]
UNKIND = ("not responded", "didn't respond", "did not respond", "no response", "not answered")


# -- helpers shared with the nudge tests -----------------------------------------------------------


async def forum(chat: Chat, lived: int = 3, pros: int = 2) -> list[Who]:
    """Fay (facilitator, professional) and the first `lived` and `pros` people, roles said."""
    others = [(p, "lived-experience") for p in LIVED[:lived]] + [
        (p, "professional") for p in PROS[:pros]
    ]
    await chat.group_of(FAY, others)
    await chat.say(FAY, "role professional")
    return [FAY, *(p for p, _ in others)]


async def group_id(db: Database) -> int:
    async with db.read() as conn:
        group = await groups.for_conversation(conn, channel())
    assert group is not None
    return group.id


async def change_group(db: Database, **values: Any) -> None:
    gid = await group_id(db)
    async with db.write() as conn:
        await groups.change(conn, gid, **values)


async def member_id(db: Database, who: Who) -> int:
    from bot.store import members as member_store

    async with db.read() as conn:
        found = await member_store.get(conn, await group_id(db), who.user_id)
    assert found is not None
    return found.id


async def latest_meeting(db: Database) -> Meeting:
    gid = await group_id(db)
    async with db.read() as conn:
        found = await meetings.current(conn, gid) or await meetings.latest_ended(conn, gid)
    assert found is not None
    return found


async def start_with_checkin(chat: Chat) -> Outcome:
    """Start a meeting and send its check-in; the outcome holds the check-in buttons."""
    await chat.say(FAY, "meeting start")
    return await chat.say(FAY, "checkin")


async def check_in(chat: Chat, card: Outcome, answers: Sequence[tuple[Who, str]]) -> None:
    """Each person presses a check-in button: "1 Struggling" … "5 Great", or "Pass"."""
    for who, label in answers:
        pressed = await chat.press(who, card.button(label))
        assert "Thank" in pressed.reply, pressed.reply


async def end_meeting(chat: Chat) -> Outcome:
    chat.clock.advance(minutes=45)
    return await chat.say(FAY, "meeting end")


def summary_text(outcome: Outcome) -> str:
    found = [text for text in outcome.posts if "Meeting summary" in text]
    assert len(found) == 1, outcome.posts
    return found[0]


def assert_never_unkind(chat: Chat) -> None:
    """Nothing anyone was shown calls a pass, or silence, a failure to respond."""
    seen = "\n".join(card_text(e.card).lower() for e in chat.log if hasattr(e, "card"))
    for phrase in UNKIND:
        assert phrase not in seen


async def run(core: Core, db: Database, job: Any) -> list[Effect]:
    return await core.run_job(job, group_id=await group_id(db))


# -- check-in: presence, passes and the k rule ----------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "expected", "absent"),
    [
        # k = 3: two moods are too few to show, three are enough.
        (
            ["4 Good", "2 Low"],
            ["2 people checked in.", "Fewer than 3 answers, so moods aren't shown."],
            ["How people arrived"],
        ),
        (
            ["4 Good", "2 Low", "4 Good"],
            ["3 people checked in.", "How people arrived: Good 2 · Low 1"],
            ["Fewer than"],
        ),
        # Passes count as present but are not moods.
        (
            ["5 Great", "Pass", "Pass"],
            ["3 people checked in (2 passed).", "Fewer than 3 answers, so moods aren't shown."],
            ["How people arrived"],
        ),
        (
            ["5 Great", "3 Okay", "1 Struggling", "Pass", "Pass"],
            [
                "5 people checked in (2 passed).",
                "How people arrived: Great 1 · Okay 1 · Struggling 1",
            ],
            ["Fewer than"],
        ),
        ([], ["No check-ins this time."], ["How people arrived", "checked in ("]),
    ],
)
async def test_checkin_counts_passes_as_present_and_keeps_small_crowds_hidden(
    chat: Chat, answers: list[str], expected: list[str], absent: list[str]
) -> None:
    people = await forum(chat, lived=3, pros=2)
    card = await start_with_checkin(chat)
    await check_in(chat, card, list(zip(people[1:], answers, strict=False)))
    text = summary_text(await end_meeting(chat))
    for phrase in expected:
        assert phrase in text
    for phrase in absent:
        assert phrase not in text
    assert_never_unkind(chat)


async def test_k_follows_the_groups_setting(chat: Chat, db: Database) -> None:
    people = await forum(chat, lived=3, pros=2)
    await change_group(db, k=4)
    card = await start_with_checkin(chat)
    await check_in(chat, card, [(p, "4 Good") for p in people[1:4]])
    text = summary_text(await end_meeting(chat))
    assert "Fewer than 4 answers, so moods aren't shown." in text


async def test_only_words_shared_with_the_group_appear_unattributed_and_neutralised(
    chat: Chat,
) -> None:
    people = await forum(chat, lived=3, pros=0)
    card = await start_with_checkin(chat)
    wording = [
        ("group", "Tired but here <!channel> *really*"),
        ("facilitators", "Only for the facilitators"),
        ("nobody", "Only for me"),
    ]
    for who, (visibility, words) in zip(people[1:], wording, strict=True):
        opened = await chat.press(who, card.button("Add words"))
        sent = await chat.submit(
            who, opened.forms[0], {"mood": "3", "words": words, "visibility": visibility}
        )
        assert not sent.form_errors
    text = summary_text(await end_meeting(chat))
    assert "Words shared with the group:" in text
    # `<!channel>` is Slack's syntax: what Slack shows of it.
    assert "Tired but here @\u2060channel \u2217really\u2217" in on_slack(text)
    assert "<!channel>" not in on_slack(text)
    assert "Only for the facilitators" not in text
    assert "Only for me" not in text
    for who in people:
        assert who.display_name not in text


# -- rounds: consent, held answers, the ledger ----------------------------------------------------


async def test_only_consented_revealed_shares_appear(chat: Chat) -> None:
    lee, sam, ann = LIVED[:3]
    await forum(chat, lived=3, pros=1)
    await start_with_checkin(chat)
    await chat.say(FAY, "round What helped you this month?")
    shared = await chat.say(lee, "share Talking to other parents helped")
    await chat.press(lee, shared.button("Yes, my words may appear in the summary"))
    shared = await chat.say(sam, "share My private worry about school")
    await chat.press(sam, shared.button("No, keep them out"))
    await chat.say(ann, "share Something I never said yes to")  # consent never given
    text = summary_text(await end_meeting(chat))
    assert "“What helped you this month?”" in text
    assert "“Talking to other parents helped”" in text
    assert "private worry" not in text
    assert "never said yes" not in text
    assert "2 more shares stay in the room." in text
    assert "Lee" not in text  # unattributed in the summary


async def test_a_round_closed_without_reveal_shows_no_words(chat: Chat) -> None:
    lee = LIVED[0]
    await forum(chat, lived=3, pros=1)
    await start_with_checkin(chat)
    await chat.say(FAY, "round What are you carrying today?")
    shared = await chat.say(lee, "share Held words that were never shown")
    await chat.press(lee, shared.button("Yes, my words may appear in the summary"))
    closed = await chat.say(FAY, "round close")
    assert "closed" in closed.text().lower()
    text = summary_text(await end_meeting(chat))
    assert "“What are you carrying today?”" in text
    assert "This round closed without its answers being shown." in text
    assert "never shown" not in text


async def test_ledger_by_role_with_passes_and_silence_apart(chat: Chat) -> None:
    """Three on each side (k = 3): passes and silence may be shown per role."""
    lee, sam, ann = LIVED[:3]
    pat, bob = PROS[:2]
    await forum(chat, lived=3, pros=2)
    await start_with_checkin(chat)
    await chat.say(FAY, "round One thing you learned from a mistake")
    await chat.say(lee, "share Asking twice is fine")
    await chat.say(sam, "share Saying no")
    await chat.say(ann, "pass")
    await chat.say(pat, "pass")
    await chat.say(FAY, "share Listening first")
    text = summary_text(await end_meeting(chat))
    assert "Lived experience: 2 of 3 shared · 1 passed" in text
    assert "Professionals: 1 of 3 shared · 1 passed · 1 quiet this time" in text
    assert "Across everyone" not in text
    assert_never_unkind(chat)
    del bob


async def test_shares_after_the_reveal_are_recorded_and_shown_in_the_ledger(
    chat: Chat, db: Database
) -> None:
    """Sharing once everyone else's answers are shown is not the same as going first."""
    lee, sam, ann = LIVED[:3]
    pat, bob = PROS[:2]
    await forum(chat, lived=3, pros=2)
    await start_with_checkin(chat)
    await chat.say(FAY, "round One thing you learned from a mistake")
    await chat.say(lee, "share Asking twice is fine")
    await chat.say(FAY, "share Listening first")
    await chat.say(FAY, "round reveal")
    chat.clock.advance(minutes=1)
    await chat.say(pat, "share Saying sorry sooner")
    await chat.say(sam, "share Writing things down")
    async with db.read() as conn:
        rows = await conn.execute(
            select(members.c.display_name, round_answers.c.after_reveal).join(
                members, members.c.id == round_answers.c.member_id
            )
        )
        after = {name: bool(flag) for name, flag in rows}
    assert after == {"Lee": False, "Fay": False, "Pat": True, "Sam": True}
    text = summary_text(await end_meeting(chat))
    assert "Lived experience: 2 of 3 shared" in text
    assert "Professionals: 2 of 3 shared" in text
    assert "Shared only after the reveal: Lived experience 1 · Professionals 1" in text
    del ann, bob


async def test_no_after_the_reveal_line_when_everyone_shared_first(chat: Chat) -> None:
    await forum(chat, lived=3, pros=2)
    await start_with_checkin(chat)
    await chat.say(FAY, "round One thing you learned from a mistake")
    await chat.say(LIVED[0], "share Asking twice is fine")
    text = summary_text(await end_meeting(chat))
    assert "after the reveal" not in text


async def test_a_round_held_by_the_lock_is_counted_in_one_summary_only(
    chat: Chat, db: Database
) -> None:
    """Held at one meeting's end, the round is counted in the summary of the meeting in which it
    is revealed, and the channel is told it is still held once, not at every meeting's end."""
    lee = LIVED[0]
    pat = PROS[0]
    await forum(chat, lived=3, pros=2)
    await change_group(db, reciprocity_lock=True)
    prompt = "What do you wish people knew?"
    await start_with_checkin(chat)
    await chat.say(FAY, f"round {prompt}")
    await chat.say(lee, "share That it never stops")
    first = await end_meeting(chat)
    first_summary = summary_text(first)
    chat.clock.advance(days=7)
    await start_with_checkin(chat)
    second = await end_meeting(chat)
    second_summary = summary_text(second)
    chat.clock.advance(days=7)
    await start_with_checkin(chat)
    await chat.say(pat, "share I see it in clinic, and at home")
    await chat.say(FAY, "round reveal")
    third_summary = summary_text(await end_meeting(chat))
    held_posts = [t for t in chat.log_posts() if "Round answers still held" in t]
    assert len(held_posts) == 1
    counted = [
        text
        for text in (first_summary, second_summary, third_summary)
        if "Who shared, by role" in text
    ]
    assert counted == [third_summary]
    assert f"“{prompt}”" in third_summary
    assert "Lived experience: 1 of 3 shared" in third_summary
    assert "Professionals: 1 of 3 shared" in third_summary
    assert f"“{prompt}”" not in second_summary
    assert "still held by the reciprocity lock" in first_summary

    """Two professionals (k = 3): shares by role, but passes and silence only added up."""


async def test_small_role_groups_are_merged_or_left_out(chat: Chat) -> None:
    """Two professionals (k = 3) and no other small group to merge with: left out."""
    lee, sam, ann = LIVED[:3]
    pat = PROS[0]
    await forum(chat, lived=3, pros=1)
    await start_with_checkin(chat)
    await chat.say(FAY, "round Something that made you smile")
    await chat.say(lee, "share The sun")
    await chat.say(sam, "pass")
    await chat.say(pat, "pass")
    text = summary_text(await end_meeting(chat))
    assert "Lived experience: 1 of 3 shared · 1 passed · 1 quiet this time" in text
    assert "Roles with too few people to keep anyone anonymous aren't shown." in text
    assert "Professionals:" not in text and "Across everyone" not in text
    del ann


def _info(round_id: int) -> RoundInfo:
    return RoundInfo(round_id, 1, datetime(2026, 3, 3, 9, tzinfo=UTC), None)


def _member(mid: int, role: str | None) -> MemberRole:
    return MemberRole(mid, role, datetime(2026, 1, 1, tzinfo=UTC))


LE, PRO = "lived-experience", "professional"


@pytest.mark.parametrize(
    ("roster", "answers", "expected", "left_out"),
    [
        # Shared in one round, passed in another: counts once, as shared.
        (
            [(1, LE), (2, LE), (3, LE)],
            [(1, 1, "share", LE), (2, 1, "pass", LE), (2, 2, "share", LE), (3, 2, "pass", LE)],
            {"Lived experience": (3, 2, 1, 0)},
            False,
        ),
        # One professional among three lived-experience members: left out, and no totals.
        (
            [(1, LE), (2, LE), (3, LE), (4, PRO)],
            [(1, 1, "share", LE), (4, 1, "pass", PRO)],
            {"Lived experience": (3, 1, 0, 2)},
            True,
        ),
        # Two people in all: nothing.
        (
            [(1, LE), (2, None)],
            [(1, 1, "pass", LE)],
            {},
            True,
        ),
        # The role given when answering counts, not the role now; "prefer-not-to-say" and no
        # role share a line; three small groups together make "Other roles".
        (
            [(1, PRO), (2, "prefer-not-to-say"), (3, "both")],
            [(1, 1, "share", LE)],
            {"Other roles": (3, 1, 0, 2)},
            False,
        ),
    ],
)
def test_meeting_ledger_rules(
    roster: list[tuple[int, str | None]],
    answers: list[tuple[int, int, str, str | None]],
    expected: dict[str, tuple[int, int, int, int]],
    left_out: bool,
) -> None:
    ledger = meeting_ledger(
        [_info(1), _info(2)],
        [RoundAnswerRow(rid, mid, role, kind) for mid, rid, kind, role in answers],
        [_member(mid, role) for mid, role in roster],
        k=3,
        now=datetime(2026, 3, 3, 12, tzinfo=UTC),
    )
    assert ledger is not None
    got = {r.label: (r.people, r.shared, r.passed, r.quiet) for r in ledger.roles}
    assert got == expected
    assert ledger.left_out is left_out


def test_a_member_who_joined_after_a_round_closed_is_not_counted() -> None:
    closed = RoundInfo(
        1, 1, datetime(2026, 3, 3, 9, tzinfo=UTC), datetime(2026, 3, 3, 10, tzinfo=UTC)
    )
    late = MemberRole(2, LE, datetime(2026, 3, 3, 11, tzinfo=UTC))
    ledger = meeting_ledger(
        [closed], [], [_member(1, LE), late], k=1, now=datetime(2026, 3, 3, 12, tzinfo=UTC)
    )
    assert ledger is not None
    assert [(r.label, r.people, r.quiet) for r in ledger.roles] == [("Lived experience", 1, 1)]


def test_no_rounds_no_ledger() -> None:
    assert meeting_ledger([], [], [_member(1, None)], k=3, now=datetime.now(UTC)) is None


# -- elephants ----------------------------------------------------------------------------------


async def name_elephant(chat: Chat, core: Core, who: Who, text: str) -> None:
    named = await chat.say(who, f"elephant {text}")
    assert "without your name" in named.reply
    chat.clock.advance(minutes=10)
    await core.run_job(elephant_handlers.post_due_elephants)


async def test_elephants_you_said_we_did_and_hidden_ones_never(chat: Chat, core: Core) -> None:
    lee, sam = LIVED[:2]
    await forum(chat, lived=3, pros=1)
    await name_elephant(chat, core, lee, "Parents are asked last")
    await name_elephant(chat, core, sam, "Something unkind about one person")
    await name_elephant(chat, core, lee, "The meeting time suits staff only")
    await start_with_checkin(chat)
    await chat.say(FAY, "elephant 1 addressed Parents now speak first")
    await chat.say(FAY, "elephant 2 hidden")
    text = summary_text(await end_meeting(chat))
    numbers = {}
    for line in text.splitlines():
        if line.startswith("#"):
            numbers[line.split()[0]] = line
    assert "“Parents are asked last” — Addressed: Parents now speak first" in numbers["#1"]
    assert "“The meeting time suits staff only” — Still open" in numbers["#3"]
    assert "#2" not in numbers
    assert "unkind" not in text


async def test_an_elephant_not_yet_posted_is_not_in_the_summary(chat: Chat) -> None:
    await forum(chat, lived=3, pros=1)
    await start_with_checkin(chat)
    await chat.say(LIVED[0], "elephant Still within its delay")
    text = summary_text(await chat.say(FAY, "meeting end"))
    assert "Still within its delay" not in text


async def test_big_elephant_perspectives_are_counted_only_once_revealed(
    chat: Chat, db: Database
) -> None:
    await forum(chat, lived=3, pros=1)
    gid = await group_id(db)
    now = chat.clock.now
    async with db.write() as conn:
        for number, revealed in ((1, now), (2, None)):
            result = await conn.execute(
                insert(elephants)
                .values(
                    group_id=gid,
                    number=number,
                    size="big",
                    text=f"Big thing {number}",
                    status="open",
                    post_after=now,
                    posted_at=now,
                    perspectives_revealed_at=revealed,
                )
                .returning(elephants.c.id)
            )
            eid = result.scalar_one()
            for i in range(6 if revealed else 2):
                await conn.execute(
                    insert(perspectives).values(
                        elephant_id=eid, text=f"view {i}", shown_at=revealed
                    )
                )
    await start_with_checkin(chat)
    text = summary_text(await end_meeting(chat))
    assert "#1 (big) “Big thing 1” — Still open · 6 perspectives shown together" in text
    assert "#2 (big) “Big thing 2” — Still open · perspectives stay private until 3" in text
    assert "view 0" not in text


# -- once only ----------------------------------------------------------------------------------


async def test_post_summary_twice_posts_once(chat: Chat, core: Core, db: Database) -> None:
    await forum(chat)
    await start_with_checkin(chat)
    ended = await end_meeting(chat)
    assert len([t for t in ended.posts if "Meeting summary" in t]) == 1
    meeting = await latest_meeting(db)

    async def again(ctx: Context) -> list[Effect]:
        return await post_summary(ctx, meeting)

    assert await run(core, db, again) == []
    assert await run(core, db, again) == []


async def test_summary_mid_meeting_is_a_summary_so_far_and_the_closing_one_still_comes(
    chat: Chat,
) -> None:
    """Asked for mid-meeting, the summary says it is one so far; what happens after it (shares,
    outcomes) is in the closing summary at the meeting's end."""
    lee, sam = LIVED[:2]
    await forum(chat)
    await start_with_checkin(chat)
    await chat.say(FAY, "round What helped this month?")
    await chat.say(lee, "share Other parents")
    posted = await chat.say(FAY, "summary")
    so_far = summary_text(posted)
    assert "Meeting summary so far: Tuesday 3 March" in so_far
    assert "This is a summary so far" in so_far
    assert "I've posted a summary so far of the meeting on Tuesday 3 March" in posted.reply
    assert "The full summary comes when the meeting ends." in posted.reply
    await chat.say(sam, "share Sleep")
    await chat.say(FAY, "round reveal")
    ended = await end_meeting(chat)
    closing = summary_text(ended)
    assert "Meeting summary: Tuesday 3 March" in closing
    assert "so far" not in closing
    assert "Lived experience: 2 of 3 shared" in closing
    again = await chat.say(FAY, "summary")
    assert not again.posts
    assert "already posted on Tuesday 3 March at 09:45" in again.reply


async def test_summary_command_after_the_meeting_says_when_it_was_posted(chat: Chat) -> None:
    await forum(chat)
    await start_with_checkin(chat)
    await end_meeting(chat)
    again = await chat.say(FAY, "summary")
    assert not again.posts
    assert "The summary of the meeting on Tuesday 3 March was already posted on " in again.reply
    assert "at 09:45" in again.reply


async def test_summary_command_posts_the_latest_ended_meeting_if_not_yet_posted(
    chat: Chat, db: Database
) -> None:
    await forum(chat)
    gid = await group_id(db)
    start = chat.clock.now - timedelta(days=1)
    async with db.write() as conn:
        await meetings.create(
            conn, gid, start, start + timedelta(hours=1), status="ended", source="manual"
        )
    posted = await chat.say(FAY, "summary")
    assert "Meeting summary: Monday 2 March" in summary_text(posted)
    assert "there won't be another" not in posted.reply


async def test_summary_with_no_meeting_says_how_to_start_one(chat: Chat) -> None:
    await forum(chat)
    said = await chat.say(FAY, "summary")
    assert said.reply == NOTHING_TO_SUMMARISE
    assert not said.posts


async def test_only_facilitators_ask_for_the_summary(chat: Chat) -> None:
    await forum(chat)
    await start_with_checkin(chat)
    said = await chat.say(LIVED[0], "summary")
    assert "Only facilitators" in said.reply
    assert not said.posts


# -- dates, next meeting, reflections ------------------------------------------------------------


async def test_date_is_in_the_groups_time_zone(chat: Chat, db: Database) -> None:
    await forum(chat)
    await change_group(db, timezone="Australia/Sydney")
    chat.clock.set(datetime(2026, 3, 3, 22, 0, tzinfo=UTC))  # 09:00 on Wednesday in Sydney
    await start_with_checkin(chat)
    text = summary_text(await end_meeting(chat))
    assert "Meeting summary: Wednesday 4 March" in text


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (None, "No next meeting scheduled."),
        ("weekly tue 09:00 90m", "Next meeting: Tuesday 10 March at 09:00"),
        # Later today counts: this meeting was an extra one before the usual time.
        ("weekly tue 11:00 90m", "Next meeting: Tuesday 3 March at 11:00"),
        ("weekly thu 18:30 1h", "Next meeting: Thursday 5 March at 18:30"),
    ],
)
async def test_next_meeting(chat: Chat, db: Database, rule: str | None, expected: str) -> None:
    await forum(chat)
    await change_group(db, schedule_rule=rule)
    await start_with_checkin(chat)
    assert expected in summary_text(await end_meeting(chat))


async def test_next_meeting_prefers_a_scheduled_meeting_row(chat: Chat, db: Database) -> None:
    await forum(chat)
    gid = await group_id(db)
    when = datetime(2026, 3, 12, 14, 0, tzinfo=UTC)
    async with db.write() as conn:
        await meetings.create(
            conn, gid, when, when + timedelta(hours=2), status="scheduled", source="schedule"
        )
    await start_with_checkin(chat)
    assert "Next meeting: Thursday 12 March at 14:00" in summary_text(await end_meeting(chat))


@pytest.mark.parametrize(
    ("scores", "changes", "in_summary", "note"),
    [
        ([4, 5], ["a", "b", "c"], None, ["One thing people would change:"]),
        (
            [4, 5, 3],
            [],
            "Last time, 3 people said how heard they felt: 4.0 out of 5 on average.",
            ["3 people said how heard they felt"],
        ),
        (
            [1, 2, 3, 5, 4, 2],
            ["Shorter meetings", "More breaks"],
            "Last time, 6 people said",
            ["2.8 out of 5"],
        ),
        ([], [], None, None),
    ],
)
async def test_last_meetings_reflections_only_at_k(
    chat: Chat,
    db: Database,
    scores: list[int],
    changes: list[str],
    in_summary: str | None,
    note: list[str] | None,
) -> None:
    await forum(chat)
    await start_with_checkin(chat)
    await end_meeting(chat)
    first = await latest_meeting(db)
    async with db.write() as conn:
        for score in scores:
            await reflection_store.add(
                conn, first.id, heard=score, change=None, rng=random.Random(score)
            )
        for i, change in enumerate(changes):
            await reflection_store.add(
                conn, first.id, heard=None, change=change, rng=random.Random(100 + i)
            )
        for scored in (True, False):  # as if counted in whole crowds when they came
            waiting = await reflection_store.uncounted(conn, first.id, scores=scored)
            await reflection_store.count_in(conn, waiting)
    chat.clock.advance(days=7)
    await start_with_checkin(chat)
    ended = await end_meeting(chat)
    text = summary_text(ended)
    if in_summary:
        assert in_summary in text
    else:
        assert "Last time" not in text
    notes = [card_text(e.card) for e in ended.messages if "Reflections" in e.card.title]
    if note is None:
        assert notes == []
    else:
        assert [e.user_id for e in ended.messages if "Reflections" in e.card.title] == [FAY.user_id]
        for phrase in note:
            assert phrase in notes[0]
        if len(changes) < 3:
            assert "One thing people would change" not in notes[0]
            for change in changes:
                assert change not in notes[0]


# -- cost follows the meeting, not the history ---------------------------------------------------

HISTORY_TABLES = (
    "meetings",
    "checkins",
    "elephants",
    "elephant_marks",
    "perspectives",
    "rounds",
    "round_answers",
    "reflections",
    "reflection_tokens",
    "firings",
)


async def add_history(db: Database, gid: int, count: int, before: datetime) -> None:
    """`count` ended weekly meetings with check-ins, a round, answers, elephants, reflections."""
    async with db.write() as conn:
        people = [
            r.id for r in await conn.execute(members.select().where(members.c.group_id == gid))
        ]
        for week in range(count, 0, -1):
            start = before - timedelta(weeks=week)
            meeting = await meetings.create(
                conn, gid, start, start + timedelta(hours=1), status="ended", source="schedule"
            )
            await conn.execute(
                insert(checkins),
                [
                    {
                        "meeting_id": meeting.id,
                        "member_id": p,
                        "mood": 3,
                        "passed": False,
                        "words": "old words",
                        "visibility": "group",
                        "answered_at": start,
                    }
                    for p in people
                ],
            )
            rid = (
                await conn.execute(
                    insert(rounds)
                    .values(
                        group_id=gid,
                        meeting_id=meeting.id,
                        prompt="old",
                        status="closed",
                        opened_at=start,
                        revealed_at=start,
                        closed_at=start,
                    )
                    .returning(rounds.c.id)
                )
            ).scalar_one()
            await conn.execute(
                insert(round_answers),
                [
                    {
                        "round_id": rid,
                        "member_id": p,
                        "role": None,
                        "kind": "share",
                        "text": "old share",
                        "consent_summary": True,
                        "answered_at": start,
                    }
                    for p in people
                ],
            )
            await conn.execute(
                insert(elephants).values(
                    group_id=gid,
                    number=1000 + meeting.id,
                    size="little",
                    text="old elephant",
                    status="addressed",
                    post_after=start,
                    posted_at=start,
                    status_changed_at=start,
                )
            )
            await conn.execute(
                insert(reflections).values(meeting_id=meeting.id, heard=4, counted=True)
            )


async def summary_statements(core: Core, db: Database) -> list[tuple[str, Any]]:
    """Run post_summary for the latest meeting and return every SQL statement it executed."""
    meeting = await latest_meeting(db)
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, params: Any, *rest: Any) -> None:
        seen.append((statement, params))

    async def job(ctx: Context) -> list[Effect]:
        return await post_summary(ctx, meeting)

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        effects = await run(core, db, job)
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)
    assert any(isinstance(e, PostToConversation) for e in effects)
    return seen


def scans(db: Database, statements: list[tuple[str, Any]]) -> list[str]:
    """Query-plan steps that read a whole history table instead of searching an index."""
    found = []
    path = db.url.database
    assert path
    with sqlite3.connect(path) as conn:
        for statement, params in statements:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            for row in conn.execute(f"EXPLAIN QUERY PLAN {statement}", params or ()):
                detail = str(row[-1])
                words = detail.split()
                if len(words) < 2 or words[1] not in HISTORY_TABLES:
                    continue
                # A full scan, or an index used only to find the group: both read all history.
                if words[0] == "SCAN" or detail.endswith("(group_id=?)"):
                    found.append(detail)
    return found


@pytest.mark.sqlite_only(reason="reads SQLite's EXPLAIN QUERY PLAN")
async def test_summary_cost_follows_the_meeting_not_the_history(
    chat: Chat, core: Core, db: Database
) -> None:
    await forum(chat, lived=3, pros=2)
    card = await start_with_checkin(chat)
    await check_in(chat, card, [(p, "4 Good") for p in LIVED[:3]])
    await chat.say(FAY, "round Today's round")
    await chat.say(LIVED[0], "share words")
    await chat.say(FAY, "meeting end")
    yesterday = chat.clock.now - timedelta(days=1)
    await add_history(db, await group_id(db), 1, yesterday)
    short = await summary_statements_after_reset(core, db)
    await add_history(db, await group_id(db), 260, yesterday - timedelta(weeks=1))
    long = await summary_statements_after_reset(core, db)
    assert len(long) == len(short)
    assert scans(db, long) == []


async def summary_statements_after_reset(core: Core, db: Database) -> list[tuple[str, Any]]:
    """Forget that the latest meeting's summary was posted, then post it again and record."""
    meeting = await latest_meeting(db)
    async with db.write() as conn:
        await conn.execute(
            meetings_table.update()
            .where(meetings_table.c.id == meeting.id)
            .values(summary_posted_at=None)
        )
    return await summary_statements(core, db)


async def test_long_history_summary_shows_only_this_meeting(
    chat: Chat, core: Core, db: Database
) -> None:
    await forum(chat, lived=3, pros=2)
    await add_history(db, await group_id(db), 30, chat.clock.now - timedelta(days=1))
    await start_with_checkin(chat)
    text = summary_text(await end_meeting(chat))
    assert "old words" not in text
    assert "old share" not in text
    assert "old elephant" not in text
    assert "Last time, 6 people" not in text  # one reflection last time: below k
    assert "No check-ins this time." in text


async def test_next_meeting_is_never_the_meeting_being_summarised(chat: Chat, db: Database) -> None:
    """A scheduled meeting under way (check-in sent, start time still ahead) is not "next"."""
    await forum(chat)
    gid = await group_id(db)
    soon = chat.clock.now + timedelta(minutes=10)
    async with db.write() as conn:
        for start in (soon, soon + timedelta(weeks=1)):
            await meetings.create(
                conn, gid, start, start + timedelta(hours=1), status="scheduled", source="schedule"
            )
    await chat.say(FAY, "checkin")
    posted = await chat.say(FAY, "summary")
    text = summary_text(posted)
    assert "Meeting summary so far: Tuesday 3 March" in text
    assert "Next meeting: Tuesday 10 March at 09:10" in text
