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
from bot.store.schema import outbox
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
