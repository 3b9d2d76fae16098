"""What happens to a post Slack did not clearly accept: sorted by whether it may have been made.

Real SDK over real HTTP against the fake Slack: a send Slack took but answered too slowly is not
sent again (it may be in the chat already) and is counted; a connection never made is tried again
later; a refusal for good is not retried. And a command's fan-out goes out once, after the reply.
"""

from __future__ import annotations

import logging

import pytest
from prometheus_client import REGISTRY

from bot.cards import Card
from bot.delivery.outbox import enqueue, pending
from bot.effects import Effect, MessageMember
from bot.store.schema import outbox
from testkit.fake_slack import TEAM, FakeSlack, SlackHarness, slack_person
from tests.dialogue import FakeClock

SECRET_WORDS = Card(text="Words nobody else should read")


def counted(metric: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(metric, labels) or 0.0


async def stored(slack: SlackHarness, *effects: Effect) -> None:
    async with slack.bot.db.write() as conn:
        await enqueue(conn, effects, slack.bot.services.clock())


async def test_a_post_slack_took_but_answered_too_late_is_not_sent_again_and_is_counted(
    slack: SlackHarness, fake: FakeSlack, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    slack.adapter.client.timeout = 0.2  # the call's timeout (10 s in service), made short
    fake.answer_late("chat.postMessage", 1.0)
    before = counted(
        "commonground_ambiguous_sends_total", platform="slack", kind="MessageMember"
    )
    await stored(slack, MessageMember("slack", TEAM, "U0ONE", SECRET_WORDS))
    with caplog.at_level(logging.INFO):
        await slack.bot.drainer.drain()
    assert len(fake.of("chat.postMessage")) == 1  # Slack made the post
    assert await pending(slack.bot.db) == 0  # and it is not waiting to be sent again
    assert counted(
        "commonground_ambiguous_sends_total", platform="slack", kind="MessageMember"
    ) == before + 1
    assert "a MessageMember may or may not have reached the platform" in caplog.text
    assert "outbox row 1" in caplog.text
    assert "U0ONE" not in caplog.text and "Words nobody" not in caplog.text
    clock.advance(hours=3)
    await slack.bot.drainer.drain()
    assert len(fake.of("chat.postMessage")) == 1  # never twice


async def test_a_connection_never_made_is_tried_again_later(
    slack: SlackHarness, fake: FakeSlack, clock: FakeClock
) -> None:
    real = slack.adapter.client.base_url
    slack.adapter.client.base_url = "http://127.0.0.1:9/api/"  # nothing listens: refused
    await stored(slack, MessageMember("slack", TEAM, "U0ONE", SECRET_WORDS))
    assert await slack.bot.drainer.drain() == 0
    assert await pending(slack.bot.db) == 1  # kept: nothing reached Slack
    slack.adapter.client.base_url = real
    clock.advance(minutes=1)
    assert await slack.bot.drainer.drain() == 1
    assert len(fake.of("chat.postMessage")) == 1


async def test_a_refusal_for_good_is_not_retried(
    slack: SlackHarness, fake: FakeSlack, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    fake.refuse("chat.postMessage", "channel_not_found")
    await stored(slack, MessageMember("slack", TEAM, "U0GONE", SECRET_WORDS))
    await slack.bot.drainer.drain()
    assert await pending(slack.bot.db) == 0
    assert "Slack refused a MessageMember for good (channel_not_found)" in caplog.text
    clock.advance(hours=3)
    await slack.bot.drainer.drain()
    assert len(fake.of("chat.postMessage")) == 1


async def test_a_command_fan_out_goes_out_once_after_the_reply(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    fay = slack_person("U0FAY", "Fay")
    others = [slack_person(f"U0M{n:02d}", f"Member {n}") for n in range(12)]
    assert (await slack.command(fay, "setup Parents Forum"))[0] == 200
    for who in others:
        assert (await slack.command(who, "role professional"))[0] == 200
    fake.clear()
    async with slack.bot.db.read() as conn:
        assert (await conn.execute(outbox.select())).first() is None  # all sent already
    assert (await slack.command(fay, "round What helped this week?"))[0] == 200
    replies = [n for n, c in enumerate(fake.calls) if c.method == "respond"]
    posts = [n for n, c in enumerate(fake.calls) if c.method == "chat.postMessage"]
    invited = sorted(c.args["channel"] for c in fake.calls if c.method == "chat.postMessage")
    assert replies and posts and replies[0] < posts[0]  # the reply, then what it announces
    assert len(invited) == len(set(invited))  # each once
    assert {who.user_id for who in others} <= set(invited)
    assert await pending(slack.bot.db) == 0
