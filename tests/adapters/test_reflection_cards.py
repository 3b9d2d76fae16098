"""The reflection card with the ladder question, and the ladder form, through the Slack and Teams
renderers: seven buttons and a radio list of seven rungs in plain words stay within every limit
Slack and Teams set (Slack's rules as the strict fake applies them, Microsoft's own Adaptive Cards
library with Teams' actions per set), and no button or rung is lost."""

from __future__ import annotations

import pytest

from bot.adapters.slack.blocks import card_messages, form_view
from bot.adapters.teams.cards import card_parts, form_content
from bot.adapters.teams.limits import ACTIVITY_BUDGET, activity_size
from bot.handlers.ladder.cards import RUNGS, ladder_form, rung_line
from bot.handlers.nudges.cards import reflection_card
from testkit import adaptive_cards
from testkit.slack_rules import message_problem, view_problem

WHEN = "at the meeting on Wednesday 30 September at 10:00"
CARD = reflection_card(2**31 - 1, 2**31 - 1, WHEN, 12)
FORM = ladder_form(2**31 - 1, 2**31 - 1, 12)
LABELS = [b.label for b in CARD.buttons]


def test_the_card_asks_both_questions_with_seven_buttons() -> None:
    assert LABELS[-2:] == ["One thing to change", "Where on the ladder?"] and len(LABELS) == 7


def test_the_reflection_card_and_the_ladder_form_are_what_slack_accepts() -> None:
    (message,) = card_messages(CARD)
    assert message_problem({"text": message.text, "blocks": message.blocks}) is None
    assert all(label in str(message.blocks) for label in LABELS)
    view = form_view(FORM, "sealed")
    assert view_problem(view) is None
    assert all(rung_line(r) in str(view) for r in RUNGS)


@pytest.mark.skipif(adaptive_cards.problem() is not None, reason=str(adaptive_cards.problem()))
def test_the_reflection_card_and_the_ladder_form_are_what_teams_accepts() -> None:
    (part,) = card_parts(CARD, in_channel=False)
    assert activity_size({"type": "message", "attachments": [part]}) <= ACTIVITY_BUDGET
    assert adaptive_cards.CHECKER.errors(part) == []
    assert all(label in str(part) for label in LABELS)
    content = form_content(FORM)
    assert adaptive_cards.CHECKER.errors(content) == []
    assert all(rung_line(r) in str(content) for r in RUNGS)
