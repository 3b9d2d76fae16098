"""Recognition at its largest, through the Slack and Teams renderers: the facilitators' claims
view with sixty members' claims (names and notes at their longest), and one person's `my-time`
with sixty entries, stay within every limit Slack and Teams set, with nobody's line lost."""

from __future__ import annotations

import pytest

from bot import limits
from bot.adapters.slack.blocks import card_messages
from bot.adapters.teams.cards import card_parts
from bot.adapters.teams.limits import ACTIVITY_BUDGET, activity_size
from bot.cards import Card
from bot.effects import PostToConversation, ReplyToActor
from testkit import adaptive_cards
from testkit.slack_rules import message_problem
from tests.dialogue import Chat, Outcome, dm, person

MEMBERS = 60
FAY = person("Fay")
NOTE = "n" * (limits.RECOGNITION_NOTE - 6)


def _card(outcome: Outcome) -> Card:
    (effect,) = outcome.of(ReplyToActor)
    assert isinstance(effect, ReplyToActor)
    return effect.card


async def _claims_and_my_time(chat: Chat) -> tuple[Card, Card]:
    people = [person(f"Member {n} " + "Longname" * 8) for n in range(MEMBERS)]
    await chat.group_of(FAY, [(who, "lived-experience") for who in people])
    await chat.say(FAY, "set recognition on")
    await chat.say(FAY, "set recognition-policy " + "p" * limits.RECOGNITION_POLICY)
    for n, who in enumerate(people):
        await chat.say(who, f"time add 23h59m {NOTE} end{n}", dm(who))
        await chat.say(who, f"expense add 999.99 {NOTE}", dm(who))
        await chat.say(who, "claim", dm(who))
    claims = _card(await chat.say(FAY, "claims"))
    busy = people[0]
    for n in range(MEMBERS):
        await chat.say(busy, f"time add 1h30 {NOTE} end{n}", dm(busy))
    my_time = _card(await chat.say(busy, "my-time", dm(busy)))
    return claims, my_time


async def test_sixty_claims_and_a_full_record_are_messages_slack_accepts(chat: Chat) -> None:
    claims, my_time = await _claims_and_my_time(chat)
    for card, mark in ((claims, "Member {n} "), (my_time, "end{n}")):
        messages = card_messages(card)
        for message in messages:
            assert message_problem({"text": message.text, "blocks": message.blocks}) is None
        shown = str([m.blocks for m in messages])
        assert all(mark.format(n=n) in shown for n in range(MEMBERS))


@pytest.mark.skipif(adaptive_cards.problem() is not None, reason=str(adaptive_cards.problem()))
async def test_sixty_claims_and_a_full_record_are_cards_teams_accepts(chat: Chat) -> None:
    claims, my_time = await _claims_and_my_time(chat)
    for card, mark in ((claims, "Member {n} "), (my_time, "end{n}")):
        parts = card_parts(card, in_channel=False)
        for part in parts:
            assert activity_size({"type": "message", "attachments": [part]}) <= ACTIVITY_BUDGET
            assert adaptive_cards.CHECKER.errors(part) == []
        shown = str(parts)
        assert all(mark.format(n=n) in shown for n in range(MEMBERS))


async def _announcement(chat: Chat) -> Card:
    """The channel's notice when recognition is turned on, with the longest policy."""
    await chat.group_of(person("Fay " + "Longname" * 8), [])
    facilitator = person("Fay " + "Longname" * 8)
    await chat.say(facilitator, "set recognition-policy " + "p" * limits.RECOGNITION_POLICY)
    (post,) = (await chat.say(facilitator, "set recognition on")).of(PostToConversation)
    assert isinstance(post, PostToConversation)
    return post.card


async def test_the_recognition_notice_is_a_message_slack_and_teams_accept(chat: Chat) -> None:
    card = await _announcement(chat)
    for message in card_messages(card):
        assert message_problem({"text": message.text, "blocks": message.blocks}) is None
    assert "my-time" in str([m.blocks for m in card_messages(card)])
    if adaptive_cards.problem() is None:
        for part in card_parts(card, in_channel=True):
            assert activity_size({"type": "message", "attachments": [part]}) <= ACTIVITY_BUDGET
            assert adaptive_cards.CHECKER.errors(part) == []
