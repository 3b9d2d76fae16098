"""Long posts against the strict fake Slack: continued in the thread, updated in place, and a
refusal answered once with plain text, then reported instead of retried."""

from __future__ import annotations

import pytest

from bot.cards import Button, Card
from bot.effects import MessageMember, PostToConversation, UpdatePost
from bot.identity import Where
from bot.ops.observability import REFUSALS
from testkit.fake_slack import TEAM, FakeSlack, SlackHarness

WHERE = Where("slack", TEAM, "C0LONG")


def _long(n: int, tag: str) -> Card:
    return Card(title="Reveal", text="\n\n".join(f"{tag}{i} " + "word " * 400 for i in range(n)))


def _shown(fake: FakeSlack, method: str = "chat.postMessage") -> str:
    return " ".join(
        b["text"]["text"]
        for call in fake.of(method)
        for b in call.get("blocks") or []
        if b["type"] == "section" and "text" in b
    )


async def test_a_long_post_continues_in_its_thread(slack: SlackHarness, fake: FakeSlack) -> None:
    card = _long(20, "share")
    assert await slack.adapter.deliverer.deliver([PostToConversation(WHERE, card, "r:1")]) == []
    head, *rest = fake.of("chat.postMessage")
    heads = fake.answers("chat.postMessage")[0]
    assert rest and all(p["thread_ts"] == heads["ts"] for p in rest)
    assert "thread_ts" not in head
    note = head["blocks"][-1]["elements"][0]["text"]
    assert note == f"Continued in the thread below ({len(rest)} more parts)."
    assert all(f"share{i} " in _shown(fake) for i in range(20))
    # handed over again by the outbox: nothing is doubled
    fake.clear()
    assert await slack.adapter.deliverer.deliver([PostToConversation(WHERE, card, "r:1")]) == []
    assert fake.of("chat.postMessage") == []


async def test_an_update_edits_each_part_and_adds_or_retires_parts(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    deliver = slack.adapter.deliverer.deliver
    assert await deliver([PostToConversation(WHERE, _long(8, "a"), "r:2")]) == []
    first = len(fake.of("chat.postMessage"))
    fake.clear()
    assert await deliver([UpdatePost(WHERE, "r:2", _long(20, "b"))]) == []
    edits, added = fake.of("chat.update"), fake.of("chat.postMessage")
    assert len(edits) == first and added  # every old part edited, the extra ones added
    shown = _shown(fake, "chat.update") + _shown(fake)
    assert all(f"b{i} " in shown for i in range(20))
    fake.clear()
    assert await deliver([UpdatePost(WHERE, "r:2", Card(text="short now"))]) == []
    edits = fake.of("chat.update")
    assert edits[0]["blocks"][0]["text"]["text"] == "short now"
    assert all("no longer needed" in e["text"] for e in edits[1:]) and len(edits) > 1


@pytest.mark.slack_refusals
async def test_a_refused_post_is_sent_once_more_as_plain_text(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    card = Card(text="Pick one", buttons=(Button("Too much", "x.y", "v" * 2001),))
    assert await slack.adapter.deliverer.deliver([PostToConversation(WHERE, card)]) == []
    _refused, plain = fake.of("chat.postMessage")
    assert [c.answer["error"] for c in fake.refusals] == ["invalid_blocks"]
    assert "blocks" not in plain and "Pick one" in plain["text"]


@pytest.mark.slack_refusals
async def test_a_post_refused_twice_is_reported_not_retried(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    before = REFUSALS.labels(
        platform="slack", kind="MessageMember", reason="msg_blocks_too_long"
    )._value.get()
    fake.refuse("chat.postMessage", "msg_blocks_too_long", 2)
    effect = MessageMember("slack", TEAM, "U0ONE", Card(text="hello"))
    assert await slack.adapter.deliverer.deliver([effect]) == []  # not handed back for retries
    assert len(fake.of("chat.postMessage")) == 2
    after = REFUSALS.labels(
        platform="slack", kind="MessageMember", reason="msg_blocks_too_long"
    )._value.get()
    assert after == before + 1


async def test_a_long_ephemeral_reply_comes_as_consecutive_messages(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    from bot.adapters.slack.answers import Request
    from testkit.fake_slack import slack_person

    who = slack_person("U0FAY", "Fay")
    request = Request(who, WHERE, response_url=fake.response_url(99))
    await slack.adapter.answers.reply(_long(12, "mine"), request)
    sent = fake.of("respond")
    assert len(sent) > 1 and all(s["response_type"] == "ephemeral" for s in sent)
    note = sent[0]["blocks"][-1]["elements"][0]["text"]
    assert note.startswith(f"Continued in the next {len(sent) - 1} messages")
    assert all(f"mine{i} " in _shown(fake, "respond") for i in range(12))
    fake.clear()
    await slack.adapter.answers.reply(_long(40, "many"), Request(who, WHERE, fake.response_url(98)))
    assert fake.of("respond") == [] and len(fake.of("chat.postEphemeral")) > 5


@pytest.mark.slack_refusals
async def test_a_refused_update_is_edited_to_plain_text_without_the_old_blocks(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    deliver = slack.adapter.deliverer.deliver
    assert await deliver([PostToConversation(WHERE, Card(text="count: 1"), "c:1")]) == []
    fake.refuse("chat.update", "invalid_blocks")
    assert await deliver([UpdatePost(WHERE, "c:1", Card(text="count: 2"))]) == []
    _refused, plain = fake.of("chat.update")
    assert plain["blocks"] == [] and plain["text"] == "count: 2"
