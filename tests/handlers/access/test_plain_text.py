"""Plain-text mode: a person who asked for it answers everything by typing. Every card sent to
them privately arrives as text with numbered options and the words to type; forms become the
words to type; the channel and everyone else's messages stay as they were."""

from __future__ import annotations

from sqlalchemy import select

from bot.adapters.console.render import card_text
from bot.cards import Button, Card
from bot.context import Context
from bot.core import Core
from bot.effects import Effect, MessageMember, OpenForm, ReplyToActor
from bot.handlers.nudges import commands as nudges
from bot.scheduling.clock import _kept
from bot.store import groups, meetings
from bot.store.database import Database
from bot.store.schema import outbox, plain_text_cards
from tests.dialogue import Chat, Outcome, channel, dm, person

FAY, SAM, PAT, LEE = person("Fay"), person("Sam"), person("Pat"), person("Lee")


async def forum(chat: Chat) -> None:
    await chat.group_of(FAY, [(SAM, "lived-experience"), (PAT, "professional")])


def card_to(outcome: Outcome, who: str) -> MessageMember:
    (found,) = [m for m in outcome.messages if m.user_id == who]
    return found


async def reflection(core: Core, db: Database) -> Outcome:
    async with db.read() as conn:
        group = await groups.for_conversation(conn, channel())
        assert group is not None
        ended = await meetings.latest_ended(conn, group.id)
    assert ended is not None

    async def job(ctx: Context) -> list[Effect]:
        return await nudges.reflection_nudge(ctx, ended)

    return Outcome(await core.run_job(job, group_id=group.id))


async def test_turning_it_on_and_off(chat: Chat) -> None:
    await forum(chat)
    said = (await chat.say(SAM, "plain-text on", where=dm(SAM))).reply
    assert "plain text with numbered options" in said and "access prefer plain-text off" in said
    said = (await chat.say(SAM, "plain-text off", where=dm(SAM))).reply
    assert "is off" in said
    said = (await chat.say(SAM, "plain-text maybe", where=dm(SAM))).reply
    assert "`plain-text on` or `plain-text off`" in said


async def test_a_checked_in_meeting_answered_entirely_by_typing(
    chat: Chat, core: Core, db: Database
) -> None:
    await forum(chat)
    await chat.say(SAM, "access prefer plain-text", where=dm(SAM))

    sent = await chat.say(FAY, "checkin")
    mine = card_to(sent, SAM.user_id).card
    assert mine.buttons == ()
    text = card_text(mine)
    for n in range(1, 6):
        assert f"type `checkin {n}`" in text
    assert "type `checkin pass`" in text
    assert card_to(sent, PAT.user_id).card.buttons  # Pat still gets buttons
    assert all(post.buttons for post in sent.cards() if post is not mine and post.title)

    opened = await chat.say(SAM, "checkin", where=dm(SAM))  # would open the form
    assert opened.of(OpenForm) == []
    assert "type `checkin <1-5 or pass>" in opened.reply

    answered = await chat.say(SAM, "checkin 4 facilitators: Tired but here", where=dm(SAM))
    assert "Thank" in answered.reply or "thank" in answered.reply
    assert all(card.buttons == () for card in answered.cards() if card in _replies(answered))

    await chat.say(FAY, "meeting end")
    chat.clock.advance(minutes=60)
    asked = await reflection(core, db)
    question = card_to(asked, SAM.user_id).card
    assert question.buttons == () and "type `heard 4`" in card_text(question)
    assert "type `heard change <one thing>`" in card_text(question)
    heard = await chat.say(SAM, "heard 4", where=dm(SAM))
    assert "I don't know" not in heard.reply and heard.reply


def _replies(outcome: Outcome) -> list[Card]:
    return [e.card for e in outcome.effects if isinstance(e, ReplyToActor)]


