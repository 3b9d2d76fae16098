"""The agenda at its largest, through the Slack and Teams renderers: thirty items each at the length
limit, with the longest papers links, and the facilitators' forms listing them all, stay within
every limit Slack and Teams set (Slack's rules as the strict fake applies them, Microsoft's own
Adaptive Cards library), and no item's words are lost."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot import limits
from bot.adapters.slack.blocks import card_messages, form_view
from bot.adapters.teams.cards import card_parts, form_content
from bot.adapters.teams.limits import ACTIVITY_BUDGET, activity_size
from bot.cards import Card, Form
from bot.handlers.agenda.cards import CHANGES, agenda_card, change_form, checkin_section
from bot.handlers.checkin.cards import checkin_card
from bot.store.agenda import Item
from testkit import adaptive_cards
from testkit.slack_rules import message_problem, view_problem

ITEMS = 30
LINK = "https://example.org/papers/" + "p" * (limits.PAPERS_LINK - 27)


def _items() -> list[Item]:
    found = []
    for n in range(ITEMS):
        tail = f" end{n}"
        head = " ".join(f"w{n}x{j}" for j in range(limits.AGENDA_ITEM))
        words = head[: limits.AGENDA_ITEM - len(tail)] + tail
        assert len(words) == limits.AGENDA_ITEM
        found.append(
            Item(
                id=n + 1,
                group_id=1,
                text=words,
                papers=LINK,
                elephant_number=None,
                shown_from=datetime(2026, 3, 3, tzinfo=UTC),
                position=n + 1,
                skip=1 if n >= 25 else 0,
                carried=n % 3,
                status="open",
                outcome=None,
                merged_into_id=None,
                closed_at=None,
                meeting_id=None,
                carried_from_id=None,
                author="Sam " + "Longname" * 20 if n % 2 else None,
            )
        )
    return found


def _card() -> Card:
    open_actions = [f"Action {n}: " + "a" * 200 for n in range(5)]
    return agenda_card(
        1, "Agenda for today's meeting", _items(), {}, facilitator=True, open_actions=open_actions
    )


def _forms() -> list[Form]:
    return [change_form(1, change, _items(), lambda item: f"m{item.id:023d}") for change in CHANGES]


def test_the_largest_agenda_is_messages_slack_accepts_with_every_item() -> None:
    card = _card()
    for continuation in ("thread", "following"):
        messages = card_messages(card, continuation)  # type: ignore[arg-type]
        assert len(messages) >= 2  # too big for one message: the test is at the limits
        for message in messages:
            assert message_problem({"text": message.text, "blocks": message.blocks}) is None
        shown = str([m.blocks for m in messages])
        assert all(f"end{n}" in shown for n in range(ITEMS))
        assert shown.count(LINK) == ITEMS


def test_the_facilitators_forms_are_views_slack_accepts() -> None:
    for form in _forms():
        assert view_problem(form_view(form, "sealed")) is None


def test_the_checkin_with_an_agenda_is_a_message_slack_accepts() -> None:
    card = checkin_card(1, 2, "Anything to say?", 3, 9, checkin_section(_items(), open_actions=12))
    (message,) = card_messages(card)
    assert message_problem({"text": message.text, "blocks": message.blocks}) is None
    assert "…and 20 more." in str(message.blocks)  # 25 on the agenda (5 deferred), 5 shown


@pytest.mark.skipif(adaptive_cards.problem() is not None, reason=str(adaptive_cards.problem()))
def test_the_largest_agenda_is_cards_teams_accepts_with_every_item() -> None:
    for in_channel in (True, False):
        parts = card_parts(_card(), in_channel=in_channel)
        for part in parts:
            assert activity_size({"type": "message", "attachments": [part]}) <= ACTIVITY_BUDGET
            assert adaptive_cards.CHECKER.errors(part) == []
        shown = str(parts)
        assert all(f"end{n}" in shown for n in range(ITEMS))


@pytest.mark.skipif(adaptive_cards.problem() is not None, reason=str(adaptive_cards.problem()))
def test_the_facilitators_forms_and_the_checkin_are_cards_teams_accepts() -> None:
    for form in _forms():
        content = form_content(form)
        assert adaptive_cards.CHECKER.errors(content) == []
    checkin = checkin_card(
        1, 2, "Anything to say?", 3, 9, checkin_section(_items(), open_actions=12)
    )
    for part in card_parts(checkin, in_channel=True):
        assert adaptive_cards.CHECKER.errors(part) == []
