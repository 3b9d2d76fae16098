"""Slack's own syntax in text the bot posts: written out as what it shows, never able to ping,
link or restyle (`bot.adapters.slack.text`, after the platform-neutral `neutralise`)."""

from __future__ import annotations

import re

import pytest

from bot.adapters.slack.text import mrkdwn, readable
from bot.text_safety import WORD_JOINER, neutralise
from tests.test_text_safety import HOSTILE, assert_harmless

WJ = WORD_JOINER


def shown(raw: str) -> str:
    """What Slack shows of user text: made safe by the core, written out by the adapter."""
    return readable(neutralise(raw))


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("<!channel> meeting moved", f"@{WJ}channel meeting moved"),
        ("<!here>", f"@{WJ}here"),
        ("<!here|here>", f"@{WJ}here"),
        ("<!everyone>", f"@{WJ}everyone"),
        ("<!Channel>", f"@{WJ}channel"),
        ("<!subteam^S1>", f"@{WJ}S1"),
        ("<!subteam^S1|@design-team>", f"@{WJ}design-team"),
        ("<@U123>", f"@{WJ}U123"),
        ("<@U123|bob> said so", f"@{WJ}bob said so"),
        ("<@W0ABC>", f"@{WJ}W0ABC"),
        ("in <#C123|general>", "in #general"),
        ("in <#C123>", "in #C123"),
        ("in <#C123|>", "in #C123"),
        ("<!date^1392734382^{date}|Feb 18, 2014>", "Feb 18, 2014"),
        ("<<!channel>>", f"@{WJ}channel"),
        ("<!chan<!here>nel>", f"chan@{WJ}herenel"),  # nested: taken apart from the inside
    ],
)
def test_slack_syntax_becomes_harmless_text(raw: str, safe: str) -> None:
    assert shown(raw) == safe


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("<http://evil.example|click>", "click (http://evil.example)"),
        ("<https://example.com|example.com>", "example.com"),
        ("<mailto:sam@example.org|sam@example.org>", f"sam@{WJ}example.org"),
        ("<mailto:sam@example.org|email Sam>", "email Sam (mailto:sam@example.org)"),
        ("<javascript:alert(1)|open>", "open (javascript:alert(1))"),
        ("<http://e.example|*bold*text*>", "∗bold∗text∗ (http://e.example)"),
    ],
)
def test_slack_links_always_show_their_address(raw: str, safe: str) -> None:
    assert shown(raw) == safe


@pytest.mark.parametrize("raw", HOSTILE)
def test_nothing_dangerous_survives_on_slack(raw: str) -> None:
    safe = shown(raw)
    assert_harmless(raw, safe)
    assert re.search(r"<[!@#]|\|", safe) is None
    assert "<" not in mrkdwn(safe) and ">" not in mrkdwn(safe)


@pytest.mark.parametrize("raw", [*HOSTILE, "snake_case @bob <!here> [x](http://y)"])
def test_writing_out_is_stable(raw: str) -> None:
    once = shown(raw)
    assert shown(once) == once


def test_text_without_slack_syntax_is_left_as_it_is() -> None:
    for text in ("plain", "a < b > c", "I <3 this", "replace <your name> here", "<at>Bob</at>"):
        assert readable(text) == text
    assert mrkdwn("a < b & c") == "a &lt; b &amp; c"