async def test_an_action_question_answered_by_typing(chat: Chat) -> None:
    await forum(chat)
    await chat.say(SAM, "plain-text on", where=dm(SAM))
    noted = await chat.say(FAY, "action Write to the council @Sam by friday")
    asked = card_to(noted, SAM.user_id).card
    assert asked.buttons == ()
    assert "type `action 1 accept`" in card_text(asked)
    assert "type `action 1 decline`" in card_text(asked)
    accepted = await chat.say(SAM, "action 1 accept", where=dm(SAM))
    assert "I don't know" not in accepted.reply and accepted.reply


async def test_it_follows_the_person_to_their_other_groups(chat: Chat) -> None:
    await forum(chat)
    await chat.say(SAM, "plain-text on", where=dm(SAM))
    other = channel("other")
    await chat.say(LEE, "setup Other", where=other)
    await chat.say(SAM, "role lived-experience", where=other)
    sent = await chat.say(LEE, "checkin", where=other)
    assert card_to(sent, SAM.user_id).card.buttons == ()


async def test_the_clock_sends_plain_text_too(chat: Chat, core: Core, db: Database) -> None:
    """A scheduled job's messages are rewritten before they reach the outbox, as a typed
    command's are: the clock's check-in goes out as text to Sam."""
    await forum(chat)
    await chat.say(SAM, "plain-text on", where=dm(SAM))
    async with db.read() as conn:
        group = await groups.for_conversation(conn, channel())
    assert group is not None
    card = Card(text="A question", buttons=(Button("Yes", "x", "v", typed="say yes"),))

    async def job(ctx: Context) -> list[Effect]:
        return [
            MessageMember(group.platform, group.workspace, who.user_id, card) for who in (SAM, PAT)
        ]

    sent = Outcome(await core.run_job(_kept(job), group_id=group.id))
    assert card_to(sent, SAM.user_id).card.buttons == ()
    assert "1. Yes: type `say yes`" in card_to(sent, SAM.user_id).card.text
    assert card_to(sent, PAT.user_id).card == card
    async with db.read() as conn:
        stored = str((await conn.execute(select(outbox.c.effect))).all())
    assert "1. Yes: type `say yes`" in stored


# -- a number alone answers the last numbered card ------------------------------------------------


async def _cards_kept(db: Database) -> list[tuple[object, ...]]:
    async with db.read() as conn:
        rows = await conn.execute(
            select(plain_text_cards.c.user_id, plain_text_cards.c.options).order_by(
                plain_text_cards.c.user_id
            )
        )
        return [tuple(row) for row in rows]


async def test_a_number_answers_the_last_numbered_card(chat: Chat, db: Database) -> None:
    await forum(chat)
    await chat.say(SAM, "plain-text on", where=dm(SAM))
    noted = await chat.say(FAY, "action Write to the council @Sam by friday")
    asked = card_text(card_to(noted, SAM.user_id).card)
    assert "1. Accept: type `action 1 accept`" in asked
    assert "Or type just its number, like `1`." in asked
    accepted = await chat.say(SAM, "1", where=dm(SAM))
    assert "Thank you: action #1 is yours." in accepted.reply
    assert await _cards_kept(db) == []  # answered: a number no longer reaches it
    again = await chat.say(SAM, "1", where=dm(SAM))
    assert "nothing is waiting for an answer now" in again.reply


async def test_the_number_of_a_checkin_and_its_mistakes(chat: Chat, db: Database) -> None:
    await forum(chat)
    await chat.say(SAM, "plain-text on", where=dm(SAM))
    await chat.say(FAY, "checkin")
    too_big = await chat.say(SAM, "9", where=dm(SAM))
    assert "The last card I sent you has choices 1 to 7" in too_big.reply
    words = await chat.say(SAM, "7", where=dm(SAM))
    assert "Choice 7 needs your own words: type `checkin <1-5> <your words>`" in words.reply
    answered = await chat.say(SAM, "4", where=dm(SAM))
    assert "I don't know" not in answered.reply and answered.reply
    live = (await chat.say(FAY, "checkin live", where=dm(FAY))).text()
    assert "Sam" in live and "4" in live
    others = await chat.say(PAT, "4", where=dm(PAT))  # Pat reads cards with buttons
    assert "nothing is waiting for an answer now" in others.reply


