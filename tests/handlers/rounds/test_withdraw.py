"""Withdrawing one's own share before the reveal, and typing the summary consent."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.adapters.console.render import card_text
from bot.handlers.summary.commands import gather
from bot.store.database import Database
from bot.store.schema import round_answers
from tests.dialogue import Chat, dm
from tests.handlers.rounds.test_rounds import (
    FAY,
    LEE,
    PAT,
    PROMPT,
    SAM,
    answers,
    card_updates,
    forum,
    lock_on,
    newest_round,
    reveal_posts,
)


async def _open(chat: Chat) -> None:
    await forum(chat)
    await chat.say(FAY, f"round {PROMPT}")


@pytest.mark.parametrize("line", ["share withdraw", "unshare", "Share Withdraw.", "share undo"])
async def test_a_held_share_can_be_withdrawn(chat: Chat, db: Database, line: str) -> None:
    await _open(chat)
    await chat.say(LEE, "share My son's new school")
    await chat.say(PAT, "pass")
    outcome = await chat.say(LEE, line)
    assert "your share is withdrawn and its words are deleted. Nobody saw it." in outcome.reply
    assert "Answers: 1 of 4" in card_updates(outcome)[0]
    assert await answers(db) == {"Pat": ("pass", None, False, "professional")}
    async with db.read() as conn:
        texts = [row.text for row in await conn.execute(select(round_answers))]
    assert "My son's new school" not in texts


async def test_after_withdrawing_one_can_share_again_or_pass(chat: Chat, db: Database) -> None:
    await _open(chat)
    await chat.say(LEE, "share First words", where=dm(LEE))
    await chat.say(LEE, "unshare", where=dm(LEE))
    again = await chat.say(LEE, "share Second words", where=dm(LEE))
    assert "your answer is held" in again.reply
    assert (await answers(db))["Lee"][1] == "Second words"
    await chat.say(LEE, "unshare")
    assert "passed" in (await chat.say(LEE, "pass")).reply


async def test_withdrawing_twice_says_there_is_nothing_left(chat: Chat) -> None:
    await _open(chat)
    await chat.say(SAM, "share Something")
    await chat.say(SAM, "share withdraw")
    outcome = await chat.say(SAM, "share withdraw")
    assert "You haven't shared in this round, so there's nothing to withdraw." in outcome.reply
    assert not outcome.updates


@pytest.mark.parametrize(
    ("before", "phrase"),
    [
        (None, "You haven't shared in this round, so there's nothing to withdraw."),
        ("pass", "You passed on this round, so there's nothing to withdraw."),
    ],
)
async def test_nothing_shared_is_nothing_to_withdraw(
    chat: Chat, db: Database, before: str | None, phrase: str
) -> None:
    await _open(chat)
    if before:
        await chat.say(SAM, before)
    outcome = await chat.say(SAM, "unshare")
    assert phrase in outcome.reply
    assert ("Sam" in await answers(db)) is bool(before)


async def test_with_no_round_there_is_nothing_to_withdraw(chat: Chat) -> None:
    await forum(chat)
    assert "There's no round open right now" in (await chat.say(SAM, "unshare")).reply


async def test_after_the_reveal_a_share_cannot_be_withdrawn_and_says_why(
    chat: Chat, db: Database
) -> None:
    await _open(chat)
    await chat.say(LEE, "share Our words")
    await chat.say(FAY, "round reveal")
    outcome = await chat.say(LEE, "share withdraw")
    assert "already been shown to the group" in outcome.reply
    assert "can't be withdrawn now: everyone has read it" in outcome.reply
    assert (await answers(db))["Lee"][1] == "Our words"


async def test_a_late_share_after_the_reveal_cannot_be_withdrawn_either(chat: Chat) -> None:
    await _open(chat)
    await chat.say(LEE, "share Our words")
    await chat.say(FAY, "round reveal")
    await chat.say(SAM, "share Late but here")
    assert "already been shown" in (await chat.say(SAM, "unshare")).reply
    assert "nothing to withdraw" in (await chat.say(PAT, "unshare")).reply


async def test_a_withdrawn_share_is_not_revealed(chat: Chat) -> None:
    await _open(chat)
    await chat.say(LEE, "share Kept")
    await chat.say(SAM, "share Taken back")
    await chat.say(SAM, "unshare")
    (post,) = reveal_posts(await chat.say(FAY, "round reveal"))
    assert "Kept" in post and "Taken back" not in post


async def test_withdrawing_the_only_share_leaves_nothing_to_reveal(chat: Chat) -> None:
    await _open(chat)
    await chat.say(LEE, "share Only one")
    await chat.say(LEE, "unshare")
    assert "Nobody has shared yet" in (await chat.say(FAY, "round reveal")).reply


async def test_a_withdrawal_keeps_the_reciprocity_lock_honest(chat: Chat, db: Database) -> None:
    await forum(chat)
    await lock_on(db)
    await chat.say(FAY, f"round {PROMPT}")
    await chat.say(PAT, "share A professional's words")
    await chat.say(PAT, "unshare")
    await chat.say(LEE, "share A parent's words")
    refused = await chat.say(FAY, "round reveal")
    assert "waiting for a professional to share" in refused.reply
    assert not reveal_posts(refused)


async def test_a_held_round_is_not_in_the_ledger_so_withdrawing_cannot_be_differenced(
    chat: Chat, db: Database
) -> None:
    """Two readings of the summary so far, either side of a withdrawal, read the same: the
    held round is counted only once revealed or closed."""
    await _open(chat)
    for who in (FAY, PAT, SAM):
        await chat.say(who, "share Some words")
    await chat.say(LEE, "pass")  # so a share of Lee's in the next round would change his line

    async def ledger() -> str:
        from bot.context import Context
        from bot.store import groups, meetings

        async with db.read() as conn:
            ctx = Context(conn, chat.core.services, chat.clock.now)
            group = await groups.for_conversation(conn, chat.where)
            assert group is not None
            meeting = await meetings.current(conn, group.id)
            assert meeting is not None
            data, _ = await gather(ctx, group, meeting)
        return repr(data.ledger)

    round_ = await newest_round(db)
    assert round_.status == "revealed"  # everyone answered: revealed by itself
    await chat.say(FAY, "round close")
    await chat.say(FAY, "round Another one?")
    await chat.say(LEE, "share Held words")
    before = await ledger()
    await chat.say(LEE, "unshare")
    assert await ledger() == before


async def test_the_card_count_follows_a_withdrawal(chat: Chat) -> None:
    await _open(chat)
    shared = await chat.say(SAM, "share Words")
    assert "Answers: 1 of 4" in card_updates(shared)[0]
    withdrawn = await chat.say(SAM, "unshare")
    assert "Answers: 0 of 4" in card_updates(withdrawn)[0]
    assert "Sam" not in card_text(withdrawn.updates[0].card)


# -- typed consent ------------------------------------------------------------------------------


async def test_consent_can_be_typed(chat: Chat, db: Database) -> None:
    await _open(chat)
    asked = await chat.say(LEE, "share Papers a week ahead")
    assert "`consent yes`" in asked.reply
    assert "may appear in the meeting summary" in (await chat.say(LEE, "consent yes")).reply
    assert (await answers(db))["Lee"][2] is True
    assert "stay out of the meeting summary" in (await chat.say(LEE, "consent no")).reply
    assert (await answers(db))["Lee"][2] is False


@pytest.mark.parametrize(
    ("line", "phrase"),
    [
        ("consent maybe", "Please type `consent yes` or `consent no`."),
        ("consent yes", "You haven't shared in that round, so there's nothing to choose."),
    ],
)
async def test_consent_mistakes(chat: Chat, line: str, phrase: str) -> None:
    await _open(chat)
    assert phrase in (await chat.say(SAM, line)).reply


async def test_consent_with_no_round_ever(chat: Chat) -> None:
    await forum(chat)
    assert "There's no round open right now" in (await chat.say(SAM, "consent yes")).reply
