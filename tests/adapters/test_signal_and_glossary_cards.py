"""The signals card and its jargon form, and the glossary at its largest (sixty entries, each word
and meaning at its length limit), through the Slack and Teams renderers: within every limit Slack
and Teams set (Slack's rules as the strict fake applies them, Microsoft's own Adaptive Cards
library), with no entry lost."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot import limits
from bot.adapters.slack.blocks import card_messages, form_view
from bot.adapters.teams.cards import card_parts, form_content
from bot.adapters.teams.limits import ACTIVITY_BUDGET, activity_size
from bot.cards import Card
from bot.handlers.glossary.cards import glossary_card
from bot.handlers.signals.cards import jargon_form, signals_card
from bot.store.glossary import Entry
from testkit import adaptive_cards
from testkit.slack_rules import message_problem, view_problem

WHEN = datetime(2026, 12, 8, tzinfo=UTC)


def _word(n: int) -> str:
    tail = f"w{n}"
    return ("W" * limits.GLOSSARY_WORD)[: limits.GLOSSARY_WORD - len(tail)] + tail


def _entries() -> list[Entry]:
    found = []
    for n in range(limits.GLOSSARY_ENTRIES):
        head = " ".join(f"m{n}x{j}" for j in range(limits.GLOSSARY_MEANING))
        tail = f" end{n}"
        meaning = head[: limits.GLOSSARY_MEANING - len(tail)] + tail if n % 6 else None
        word = _word(n)
        assert len(word) == limits.GLOSSARY_WORD
        found.append(Entry(n + 1, 1, word, word.lower(), meaning, WHEN, None))
    return found


def _glossary() -> Card:
    return glossary_card("Parents Forum " + "n" * 60, _entries())


def _all_shown(shown: str) -> bool:
    words = all(_word(n) in shown for n in range(limits.GLOSSARY_ENTRIES))
    meanings = all(f"end{n}" in shown for n in range(limits.GLOSSARY_ENTRIES) if n % 6)
    return words and meanings


def test_the_largest_glossary_and_the_signals_card_are_messages_slack_accepts() -> None:
    for continuation in ("thread", "following"):
        messages = card_messages(_glossary(), continuation)  # type: ignore[arg-type]
        for message in messages:
            assert message_problem({"text": message.text, "blocks": message.blocks}) is None
        assert _all_shown(str([m.blocks for m in messages]))
    for size in (1, 2, 20):
        (message,) = card_messages(signals_card(123456, size))
        assert message_problem({"text": message.text, "blocks": message.blocks}) is None
        assert str(message.blocks).count("signal.") == 3


def test_the_jargon_form_is_a_view_slack_accepts() -> None:
    assert view_problem(form_view(jargon_form(123456), "sealed")) is None


@pytest.mark.skipif(adaptive_cards.problem() is not None, reason=str(adaptive_cards.problem()))
def test_the_largest_glossary_and_the_signals_card_are_cards_teams_accepts() -> None:
    for in_channel in (True, False):
        parts = card_parts(_glossary(), in_channel=in_channel)
        for part in parts:
            assert activity_size({"type": "message", "attachments": [part]}) <= ACTIVITY_BUDGET
            assert adaptive_cards.CHECKER.errors(part) == []
        assert _all_shown(str(parts))
        for part in card_parts(signals_card(123456, 2), in_channel=in_channel):
            assert adaptive_cards.CHECKER.errors(part) == []
    assert adaptive_cards.CHECKER.errors(form_content(jargon_form(123456))) == []