async def test_anything_else_forgets_the_card(chat: Chat, db: Database) -> None:
    await forum(chat)
    await chat.say(SAM, "plain-text on", where=dm(SAM))
    await chat.say(FAY, "action Write to the council @Sam by friday")
    assert [row[0] for row in await _cards_kept(db)] == [SAM.user_id]
    await chat.say(SAM, "glossary", where=dm(SAM))
    assert await _cards_kept(db) == []
    assert "nothing is waiting" in (await chat.say(SAM, "2", where=dm(SAM))).reply


async def test_a_card_waits_a_day(chat: Chat, db: Database) -> None:
    await forum(chat)
    await chat.say(SAM, "plain-text on", where=dm(SAM))
    await chat.say(FAY, "action Write to the council @Sam by friday")
    chat.clock.advance(hours=25)
    assert "nothing is waiting" in (await chat.say(SAM, "1", where=dm(SAM))).reply


async def test_an_anonymous_answer_by_number_leaves_the_card_as_it_was(
    chat: Chat, core: Core, db: Database
) -> None:
    """Writing or deleting the row then would show who answered: it stays, so the same number
    answers again (a change of answer, as the buttons allow)."""
    await forum(chat)
    await chat.say(SAM, "plain-text on", where=dm(SAM))
    await chat.say(FAY, "checkin")
    await chat.say(SAM, "checkin 3", where=dm(SAM))
    await chat.say(FAY, "meeting end")
    chat.clock.advance(minutes=60)
    asked = await reflection(core, db)
    assert "Or type just its number" in card_text(card_to(asked, SAM.user_id).card)
    kept = await _cards_kept(db)
    async with db.read() as conn:
        sent = (await conn.execute(select(plain_text_cards.c.sent_at))).scalar_one()
    heard = await chat.say(SAM, "4", where=dm(SAM))
    assert "I don't know" not in heard.reply and heard.reply
    assert "Or type just its number" not in heard.reply
    assert await _cards_kept(db) == kept
    async with db.read() as conn:
        assert (await conn.execute(select(plain_text_cards.c.sent_at))).scalar_one() == sent


async def test_erasing_is_never_a_number_and_the_hint_is_said_once(
    chat: Chat, db: Database
) -> None:
    await forum(chat)
    await chat.say(SAM, "plain-text on", where=dm(SAM))
    card = (await chat.say(SAM, "forget-me", where=dm(SAM))).reply
    assert card.count("`forget-me yes`") == 1 and "To answer by typing:" not in card
    assert "Or type just its number" not in card
    kept = await chat.say(SAM, "1", where=dm(SAM))
    assert "nothing is waiting" in kept.reply
    assert "plain text" in (await chat.say(SAM, "access", where=dm(SAM))).reply.lower()


async def test_the_which_group_question_still_takes_the_number(chat: Chat, db: Database) -> None:
    await forum(chat)
    await chat.say(SAM, "plain-text on", where=dm(SAM))
    other = channel("other")
    await chat.say(LEE, "setup Other", where=other)
    await chat.say(SAM, "role lived-experience", where=other)
    await chat.say(FAY, "action Write to the council @Sam by friday")
    which = await chat.say(SAM, "glossary", where=dm(SAM))
    assert "Which group is this for?" in which.reply
    assert "Or type just its number" not in which.reply
    second = "Other" if "2 Other" in which.reply else "Parents Forum"
    picked = await chat.say(SAM, "2", where=dm(SAM))
    assert f"Glossary of {second}" in picked.reply


async def test_forget_me_forgets_the_waiting_card(chat: Chat, db: Database) -> None:
    await forum(chat)
    await chat.say(SAM, "plain-text on", where=dm(SAM))
    await chat.say(FAY, "action Write to the council @Sam by friday")
    await chat.say(SAM, "forget-me yes", where=dm(SAM))
    assert await _cards_kept(db) == []
