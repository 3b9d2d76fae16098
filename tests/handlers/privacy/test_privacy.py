"""`privacy`, `my-data`, `forget-me` and `export`: what is held, shown, erased and exported."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from bot.effects import SendFileToActor
from bot.handlers.privacy import personal_data
from bot.handlers.privacy.export import build_export
from bot.identity import Who
from bot.store import groups, meetings, members
from bot.store.database import Database
from bot.store.groups import Group
from bot.store.schema import (
    checkins,
    elephant_marks,
    elephants,
    perspectives,
    reflections,
    round_answers,
    rounds,
)
from bot.store.schema import members as members_table
from tests.dialogue import Chat, Outcome, channel, count, dm, person

ANA = person("Ana")  # facilitator, lived experience
BEN = person("Ben")  # professional
CAL = person("Cal")  # lived experience
DEE = person("Dee")  # professional
START = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)


async def the_group(db: Database, name: str = "general") -> Group:
    async with db.read() as conn:
        group = await groups.for_conversation(conn, channel(name))
    assert group is not None
    return group


async def member_id(db: Database, who: Who, name: str = "general") -> int | None:
    group = await the_group(db, name)
    async with db.read() as conn:
        found = await members.get(conn, group.id, who.user_id)
    return found.id if found else None


async def forum(chat: Chat) -> None:
    await chat.say(ANA, "setup Parents Forum")
    await chat.say(ANA, "role lived-experience")
    await chat.say(BEN, "role professional")
    await chat.say(CAL, "role lived-experience")
    await chat.say(DEE, "role professional")


async def a_meeting(db: Database, answers: list[tuple[Who, int | None, str | None, str]]) -> int:
    """An ended meeting with check-ins: (who, mood or None for a pass, words, visibility)."""
    group = await the_group(db)
    async with db.write() as conn:
        meeting = await meetings.create(
            conn, group.id, START, START + timedelta(hours=1), status="ended", source="manual"
        )
        for who, mood, words, visibility in answers:
            found = await members.get(conn, group.id, who.user_id)
            assert found is not None
            await conn.execute(
                insert(checkins).values(
                    meeting_id=meeting.id,
                    member_id=found.id,
                    mood=mood,
                    passed=mood is None,
                    words=words,
                    visibility=visibility,
                    answered_at=START,
                )
            )
    return meeting.id


async def a_round(
    db: Database,
    prompt: str,
    answers: list[tuple[Who, str, str | None, bool]],
    *,
    revealed: bool = True,
) -> int:
    """A round with answers: (who, "share"/"pass", text, consent to the summary)."""
    group = await the_group(db)
    async with db.write() as conn:
        result = await conn.execute(
            insert(rounds)
            .values(
                group_id=group.id,
                prompt=prompt,
                status="revealed" if revealed else "open",
                opened_at=START,
                revealed_at=START + timedelta(minutes=20) if revealed else None,
            )
            .returning(rounds.c.id)
        )
        round_id = int(result.scalar_one())
        for who, kind, text, consent in answers:
            found = await members.get(conn, group.id, who.user_id)
            assert found is not None
            await conn.execute(
                insert(round_answers).values(
                    round_id=round_id,
                    member_id=found.id,
                    role=found.role,
                    kind=kind,
                    text=text,
                    consent_summary=consent,
                    answered_at=START,
                )
            )
    return round_id


async def an_elephant(
    db: Database,
    number: int,
    text: str,
    *,
    status: str = "open",
    posted: bool = True,
    size: str = "little",
    outcome: str | None = None,
    revealed: bool = False,
) -> int:
    group = await the_group(db)
    async with db.write() as conn:
        result = await conn.execute(
            insert(elephants)
            .values(
                group_id=group.id,
                number=number,
                size=size,
                text=text,
                status=status,
                outcome=outcome,
                post_after=START,
                posted_at=START if posted else None,
                perspectives_revealed_at=START if revealed else None,
            )
            .returning(elephants.c.id)
        )
        return int(result.scalar_one())


# -- privacy ----------------------------------------------------------------------------------


async def test_privacy_in_a_group_uses_its_own_numbers(chat: Chat) -> None:
    await forum(chat)
    await chat.say(ANA, "set k 4")
    await chat.say(ANA, "set anonymity-delay 20")
    await chat.say(ANA, "set retention 90")
    reply = (await chat.say(BEN, "privacy")).reply
    for phrase in (
        "What I keep about you in Parents Forum",
        "check-in words are seen only by the people you chose",
        "Round answers are held until the round is revealed",
        "Only words you agreed to share go in the meeting summary",
        "stored with no author at all",
        "posted after a delay (up to about 20 minutes here)",
        "only once at least 4 people have taken part",
        "Passing is an answer",
        "never shown as “not responded”",
        "kept for 90 days",
        "`my-data`",
        "`forget-me`",
    ):
        assert phrase in reply


async def test_privacy_says_so_when_the_delay_is_off(chat: Chat) -> None:
    await forum(chat)
    await chat.say(ANA, "set anonymity-delay 0")
    reply = (await chat.say(BEN, "privacy")).reply
    assert "turned the posting delay off" in reply


async def test_privacy_works_anywhere(chat: Chat) -> None:
    outside = (await chat.say(BEN, "privacy", where=channel("random"))).reply
    assert "What I keep about you in each group" in outside and "at least 3 people" in outside
    alone = (await chat.say(BEN, "privacy", where=dm(BEN))).reply
    assert "What I keep about you in each group" in alone


async def test_privacy_in_a_direct_message_names_your_only_group(chat: Chat) -> None:
    await forum(chat)
    reply = (await chat.say(BEN, "privacy", where=dm(BEN))).reply
    assert "What I keep about you in Parents Forum" in reply


# -- my-data ----------------------------------------------------------------------------------


async def test_my_data_shows_everything_held_and_only_mine(chat: Chat, db: Database) -> None:
    await forum(chat)
    await chat.say(BEN, "nudges off")
    await a_meeting(
        db,
        [
            (BEN, 4, "Tired but *glad* @here", "facilitators"),
            (CAL, 2, "Cal's private words", "nobody"),
        ],
    )
    await a_round(
        db,
        "What did you find hard this week?",
        [(BEN, "share", "My own caring at home", False), (CAL, "pass", None, False)],
    )
    await a_round(db, "Something you're proud of", [(BEN, "pass", None, False)], revealed=False)
    await an_elephant(db, 1, "Decisions are made before we meet")
    reply = (await chat.say(BEN, "my-data")).reply
    for phrase in (
        "everything I hold about you in Parents Forum",
        "Each group keeps its own record",
        "your name here is “Ben”",
        "role: professional; facilitator: no; nudges: off",
        "Tuesday 3 March 2026: Good (4 of 5); your words, seen by the facilitators only",
        "“What did you find hard this week?”: you shared “My own caring at home”; kept out of "
        "the summary",
        "“Something you're proud of”: you passed",
        "I never recorded who sent them",
        "`forget-me`",
    ):
        assert phrase in reply
    assert "@here" not in reply and "*glad*" not in reply  # repeated safely
    assert "Cal" not in reply and "Decisions are made" not in reply


async def test_my_data_of_a_pass_and_a_held_share(chat: Chat, db: Database) -> None:
    await forum(chat)
    await a_meeting(db, [(CAL, None, None, "group")])
    await a_round(db, "A prompt", [(CAL, "share", "Held words", True)], revealed=False)
    reply = (await chat.say(CAL, "my-data")).reply
    assert "Tuesday 3 March 2026: you passed" in reply
    assert "you shared “Held words” (held until the round is revealed); may go in the summary" in (
        reply
    )


async def test_my_data_with_nothing_yet(chat: Chat) -> None:
    await forum(chat)
    reply = (await chat.say(DEE, "my-data")).reply
    assert "Your check-ins: none." in reply and "Your answers in sharing rounds: none." in reply


async def test_my_data_is_per_group(chat: Chat, db: Database) -> None:
    await forum(chat)
    await chat.say(person("Eve"), "setup Other", where=channel("other"))
    await chat.say(BEN, "role both", where=channel("other"))
    await a_meeting(db, [(BEN, 5, "Forum words", "group")])
    other = (await chat.say(BEN, "my-data", where=channel("other"))).reply
    assert "in Other" in other and "Forum words" not in other and "role: both" in other


# -- forget-me --------------------------------------------------------------------------------


async def test_forget_me_asks_first_and_cancel_keeps_everything(chat: Chat, db: Database) -> None:
    await forum(chat)
    outcome = await chat.say(BEN, "forget-me")
    assert "This erases everything I hold about you in Parents Forum" in outcome.reply
    assert "It can't be undone" in outcome.reply
    assert "Summaries already posted in the channel stay too" in outcome.reply
    cancel = await chat.press(BEN, outcome.button("No, keep it"))
    assert "Nothing erased" in cancel.reply
    assert await member_id(db, BEN) is not None


async def test_forget_me_erases_everything_attributable(chat: Chat, db: Database) -> None:
    await forum(chat)
    meeting = await a_meeting(db, [(BEN, 3, "words", "group"), (CAL, 4, None, "group")])
    await a_round(db, "Prompt", [(BEN, "share", "mine", True), (CAL, "share", "theirs", True)])
    elephant = await an_elephant(db, 1, "An elephant")
    async with db.write() as conn:
        await conn.execute(insert(elephant_marks).values(elephant_id=elephant, token="t" * 64))
        await conn.execute(insert(reflections).values(meeting_id=meeting, heard=4))
    ben = await member_id(db, BEN)
    outcome = await chat.say(BEN, "forget-me")
    done = await chat.press(BEN, outcome.button("Yes, erase my data"))
    assert "I've erased everything I held about you in Parents Forum" in done.reply
    assert "What stays: elephants, perspectives, reflections, the “I see it too” counts" in (
        done.reply
    )
    assert "summaries already posted in the channel" in done.reply
    assert await member_id(db, BEN) is None
    assert await count(db, checkins, member_id=ben) == 0
    assert await count(db, round_answers, member_id=ben) == 0
    # everyone else's data, and anonymous things, stay
    assert await count(db, checkins) == 1 and await count(db, round_answers) == 1
    assert await count(db, elephants) == 1 and await count(db, elephant_marks) == 1
    assert await count(db, reflections) == 1
    assert await count(db, members_table) == 3


async def test_forget_me_by_a_facilitator_who_is_not_the_last(chat: Chat, db: Database) -> None:
    await forum(chat)
    await chat.say(ANA, "facilitator @Ben")
    outcome = await chat.say(ANA, "forget-me")
    await chat.press(ANA, outcome.button("Yes, erase my data"))
    assert await member_id(db, ANA) is None


async def test_the_last_facilitator_is_asked_to_hand_over_first(chat: Chat, db: Database) -> None:
    await forum(chat)
    outcome = await chat.say(ANA, "forget-me")
    assert "You're the only facilitator of Parents Forum, so I can't erase you yet" in (
        outcome.reply
    )
    assert "`facilitator @name`" in outcome.reply and "Nothing has been erased" in outcome.reply
    assert not outcome.cards()[0].buttons


async def test_the_last_facilitator_check_holds_at_confirmation_too(
    chat: Chat, db: Database
) -> None:
    await forum(chat)
    await chat.say(ANA, "facilitator @Ben")
    asked = await chat.say(ANA, "forget-me")
    await chat.say(ANA, "facilitator remove @Ben")
    outcome = await chat.press(ANA, asked.button("Yes, erase my data"))
    assert "You're the only facilitator" in outcome.reply
    assert await member_id(db, ANA) is not None


async def test_someone_elses_confirmation_button_does_nothing(chat: Chat, db: Database) -> None:
    await forum(chat)
    asked = await chat.say(BEN, "forget-me")
    outcome = await chat.press(CAL, asked.button("Yes, erase my data"))
    assert "That button is out of date, so I haven't done anything" in outcome.reply
    assert await member_id(db, BEN) is not None and await member_id(db, CAL) is not None
    cancel = await chat.press(CAL, asked.button("No, keep it"))
    assert "Nothing erased." in cancel.reply


async def test_pressing_confirm_twice_does_not_rejoin(chat: Chat, db: Database) -> None:
    await forum(chat)
    asked = await chat.say(BEN, "forget-me")
    await chat.press(BEN, asked.button("Yes, erase my data"))
    again = await chat.press(BEN, asked.button("Yes, erase my data"))
    assert "That button is out of date" in again.reply
    assert await member_id(db, BEN) is None
    from_dm = await chat.press(BEN, asked.button("Yes, erase my data"), where=dm(BEN))
    assert "You're not a member of Parents Forum" in from_dm.reply


async def test_a_failure_half_way_erases_nothing(
    chat: Chat, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    await forum(chat)
    await a_meeting(db, [(BEN, 3, "words", "group")])
    real_erase = personal_data.erase

    async def failing(conn: Any, member: Any) -> None:
        await real_erase(conn, member)
        raise RuntimeError("disk full")

    monkeypatch.setattr("bot.handlers.privacy.commands.erase", failing)
    asked = await chat.say(BEN, "forget-me")
    outcome = await chat.press(BEN, asked.button("Yes, erase my data"))
    assert "nothing was saved" in outcome.reply
    assert await member_id(db, BEN) is not None
    assert await count(db, checkins) == 1


# -- export -----------------------------------------------------------------------------------


async def exported(chat: Chat) -> dict[str, Any]:
    """The export file Ana is given (whole, as a file: never a message to cut)."""
    outcome = await chat.say(ANA, "export")
    [file] = outcome.of(SendFileToActor)
    assert isinstance(file, SendFileToActor)
    assert file.title == "Export of Parents Forum"
    assert file.filename.startswith("common-ground-parents-forum-") and file.filename.endswith(
        ".json"
    )
    assert "I've sent you the export of Parents Forum as a file." in outcome.reply
    data: dict[str, Any] = json.loads(file.content.decode("utf-8"))
    return data


async def test_export_holds_settings_and_members_without_user_ids(chat: Chat) -> None:
    await forum(chat)
    await chat.say(ANA, "schedule weekly tue 10:00 90m")
    data = await exported(chat)
    assert data["format"] == "common-ground-export/1"
    assert data["group"]["name"] == "Parents Forum"
    assert data["group"]["schedule"]["description"].startswith("every Tuesday at 10:00")
    assert data["group"]["k"] == 3 and data["group"]["retention_days"] == 365
    assert {"name": "Ben", "facilitator": False} in data["members"]["people"]
    assert {"name": "Ana", "facilitator": True} in data["members"]["people"]
    # roles are for counting only: never listed against a name
    assert all(set(p) == {"name", "facilitator"} for p in data["members"]["people"])
    assert data["members"]["roles"] == {"other roles": 4}  # two of each role: merged
    assert "U-" not in json.dumps(data)


async def test_export_check_ins_respect_k_and_visibility(chat: Chat, db: Database) -> None:
    await forum(chat)
    await a_meeting(
        db,
        [
            (ANA, 4, "For the group", "group"),
            (BEN, 2, "For facilitators", "facilitators"),
            (CAL, 5, "For nobody", "nobody"),
        ],
    )
    (meeting,) = (await exported(chat))["meetings"]
    assert meeting["checkin"]["checked_in"] == 3
    assert meeting["checkin"]["moods"] == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 1}
    words = meeting["checkin"]["words"]
    assert {"text": "For the group", "seen_by": "group"} in words
    assert {"text": "For facilitators", "seen_by": "facilitators"} in words
    assert "For nobody" not in json.dumps(meeting)
    assert "Ana" not in json.dumps(meeting)  # words carry no names


async def test_export_hides_a_mood_spread_below_k(chat: Chat, db: Database) -> None:
    await forum(chat)
    await a_meeting(
        db, [(ANA, 4, None, "group"), (BEN, 2, None, "group"), (CAL, None, None, "group")]
    )
    (meeting,) = (await exported(chat))["meetings"]
    assert meeting["checkin"]["checked_in"] == 3  # the pass counts as present
    assert meeting["checkin"]["moods"] is None  # only 2 moods, k is 3


async def test_export_reflections_only_from_k(chat: Chat, db: Database) -> None:
    await forum(chat)
    meeting = await a_meeting(db, [])
    async with db.write() as conn:
        for heard in (4, 5):
            await conn.execute(
                insert(reflections).values(meeting_id=meeting, heard=heard, counted=True)
            )
    assert (await exported(chat))["meetings"][0]["reflections"] is None
    async with db.write() as conn:
        await conn.execute(insert(reflections).values(meeting_id=meeting, heard=5, counted=True))
    spread = (await exported(chat))["meetings"][0]["reflections"]
    assert spread == {"answers": 3, "felt_heard": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 2}}


async def test_export_elephants_as_posted(chat: Chat, db: Database) -> None:
    await forum(chat)
    await an_elephant(db, 1, "Tokenism", status="addressed", outcome="We changed the agenda")
    await an_elephant(db, 2, "Something cruel", status="hidden")
    await an_elephant(db, 3, "Not posted yet", posted=False)
    big = await an_elephant(db, 4, "Power in the room", size="big", revealed=True)
    unrevealed = await an_elephant(db, 5, "Another big one", size="big")
    async with db.write() as conn:
        for text, tag in (("View b", "professional"), ("View a", None), ("View c", "both")):
            await conn.execute(
                insert(perspectives).values(
                    elephant_id=big, text=text, role_tag=tag, shown_at=START
                )
            )
        await conn.execute(insert(perspectives).values(elephant_id=unrevealed, text="Secret"))
        for n in range(3):
            await conn.execute(insert(elephant_marks).values(elephant_id=big, token=f"{n}" * 64))
        await conn.execute(elephants.update().where(elephants.c.id == big).values(marks_shown=3))
    items = {e["number"]: e for e in (await exported(chat))["elephants"]}
    assert sorted(items) == [1, 2, 4, 5]
    assert items[1]["text"] == "Tokenism" and items[1]["outcome"] == "We changed the agenda"
    assert items[1]["status"] == "addressed" and items[1]["see_it_too"] is None
    assert items[2]["hidden"] is True and items[2]["text"] is None
    assert "Something cruel" not in json.dumps(items)
    assert items[4]["perspectives"] == {
        "texts": ["View a", "View b", "View c"],
        "by_role": {"other roles": 3},  # one of each: merged, never one by one
    }
    assert items[4]["see_it_too"] == 3
    assert items[5]["perspectives"] is None and "Secret" not in json.dumps(items)


async def test_export_rounds_with_consent_and_ledger(chat: Chat, db: Database) -> None:
    await forum(chat)
    await a_round(
        db,
        "What was hard?",
        [
            (ANA, "share", "Consented words", True),
            (BEN, "share", "Words kept out", False),
            (CAL, "pass", None, False),
            (DEE, "share", "More consented", True),
        ],
    )
    await a_round(db, "Held round", [(ANA, "share", "Held answer", True)], revealed=False)
    data = await exported(chat)
    revealed, held = data["rounds"]
    assert revealed["prompt"] == "What was hard?" and revealed["revealed"] is True
    assert sorted(revealed["shares"]) == ["Consented words", "More consented"]
    assert revealed["shares_without_consent"] == 1
    # Two answers in each role (k = 3): merged into one line.
    assert revealed["ledger"] == {"other roles": {"shared": 3, "passed": 1}}
    assert held["shares"] == [] and held["ledger"] is None and held["revealed"] is False
    text = json.dumps(data)
    assert "Words kept out" not in text and "Held answer" not in text
    assert data["ledger"] == revealed["ledger"]


async def test_export_text_is_neutralised(chat: Chat, db: Database) -> None:
    await forum(chat)
    await an_elephant(db, 1, "ping @channel and *shout*")
    (item,) = (await exported(chat))["elephants"]
    assert "@channel" not in item["text"] and "*" not in item["text"]


async def test_build_export_is_json_ready_for_an_empty_group(chat: Chat, db: Database) -> None:
    await chat.say(ANA, "setup")
    group = await the_group(db)
    async with db.read() as conn:
        data = await build_export(conn, group, group.k)
    assert json.loads(json.dumps(data))["meetings"] == []
    assert data["exported_at"] is None and data["ledger"] == {}


async def test_forget_me_unlinks_the_persons_once_only_tokens_and_keeps_the_counts(
    chat: Chat, db: Database
) -> None:
    """Tokens name nobody, but with the server's key a guess could be tested: forget replaces
    them with random ones, so the guess fails and the count stays."""
    from bot.handlers.elephants.commands import post_due_elephants
    from bot.identity import anonymous_token
    from bot.store.schema import elephant_marks

    await forum(chat)
    await chat.say(BEN, "elephant We never hear from the commissioners")
    chat.clock.advance(minutes=30)
    posted = await chat.core.run_job(post_due_elephants)
    button = Outcome(posted).button("I see it too")
    await chat.press(CAL, button)
    await chat.press(BEN, button)

    async def marks() -> int:
        async with db.read() as conn:
            count = select(func.count()).select_from(elephant_marks)
            return int((await conn.execute(count)).scalar_one())

    async def tokens() -> set[str]:
        async with db.read() as conn:
            return set((await conn.execute(select(elephant_marks.c.token))).scalars())

    (elephant_id,) = {e["id"] for e in await _elephant_rows(db)}
    cal = anonymous_token(chat.core.services.secret, "see-too", elephant_id, CAL)
    ben = anonymous_token(chat.core.services.secret, "see-too", elephant_id, BEN)
    assert await marks() == 2 and {cal, ben} == await tokens()
    asked = await chat.say(CAL, "forget-me")
    done = await chat.press(CAL, asked.button("Yes, erase my data"))
    assert "scrambled codes" in done.reply
    assert await marks() == 2  # the count stays
    left = await tokens()
    assert ben in left and cal not in left and len(left) == 2


async def _elephant_rows(db: Database) -> list[dict[str, Any]]:
    async with db.read() as conn:
        return [dict(row) for row in (await conn.execute(select(elephants))).mappings()]
