"""Plain-text mode through the Slack and Teams renderers: the largest cards, with every button
written out as a numbered option to type, are messages both platforms accept, carry no buttons,
and lose none of the typed words."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot import limits
from bot.adapters.slack.blocks import card_messages, form_view
from bot.adapters.teams.cards import card_parts, form_content
from bot.adapters.teams.limits import ACTIVITY_BUDGET, activity_size
from bot.cards import Card
from bot.handlers.access.form import profile_form
from bot.handlers.checkin.cards import checkin_card
from bot.handlers.nudges.meeting_ahead import send_meeting_ahead_notes
from bot.plain_text import as_text, form_as_text
from bot.store.access import Profile
from testkit import adaptive_cards
from testkit.slack_rules import message_problem, view_problem
from tests.adapters.test_agenda_cards import _card, _forms
from tests.dialogue import Chat, Outcome, dm, person


def _cards() -> list[Card]:
    checkin = checkin_card(1, 2, "How are you arriving today?", 3, 9)
    numbered = as_text(checkin, by_number=True)
    return [as_text(_card()), numbered, *(form_as_text(form) for form in _forms())]


def test_plain_text_cards_have_no_buttons_and_every_typed_option() -> None:
    checkin = as_text(checkin_card(1, 2, "How are you arriving today?", 3, 9))
    assert checkin.buttons == ()
    for n in range(1, 6):
        assert f"type `checkin {n}`" in checkin.text
    assert "type `checkin pass`" in checkin.text
    agenda = as_text(_card())
    assert agenda.buttons == () and "type `agenda defer <number>`" in agenda.text
    card = checkin_card(1, 2, "How are you arriving today?", 3, 9)
    assert "Or type just its number, like `1`." in as_text(card, by_number=True).text
    assert "just its number" not in checkin.text


def test_plain_text_cards_are_messages_slack_accepts() -> None:
    for card in _cards():
        messages = card_messages(card)
        for message in messages:
            assert message_problem({"text": message.text, "blocks": message.blocks}) is None
            assert '"actions"' not in str(message.blocks).replace("'", '"')
        assert "button" not in str([m.blocks for m in messages])


@pytest.mark.skipif(adaptive_cards.problem() is not None, reason=str(adaptive_cards.problem()))
def test_plain_text_cards_are_cards_teams_accepts() -> None:
    for card in _cards():
        for part in card_parts(card, in_channel=False):
            assert activity_size({"type": "message", "attachments": [part]}) <= ACTIVITY_BUDGET
            assert adaptive_cards.CHECKER.errors(part) == []
            assert "Action.Submit" not in str(part) and "Action.Execute" not in str(part)


def test_the_access_form_is_a_view_slack_accepts() -> None:
    form = profile_form(1, Profile(needs="n" * limits.ACCESS_NEEDS, share="anonymous"))
    assert view_problem(form_view(form, "sealed")) is None


@pytest.mark.skipif(adaptive_cards.problem() is not None, reason=str(adaptive_cards.problem()))
def test_the_access_form_is_a_card_teams_accepts() -> None:
    form = profile_form(1, Profile(needs="n" * limits.ACCESS_NEEDS, share="anonymous"))
    assert adaptive_cards.CHECKER.errors(form_content(form)) == []


async def test_new_private_cards_are_messages_slack_and_teams_accept(chat: Chat) -> None:
    """The day-before note for earlier reminders and the question of which namesake was meant,
    with the longest group name, in plain text and with buttons."""
    fay, sam = person("Fay"), person("Sam")
    name = "Parents Forum " + "n" * (limits.GROUP_NAME - 14)
    await chat.say(fay, f"setup {name}")
    await chat.say(sam, "role lived-experience")
    await chat.say(replace(sam, user_id="U-sam-2"), "role professional")
    await chat.say(sam, "access prefer earlier-reminders", where=dm(sam))
    await chat.say(fay, "schedule weekly thu 18:00 90m")
    chat.clock.set(datetime(2026, 3, 4, 10, 0, tzinfo=UTC))
    noted = Outcome(await chat.core.run_job(send_meeting_ahead_notes))
    asked = await chat.say(fay, "action Write to the council @Sam by friday")
    cards = [*noted.cards(), *asked.cards()]
    assert any("a day early as you asked" in card.text for card in cards)
    assert any(card.buttons for card in cards)
    for card in [*cards, *(as_text(card, by_number=True) for card in cards)]:
        for message in card_messages(card):
            assert message_problem({"text": message.text, "blocks": message.blocks}) is None
        if adaptive_cards.problem() is None:
            for part in card_parts(card, in_channel=False):
                assert activity_size({"type": "message", "attachments": [part]}) <= ACTIVITY_BUDGET
                assert adaptive_cards.CHECKER.errors(part) == []
