""" "Does this feel addressed?" through Slack: the card with the longest words it can carry is
posted and redrawn as Block Kit the strict fake accepts, and a press is anonymous."""

from __future__ import annotations

from typing import Any

import pytest

from bot import limits
from bot.handlers.elephants.commands import post_due_elephants
from testkit.fake_slack import FakeSlack, SlackHarness
from tests.adapters.slack.test_anonymity import FAY, LEE, PAT, QUINN, _actions, _group
from tests.anonymity_helpers import anonymous_action
from tests.dialogue import FakeClock


def _longest(tag: str, limit: int) -> str:
    words = " ".join(f"{tag}{i}" for i in range(limit))
    return words[:limit].rsplit(" ", 1)[0]


async def _sweep(slack: SlackHarness) -> None:
    await slack.adapter.deliverer.deliver(await slack.bot.core.run_job(post_due_elephants))


def _verdict_post(fake: FakeSlack, method: str) -> dict[str, Any]:
    found = [c for c in fake.of(method) if "How the group sees it" in str(c["blocks"])]
    assert found, f"no verdict card in {method}"
    return found[-1]


async def test_the_verdict_card_fits_slack_and_a_press_is_anonymous(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture, clock: FakeClock
) -> None:
    fake = slack.fake
    await _group(slack, fake)
    event = {
        "type": "message",
        "channel_type": "im",
        "user": PAT.user_id,
        "text": "elephant " + _longest("papers", limits.ELEPHANT),
        "channel": "D0PAT",
        "team": PAT.workspace,
        "ts": "1700000000.000400",
        "event_ts": "1700000000.000400",
    }
    await slack.post(slack.event_body(event, "Ev0VERDICT"), "application/json")
    clock.advance(minutes=10)
    await _sweep(slack)
    fake.clear()
    await slack.command(FAY, "elephant 1 addressed " + _longest("minutes", limits.OUTCOME))
    post = _verdict_post(fake, "chat.postMessage")
    buttons = _actions(post["blocks"])
    assert [b["text"]["text"] for b in buttons["elements"]] == ["Yes", "Partly", "Not really"]
    fake.clear()

    async with anonymous_action(slack.bot.db, QUINN, caplog):
        status, _ = await slack.press(QUINN, buttons, "Partly")
        assert status == 200
    assert "without your name" in fake.of("respond")[0]["text"]
    assert fake.of("chat.update") == []  # never at the press
    for who in (PAT, LEE):
        await slack.press(who, buttons, "Partly")
    clock.advance(minutes=1)
    await _sweep(slack)
    update = _verdict_post(fake, "chat.update")
    assert "(partly 3)" in str(update["blocks"])
