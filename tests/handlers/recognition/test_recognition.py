"""Recognition of time, through the core: a member records preparation time and expenses, sees
their own record, claims, declines or gives it to a cause (reminded once about benefits), and the
facilitators list claims, export them and mark them paid, after which the owner is told privately.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from sqlalchemy import select

from bot.effects import MessageMember, PostToConversation, SendFileToActor
from bot.events import Command
from bot.store.database import Database
from bot.store.schema import recognition_claims, recognition_entries
from tests.dialogue import Chat, Outcome, count, dm, person

FAY = person("Fay")  # facilitator
SAM = person("Sam")
PAT = person("Pat")
POLICY = "£25 per meeting for parent carers; ask the council's benefits team for advice"
BENEFITS = "payments for your time can affect some state benefits"


async def _group(chat: Chat, *, on: bool = True, policy: bool = True) -> None:
    await chat.group_of(FAY, [(SAM, "lived-experience"), (PAT, "professional")])
    if on:
        await chat.say(FAY, "set recognition on")
    if policy:
        await chat.say(FAY, f"set recognition-policy {POLICY}")


async def _sam(chat: Chat, text: str) -> Outcome:
    return await chat.say(SAM, text, dm(SAM))


# -- settings ---------------------------------------------------------------------------------


async def test_off_by_default_and_each_command_says_so_plainly(chat: Chat) -> None:
    await _group(chat, on=False, policy=False)
    for text in ("my-time", "time add 1h reading", "expense add 2 bus", "claim", "decline"):
        said = (await _sam(chat, text)).reply
        assert "Recognition of time is off in this group" in said, text
        assert "A facilitator can turn it on with `set recognition on`" in said
    said = (await chat.say(FAY, "claims")).reply
    assert "To turn it on, type `set recognition on`" in said


async def test_facilitator_turns_it_on_and_sets_the_policy_shown_in_settings(chat: Chat) -> None:
    await _group(chat, on=False, policy=False)
    said = (await chat.say(FAY, "set recognition on")).reply
    assert "Recognition of time is now on" in said
    said = (await chat.say(FAY, f"set recognition-policy {POLICY}")).reply
    assert f"Recognition policy is now “{POLICY}”" in said
    shown = (await chat.say(FAY, "settings")).reply
    assert "Recognition of time (`recognition`)" in shown and POLICY in shown
    assert "Recognition of time is now off" in (await chat.say(FAY, "set recognition off")).reply


async def test_policy_text_is_made_safe_and_kept_within_its_limit(chat: Chat) -> None:
    await _group(chat, policy=False)
    said = (await chat.say(FAY, "set recognition-policy " + "x" * 1001)).reply
    assert "1,000" in said or "1000" in said
    await chat.say(FAY, "set recognition-policy Ask @channel about pay")
    shown = (await _sam(chat, "my-time")).reply
    assert "about pay" in shown and "@channel" not in shown


async def test_members_cannot_change_recognition(chat: Chat) -> None:
    await _group(chat, on=False)
    said = (await chat.say(SAM, "set recognition on")).reply
    assert "facilitator" in said
    assert "is off" in (await _sam(chat, "my-time")).reply


# -- time and expenses ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("1h", "1 hour"),
        ("90m", "1 hour 30 minutes"),
        ("1h30", "1 hour 30 minutes"),
        ("1.5h", "1 hour 30 minutes"),
        ("45mins", "45 minutes"),
    ],
)
async def test_time_is_read_in_the_ways_people_write_it(chat: Chat, typed: str, said: str) -> None:
    await _group(chat)
    reply = (await _sam(chat, f"time add {typed} reading papers")).reply
    assert f"Added {said} of preparation time: reading papers" in reply


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("time add soon reading", "couldn't read “soon” as a length of time"),
        ("time add 0m reading", "more than nothing"),
        ("time add 25h reading", "more than a day"),
        ("time add 1h", "a few words on what it was for"),
        ("time add", "Please say how much"),
        ("time", "to add one"),
        ("time remove two", "number from `my-time`"),
    ],
)
async def test_time_mistakes_get_a_plain_answer_and_store_nothing(
    chat: Chat, db: Database, typed: str, said: str
) -> None:
    await _group(chat)
    assert said in (await _sam(chat, typed)).reply
    assert await count(db, recognition_entries) == 0


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("expense add -5 refund", "can't be less than nothing"),
        ("expense add 0 nothing", "more than £0"),
        ("expense add 0.00 nothing", "more than £0"),
        ("expense add 12.345 bus", "at most two numbers after the point"),
        ("expense add 5000 taxi", "more than £1,000.00 in one expense"),
        ("expense add lots bus", "couldn't read “lots” as an amount in pounds"),
        ("expense add 12.40", "a few words on what it was for"),
    ],
)
async def test_expense_mistakes_get_a_plain_answer_and_store_nothing(
    chat: Chat, db: Database, typed: str, said: str
) -> None:
    await _group(chat)
    outcome = await _sam(chat, typed)
    assert said in outcome.reply
    assert await count(db, recognition_entries) == 0


async def test_expenses_in_pounds_and_pence(chat: Chat, db: Database) -> None:
    await _group(chat)
    assert (
        "Added £12.40 of expense: bus fares"
        in (await _sam(chat, "expense add 12.40 bus fares")).reply
    )
    assert "Added £3.00 of expense" in (await _sam(chat, "expense add £3 parking")).reply
    assert "Added £2.50 of expense" in (await _sam(chat, "expense add 2,50 tea")).reply
    assert "Added £1,240.00" not in (await _sam(chat, "expense add 1,240 laptop")).reply
    async with db.read() as conn:
        pence = sorted((await conn.execute(select(recognition_entries.c.pence))).scalars())
    assert pence == [250, 300, 1240]


async def test_my_time_shows_only_your_record_numbered_with_the_policy(chat: Chat) -> None:
    await _group(chat)
    await _sam(chat, "time add 1h reading papers")
    await _sam(chat, "expense add 12.40 bus fares")
    await chat.say(PAT, "time add 2h my own prep", dm(PAT))
    outcome = await _sam(chat, "my-time")
    said = outcome.reply
    assert "1. 1 hour: reading papers" in said and "1. £12.40: bus fares" in said
    assert "my own prep" not in said
    assert POLICY in said
    labels = [b.label for b in outcome.cards()[0].buttons]
    assert labels == ["Claim", "Decline", "Give to a cause"]


async def test_removing_an_entry_by_its_number(chat: Chat, db: Database) -> None:
    await _group(chat)
    await _sam(chat, "time add 1h reading papers")
    await _sam(chat, "time add 30m emails")
    assert "Taken off: 30 minutes: emails" in (await _sam(chat, "time remove 2")).reply
    assert "There's no time 2" in (await _sam(chat, "time remove 2")).reply
    assert "There's no expense 1" in (await _sam(chat, "expense remove 1")).reply
    await _sam(chat, "expense add 4 tea")
    assert "Taken off: £4.00: tea" in (await _sam(chat, "expense remove 1")).reply
    assert await count(db, recognition_entries) == 1


async def test_typed_where_others_see_it_is_not_recorded(chat: Chat, db: Database) -> None:
    await _group(chat)
    outcome = await chat.core.handle(Command(SAM, chat.where, "decline", seen_by_others=True))
    assert any("direct message" in str(effect) for effect in outcome)
    assert await count(db, recognition_claims) == 0


# -- choices ----------------------------------------------------------------------------------


async def test_meetings_taken_part_in_come_from_checkins(chat: Chat) -> None:
    await _group(chat)
    await chat.say(FAY, "checkin")
    await chat.say(SAM, "checkin 4")
    assert "Meetings you took part in: 1" in (await _sam(chat, "my-time")).reply
    said = (await _sam(chat, "claim")).reply
    assert "your claim for 1 meeting is with the facilitators (it's number 1)" in said
    assert "since your last choice: 0" in (await _sam(chat, "my-time")).reply


async def test_claim_reminds_about_benefits_once_and_points_to_the_policy(chat: Chat) -> None:
    await _group(chat)
    await _sam(chat, "time add 1h reading papers")
    first = (await _sam(chat, "claim")).reply
    assert BENEFITS in first and POLICY in first
    await _sam(chat, "expense add 3 bus")
    assert BENEFITS not in (await _sam(chat, "donate")).reply


async def test_the_reminder_quotes_the_policy_as_a_sentence(chat: Chat) -> None:
    await _group(chat)
    await _sam(chat, "time add 1h reading papers")
    said = (await _sam(chat, "claim")).reply
    assert f"“{POLICY}”. You can still change your mind before it's paid" in said
    assert "0 meeting" not in said
    await chat.say(FAY, f"set recognition-policy {POLICY}.")  # one that ends a sentence itself
    await chat.say(PAT, "time add 1h reading papers", dm(PAT))
    ended = (await chat.say(PAT, "claim", dm(PAT))).reply
    assert f"“{POLICY}.” You can still" in ended and "”." not in ended


async def test_without_a_policy_the_reminder_says_to_ask_a_facilitator(chat: Chat) -> None:
    await _group(chat, policy=False)
    await _sam(chat, "time add 1h reading")
    assert "ask a facilitator where to get advice" in (await _sam(chat, "claim")).reply


async def test_declining_is_one_word_private_and_never_in_the_claims_list(
    chat: Chat, db: Database
) -> None:
    await _group(chat)
    await _sam(chat, "time add 1h reading papers")
    outcome = await _sam(chat, "decline")
    assert "you've declined payment for 1 hour of preparation." in outcome.reply
    assert BENEFITS not in outcome.reply
    assert not outcome.of(PostToConversation) and not outcome.of(MessageMember)
    assert "No claims not yet paid" in (await chat.say(FAY, "claims")).reply
    assert "declined" in (await _sam(chat, "my-time")).reply


async def test_nothing_to_choose_says_so(chat: Chat, db: Database) -> None:
    await _group(chat)
    assert "nothing waiting for a choice" in (await _sam(chat, "claim")).reply
    assert await count(db, recognition_claims) == 0


async def test_buttons_in_my_time_choose_and_only_for_their_owner(chat: Chat, db: Database) -> None:
    await _group(chat)
    await _sam(chat, "time add 1h reading papers")
    card = (await _sam(chat, "my-time")).cards()[0]
    claim = next(b for b in card.buttons if b.label == "Claim")
    assert "no longer works" in (await chat.press(PAT, claim, dm(PAT))).reply
    assert await count(db, recognition_claims) == 0
    assert (
        "your claim for 1 hour of preparation is with"
        in (await chat.press(SAM, claim, dm(SAM))).reply
    )


# -- changing a choice -------------------------------------------------------------------------


async def test_a_choice_is_changed_by_its_number_until_it_is_paid(chat: Chat, db: Database) -> None:
    await _group(chat)
    await _sam(chat, "time add 1h reading papers")
    await _sam(chat, "claim")
    assert "- 1. " in (await _sam(chat, "my-time")).reply  # the number to change it by
    changed = await _sam(chat, "decline 1")
    assert "choice 1 (1 hour of preparation) is declined now, instead of claimed" in changed.reply
    assert not changed.of(PostToConversation) and not changed.of(MessageMember)
    assert "No claims not yet paid" in (await chat.say(FAY, "claims")).reply
    again = await _sam(chat, "decline 1")
    assert again.reply == "Choice 1 (1 hour of preparation) is declined already."
    donated = (await _sam(chat, "donate 1")).reply
    assert "is given to a cause now, instead of declined" in donated
    assert "1. Sam gives it to a cause" in (await chat.say(FAY, "claims")).reply
    await chat.say(FAY, "claims paid 1")
    paid = (await _sam(chat, "claim 1")).reply
    assert "Choice 1 was paid on" in paid and "can't be changed" in paid
    async with db.read() as conn:
        (choice,) = (await conn.execute(select(recognition_claims.c.choice))).scalars()
    assert choice == "donate"


async def test_changing_a_decline_to_a_claim_reminds_about_benefits(chat: Chat) -> None:
    await _group(chat)
    await _sam(chat, "expense add 4 bus")
    await _sam(chat, "decline")
    said = (await _sam(chat, "claim 1")).reply
    assert "is claimed now, instead of declined" in said and BENEFITS in said
    assert "1. Sam claims" in (await chat.say(FAY, "claims")).reply


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("claim 7", "You have no earlier choice 7 (yours are: 1)"),
        ("decline two", "or `decline <number>` to change an earlier choice"),
        ("donate 1 please", "or `donate <number>` to change an earlier choice"),
    ],
)
async def test_changing_mistakes_get_a_plain_answer_and_change_nothing(
    chat: Chat, db: Database, typed: str, said: str
) -> None:
    await _group(chat)
    await _sam(chat, "time add 1h reading papers")
    await _sam(chat, "claim")
    assert said in (await _sam(chat, typed)).reply
    async with db.read() as conn:
        (choice,) = (await conn.execute(select(recognition_claims.c.choice))).scalars()
    assert choice == "claim"


async def test_nobody_changes_someone_elses_choice(chat: Chat, db: Database) -> None:
    await _group(chat)
    await _sam(chat, "time add 1h reading papers")
    await _sam(chat, "claim")
    refused = (await chat.say(PAT, "decline 1", dm(PAT))).reply
    assert "You have no earlier choice 1 (yours are: none yet)" in refused
    seen = await chat.core.handle(Command(SAM, chat.where, "decline 1", seen_by_others=True))
    assert any("direct message" in str(effect) for effect in seen)
    assert "1. Sam claims" in (await chat.say(FAY, "claims")).reply


async def test_turning_recognition_on_is_announced_in_plain_words(chat: Chat) -> None:
    await _group(chat, on=False)
    outcome = await chat.say(FAY, "set recognition on")
    (post,) = outcome.posts
    assert "Fay turned on recognition of time in this group" in post
    assert "only you and the group's facilitators ever see it" in post
    assert "`my-time`" in post and f"“{POLICY}”." in post
    assert "Nothing changed" in (await chat.say(FAY, "set recognition on")).reply
    assert not (await chat.say(FAY, "set recognition off")).posts


# -- facilitators -----------------------------------------------------------------------------


async def _claimed(chat: Chat) -> None:
    await _group(chat)
    await _sam(chat, "time add 1h30 reading papers")
    await _sam(chat, "expense add 12.40 bus fares")
    await _sam(chat, "claim")
    await chat.say(PAT, "expense add 5 parking", dm(PAT))
    await chat.say(PAT, "donate", dm(PAT))


async def test_claims_lists_what_is_not_yet_paid_and_marks_paid_telling_the_owner(
    chat: Chat,
) -> None:
    await _claimed(chat)
    said = (await chat.say(FAY, "claims")).reply
    assert "1. Sam claims: 1 hour 30 minutes of preparation, £12.40 of expenses" in said
    assert "2. Pat gives it to a cause: £5.00 of expenses" in said
    outcome = await chat.say(FAY, "claims paid 1")
    assert "Claim 1 is marked paid" in outcome.reply
    (told,) = outcome.of(MessageMember)
    assert isinstance(told, MessageMember) and told.user_id == SAM.user_id
    assert "has been paid" in (told.card.text or "")
    assert "already marked paid" in (await chat.say(FAY, "claims paid 1")).reply
    assert "There's no claim 9" in (await chat.say(FAY, "claims paid 9")).reply
    listed = (await chat.say(FAY, "claims")).reply
    assert "Sam" not in listed and "Pat" in listed
    assert "paid" in (await _sam(chat, "my-time")).reply


async def test_claims_for_a_month_and_bad_months(chat: Chat) -> None:
    await _claimed(chat)
    month = f"{chat.clock.now:%Y-%m}"
    assert "1. Sam claims" in (await chat.say(FAY, f"claims {month}")).reply
    assert "No claims made in" in (await chat.say(FAY, "claims 1999-01")).reply
    assert "couldn't read “2026-13” as a month" in (await chat.say(FAY, "claims 2026-13")).reply
    assert "couldn't read “soon” as a month" in (await chat.say(FAY, "claims soon")).reply
    assert "claim's number" in (await chat.say(FAY, "claims paid x")).reply


async def test_claims_export_is_a_csv_for_finance_without_declines(chat: Chat) -> None:
    await _claimed(chat)
    await chat.say(FAY, "time add 1h =HYPERLINK(1)", dm(FAY))
    await chat.say(FAY, "decline", dm(FAY))
    (file,) = (await chat.say(FAY, "claims export")).of(SendFileToActor)
    assert isinstance(file, SendFileToActor) and file.filename == "claims-unpaid.csv"
    rows = list(csv.DictReader(io.StringIO(file.content.decode("utf-8"))))
    assert [(r["claim"], r["name"], r["choice"], r["expenses_gbp"]) for r in rows] == [
        ("1", "Sam", "claim", "12.40"),
        ("2", "Pat", "give to a cause", "5.00"),
    ]
    assert rows[0]["minutes"] == "90"
    assert "nothing to export" in (await chat.say(FAY, "claims export 1999-01")).reply


async def test_members_cannot_see_claims(chat: Chat) -> None:
    await _claimed(chat)
    for text in ("claims", "claims export", "claims paid 1"):
        outcome = await chat.say(PAT, text, dm(PAT))
        assert "Sam" not in outcome.reply and not outcome.of(SendFileToActor), text
        assert "facilitator" in outcome.reply


# -- privacy ----------------------------------------------------------------------------------


async def _exported(chat: Chat) -> dict[str, Any]:
    (file,) = (await chat.say(FAY, "export")).of(SendFileToActor)
    assert isinstance(file, SendFileToActor)
    data: dict[str, Any] = json.loads(file.content.decode("utf-8"))
    return data


async def test_my_data_and_export_include_the_records(chat: Chat) -> None:
    await _claimed(chat)
    mine = (await chat.say(SAM, "my-data", dm(SAM))).reply
    assert "reading papers" in mine and "claimed" in mine
    claims = (await _exported(chat))["recognition_claims"]
    assert [(c["number"], c["name"], c["expenses_pence"]) for c in claims] == [
        (1, "Sam", 1240),
        (2, "Pat", 500),
    ]


async def test_forget_me_keeps_a_paid_claims_amount_and_date_without_the_name(
    chat: Chat, db: Database
) -> None:
    await _claimed(chat)
    await chat.say(FAY, "claims paid 1")
    await _sam(chat, "time add 2h more reading")
    asked = (await _sam(chat, "forget-me")).reply
    assert "a claim already paid keeps its amount and date, without your name" in asked
    done = (await _sam(chat, "forget-me yes")).reply
    assert "without your name, for the organisation's accounts" in done
    async with db.read() as conn:
        rows = (await conn.execute(select(recognition_claims))).mappings().all()
    kept = [(r["number"], r["member_id"], r["pence"], r["paid_at"] is not None) for r in rows]
    assert (1, None, 1240, True) in kept
    assert await count(db, recognition_entries, member_id=2) == 0
    claims = (await _exported(chat))["recognition_claims"]
    assert claims[0]["name"] is None and claims[0]["paid_at"] is not None
    month = f"{chat.clock.now:%Y-%m}"
    listed = (await chat.say(FAY, f"claims {month}")).reply
    assert "1. (a person who asked to be forgotten) claims" in listed


async def test_forget_me_erases_an_unpaid_claim_entirely(chat: Chat, db: Database) -> None:
    await _claimed(chat)
    await _sam(chat, "forget-me yes")
    assert await count(db, recognition_claims) == 1  # only Pat's
    assert "Sam" not in (await chat.say(FAY, "claims")).reply


async def test_privacy_statement_says_what_stays(chat: Chat) -> None:
    await _group(chat)
    said = (await chat.say(SAM, "privacy")).reply
    assert "a claim already paid keeps its amount and date" in said


async def test_help_lists_the_commands_in_plain_words_for_each_person(chat: Chat) -> None:
    await _group(chat)
    member_help = (await _sam(chat, "help")).reply
    assert "my-time" in member_help and "expense add <pounds> <what for>" in member_help
    assert "claims [YYYY-MM]" not in member_help
    assert "claims [YYYY-MM]" in (await chat.say(FAY, "help")).reply


async def test_a_number_that_is_not_plain_digits_gets_a_plain_answer_not_a_failure(
    chat: Chat,
) -> None:
    await _claimed(chat)
    for typed in ("claims paid ²", "claims paid 99999999999999999999"):
        said = (await chat.say(FAY, typed)).reply
        assert "Please give the claim's number" in said, typed
    said = (await _sam(chat, "time remove ³")).reply
    assert "Please give the number from `my-time`" in said
