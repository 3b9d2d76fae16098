"""The Slack adapter end to end: signed requests over loopback HTTP into the real web app, against
a local fake of Slack's Web API (see `tests/slack_fakes.py`)."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client import REGISTRY
from sqlalchemy import func, select

from bot.adapters.slack.adapter import (
    COMMANDS,
    ELEPHANT_SHORTCUT,
    MESSAGE_SHORTCUT,
    neutral_text,
)
from bot.adapters.slack.answers import NEEDS_TRIGGER, SORRY
from bot.adapters.slack.blocks import card_blocks, card_fallback
from bot.adapters.slack.home import NO_GROUP
from bot.adapters.slack.records import claim_event
from bot.adapters.slack.text import escape
from bot.app import CommonGround, adapter_report, build, configured_adapters, web_app
from bot.cards import Card, Field
from bot.effects import MessageMember, PostToConversation, UpdatePost
from bot.handlers.elephants.cards import WHAT_IS_STORED
from bot.handlers.elephants.commands import TYPED_IN_THE_OPEN
from bot.identity import Where
from bot.ops import observability
from bot.settings import Settings
from bot.store.schema import elephants, inbound_events
from testkit.fake_slack import (
    BOT_USER,
    SIGNING_SECRET,
    TEAM,
    FakeSlack,
    SlackHarness,
    running,
    signed_headers,
    slack_person,
)
from tests.anonymity_helpers import snapshot_tables
from tests.dialogue import FakeClock

FAY = slack_person("U0FAY", "fay")
PAT = slack_person("U0PAT", "pat")
LEE = slack_person("U0LEE", "lee")
CHANNEL = "C0GENERAL"


def texts(blocks: list[dict]) -> str:
    out = []
    for b in blocks:
        if "text" in b and isinstance(b["text"], dict):
            out.append(b["text"]["text"])
        for f in b.get("fields", []):
            out.append(f["text"])
        for e in b.get("elements", []):
            if isinstance(e.get("text"), dict):
                out.append(e["text"]["text"])
            elif isinstance(e.get("text"), str):
                out.append(e["text"])
    return "\n".join(out)


async def _group(slack: SlackHarness, fake: FakeSlack) -> None:
    """Fay sets the channel up; Pat and Lee pick their roles on the posted role picker."""
    await slack.command(FAY, "setup Parents Forum")
    picker = fake.of("chat.postMessage")[-1]["blocks"][-1]
    await slack.press(PAT, picker, "Professional")
    await slack.press(LEE, picker, "Lived experience")
    fake.clear()


def actions_of(blocks: list[dict]) -> dict:
    return next(b for b in blocks if b["type"] == "actions")


async def test_setup_posts_the_welcome_and_role_picker_in_the_channel(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    status, body = await slack.command(FAY, "setup Parents Forum")
    assert (status, body) == (200, "")
    posts = fake.of("chat.postMessage")
    assert [p["channel"] for p in posts] == [CHANNEL, CHANNEL]
    assert posts[0]["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Welcome to Parents Forum", "emoji": True},
    }
    assert "fay is the facilitator" in texts(posts[0]["blocks"])
    picker = actions_of(posts[1]["blocks"])
    labels = [e["text"]["text"] for e in picker["elements"]]
    assert labels[:3] == ["Lived experience", "Professional", "Both"]
    # Slack needs unique action ids in a message; the core's action is before the separator.
    assert len({e["action_id"] for e in picker["elements"]}) == len(labels)
    assert all(e["action_id"].startswith("setup.role::") for e in picker["elements"])


async def test_role_button_answers_only_the_person_who_pressed(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    await slack.command(FAY, "setup Parents Forum")
    picker = actions_of(fake.of("chat.postMessage")[-1]["blocks"])
    fake.clear()
    status, _ = await slack.press(PAT, picker, "Professional")
    assert status == 200
    [answer] = fake.of("respond")
    assert answer["response_type"] == "ephemeral"
    assert answer["replace_original"] is False
    assert "professional" in answer["text"].lower()
    assert fake.of("chat.postMessage") == [] or all(
        p["channel"] != CHANNEL for p in fake.of("chat.postMessage")
    )


async def test_checkin_goes_to_channel_and_members_and_a_press_updates_the_count(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    await _group(slack, fake)
    await slack.command(FAY, "checkin")
    posts = fake.of("chat.postMessage")
    # The channel card first; the members' messages then go out side by side, in any order.
    assert posts[0]["channel"] == CHANNEL
    assert sorted(p["channel"] for p in posts[1:]) == sorted(
        [FAY.user_id, PAT.user_id, LEE.user_id]
    )
    labels = [e["text"]["text"] for e in actions_of(posts[0]["blocks"])["elements"]]
    assert labels == ["1 Struggling", "2 Low", "3 Okay", "4 Good", "5 Great", "Pass", "Add words"]
    assert "I've posted the check-in" in fake.of("respond")[0]["text"]
    channel_ts = fake.answers("chat.postMessage")[0]["ts"]
    fake.clear()

    status, _ = await slack.press(PAT, actions_of(posts[0]["blocks"]), "2 Low")
    assert status == 200
    assert "Low days count too" in fake.of("respond")[0]["text"]
    [update] = fake.of("chat.update")
    assert update["channel"] == CHANNEL
    assert update["ts"] == channel_ts
    assert "*Checked in*\n1 of 3" in texts(update["blocks"])


async def test_mentions_reach_the_core_in_its_own_form(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    await _group(slack, fake)
    await slack.command(FAY, f"facilitator add <@{PAT.user_id}|pat>")
    assert fake.of("respond")[-1]["text"].startswith("Done. pat is now a facilitator too.")


@pytest.mark.parametrize(
    ("typed", "core_sees"),
    [
        ("facilitator add <@U0PAT|pat>", "facilitator add <@U0PAT>"),
        ("facilitator add <@W0ENT>", "facilitator add <@W0ENT>"),
        (
            "elephant see <#C0X|general> &amp; <https://x.test|x.test>",
            "elephant see #general & x.test",
        ),
        ("elephant a &lt;b&gt; c", "elephant a <b> c"),
        ("elephant &lt;@U0FAKE&gt;", "elephant <@U0FAKE>"),
    ],
)
def test_command_text_is_decoded_to_what_was_typed(typed: str, core_sees: str) -> None:
    assert neutral_text(typed) == core_sees


async def test_elephant_modal_shows_validation_errors_and_then_accepts(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    await _group(slack, fake)
    status, _ = await slack.command(PAT, "", command="/elephant")
    assert status == 200
    [opened] = fake.of("views.open")
    view = opened["view"]
    assert opened["trigger_id"].startswith("trigger-")
    assert view["type"] == "modal"
    assert view["callback_id"] == "elephant.form"
    assert view["title"]["text"] == "Name an elephant"
    assert [b["block_id"] for b in view["blocks"] if b["type"] == "input"] == ["text", "size"]
    assert escape(WHAT_IS_STORED) in texts(view["blocks"])
    fake.clear()

    status, body = await slack.submit(PAT, view, {"text": "   ", "size": "little"})
    assert status == 200
    answer = json.loads(body)
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"text"}
    assert fake.calls == []

    status, body = await slack.submit(
        PAT, view, {"text": "Nobody reads our feedback", "size": "little"}
    )
    assert (status, body) == (200, "")
    [thanks] = fake.of("chat.postEphemeral")
    assert thanks["channel"] == CHANNEL
    assert thanks["user"] == PAT.user_id
    assert thanks["text"].startswith("Thank you for naming it.")


def _metadata(view: dict[str, Any], **changes: Any) -> dict[str, Any]:
    meta = {**json.loads(view["private_metadata"]), **changes}
    meta = {k: v for k, v in meta.items() if v is not None}
    return {**view, "private_metadata": json.dumps(meta)}


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda view: _metadata(view, ch="C0OTHER"), id="another-channel"),
        pytest.param(lambda view: _metadata(view, d=True), id="made-direct"),
        pytest.param(lambda view: _metadata(view, s=None), id="unsigned"),
        pytest.param(lambda view: _metadata(view, s="0" * 64), id="wrong-signature"),
        pytest.param(lambda view: {**view, "private_metadata": "[]"}, id="not-an-object"),
        pytest.param(lambda view: {**view, "private_metadata": "{"}, id="not-json"),
        pytest.param(lambda view: {**view, "private_metadata": ""}, id="empty"),
    ],
)
async def test_a_form_whose_private_metadata_is_not_ours_is_refused_and_stores_nothing(
    slack: SlackHarness, fake: FakeSlack, bot: CommonGround, forge: Any
) -> None:
    """The modal's private_metadata names the conversation an answer belongs to: it is signed
    for the person it was opened for, and a changed one never adds them to another group."""
    await _group(slack, fake)
    await slack.command(slack_person("U0OLA", "ola"), "setup Other Forum", channel="C0OTHER")
    await slack.command(PAT, "", command="/elephant")
    [opened] = fake.of("views.open")
    fake.clear()
    before = await snapshot_tables(bot.db)
    status, body = await slack.submit(PAT, forge(opened["view"]), {"text": "Hidden", "size": "big"})
    assert status == 200
    answer = json.loads(body)
    assert answer["response_action"] == "update"
    assert "nothing was saved" in texts(answer["view"]["blocks"])
    assert await snapshot_tables(bot.db) == before
    assert fake.calls == []


async def test_a_form_opened_for_one_person_is_refused_from_another(
    slack: SlackHarness, fake: FakeSlack, bot: CommonGround
) -> None:
    await _group(slack, fake)
    await slack.command(PAT, "", command="/elephant")
    [opened] = fake.of("views.open")
    before = await snapshot_tables(bot.db)
    status, body = await slack.submit(LEE, opened["view"], {"text": "Hidden", "size": "big"})
    assert json.loads(body)["response_action"] == "update"
    assert await snapshot_tables(bot.db) == before
    status, body = await slack.submit(PAT, opened["view"], {"text": "Hidden", "size": "big"})
    assert (status, body) == (200, "")  # the person it was opened for is answered as usual


async def test_a_signed_command_that_names_no_one_changes_nothing(
    slack: SlackHarness, bot: CommonGround
) -> None:
    """Slack always sends the user id; a request without one is acknowledged and dropped, so no
    member (or group) is made with no one behind it."""
    before = await snapshot_tables(bot.db)
    for text in ("setup Parents Forum", "role professional"):
        status, _ = await slack.command(slack_person("", "nobody"), text)
        assert status == 200
    assert await snapshot_tables(bot.db) == before


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"text=\xff\xfe\xfa&user_id=U0FAY", "application/x-www-form-urlencoded"),
        (b"text=help", "application/x-www-form-urlencoded; charset=x-no-such-charset"),
    ],
    ids=["not-utf-8", "unknown-charset"],
)
async def test_a_body_that_is_not_text_is_refused_not_a_server_error(
    slack: SlackHarness, bot: CommonGround, body: bytes, content_type: str
) -> None:
    before = await snapshot_tables(bot.db)
    assert slack.client is not None
    for headers in ({}, signed_headers(body.decode("latin-1"))):
        response = await slack.client.post(
            "/slack/events", data=body, headers={"Content-Type": content_type, **headers}
        )
        assert response.status == 400
    assert await snapshot_tables(bot.db) == before


_USER = {"id": "U0PAT", "team_id": "T0TEAM"}
_IN = {"user": _USER, "team": {"id": "T0TEAM"}}


def _payload(data: object) -> str:
    return urlencode({"payload": json.dumps(data)})


def _event(event: object) -> str:
    return json.dumps(
        {"type": "event_callback", "team_id": "T0TEAM", "event_id": "Ev1", "event": event}
    )


MALFORMED = {
    "payload-not-json": "payload=notjson",
    "payload-list": _payload([]),
    "payload-null": _payload(None),
    "payload-number": _payload(1),
    "payload-too-deep": urlencode({"payload": "[" * 100_000 + "]" * 100_000}),
    "no-type": _payload({"actions": [{"action_id": "x", "value": "1"}], **_IN}),
    "type-not-text": _payload({"type": 5, **_IN}),
    "actions-not-a-list": _payload({"type": "block_actions", "actions": "x", **_IN}),
    "actions-empty": _payload({"type": "block_actions", "actions": [], **_IN}),
    "action-not-an-object": _payload({"type": "block_actions", "actions": [1], **_IN}),
    "action-without-id": _payload({"type": "block_actions", "actions": [{}], **_IN}),
    "action-id-not-text": _payload({"type": "block_actions", "actions": [{"action_id": 5}], **_IN}),
    "user-not-an-object": _payload(
        {"type": "block_actions", "actions": [{"action_id": "x"}], **_IN, "user": "U0PAT"}
    ),
    "view-missing": _payload({"type": "view_submission", **_IN}),
    "view-not-an-object": _payload({"type": "view_submission", "view": "x", **_IN}),
    "view-state-not-an-object": _payload(
        {"type": "view_submission", "view": {"callback_id": "x", "state": "x"}, **_IN}
    ),
    "view-values-not-objects": _payload(
        {"type": "view_submission", "view": {"state": {"values": {"a": "x"}}}, **_IN}
    ),
    "shortcut-without-callback": _payload({"type": "shortcut", "callback_id": 5, **_IN}),
    "message-not-an-object": _payload(
        {"type": "message_action", "callback_id": "elephant.from-message", "message": "x", **_IN}
    ),
    "json-list": "[]",
    "json-not-json": "notjson",
    "json-null": "null",
    "event-not-an-object": _event("x"),
    "event-without-type": _event({}),
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
async def test_a_signed_but_malformed_request_is_refused_with_400_and_changes_nothing(
    slack: SlackHarness,
    fake: FakeSlack,
    bot: CommonGround,
    body: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    before = await snapshot_tables(bot.db)
    json_body = not body.startswith("payload=")
    content_type = "application/json" if json_body else "application/x-www-form-urlencoded"
    status, _ = await slack.post(body, content_type)
    assert status == 400
    assert await snapshot_tables(bot.db) == before
    assert fake.calls == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_forged_and_stale_signatures_are_refused_and_change_nothing(
    slack: SlackHarness, fake: FakeSlack, bot: CommonGround
) -> None:
    before = await snapshot_tables(bot.db)
    body = slack.command_body(FAY, "setup Parents Forum", CHANNEL)
    form = "application/x-www-form-urlencoded"
    forged = signed_headers(body, secret="not-the-secret")
    stale = signed_headers(body, age=600)
    tampered = signed_headers(body.replace("Parents", "Other"))
    assert (await slack.post(body, form, forged))[0] == 401
    assert (await slack.post(body, form, stale))[0] == 401
    assert (await slack.post(body.replace("Parents", "Changed"), form, tampered))[0] == 401
    assert (await slack.post(body, form, {}))[0] == 401
    assert await snapshot_tables(bot.db) == before
    assert fake.calls == []


def _join_event(user: str) -> dict[str, str]:
    return {
        "type": "member_joined_channel",
        "user": user,
        "channel": CHANNEL,
        "channel_type": "C",
        "team": TEAM,
        "event_ts": "1700000000.000100",
    }


async def test_a_member_joining_is_greeted_privately(slack: SlackHarness, fake: FakeSlack) -> None:
    await _group(slack, fake)
    body = slack.event_body(_join_event("U0NEW"), "Ev0JOIN1")
    status, _ = await slack.post(body, "application/json")
    assert status == 200
    assert fake.of("users.info") == [{"user": "U0NEW"}]
    [greeting] = fake.of("chat.postMessage")
    assert greeting["channel"] == "U0NEW"
    assert "Lived experience" in texts(greeting["blocks"])


async def test_a_retried_event_is_handled_once_even_by_a_new_app_on_the_same_database(
    slack: SlackHarness, fake: FakeSlack, settings: Settings, clock: FakeClock
) -> None:
    await _group(slack, fake)
    body = slack.event_body(_join_event("U0NEW"), "Ev0RETRY")
    assert (await slack.post(body, "application/json"))[0] == 200
    assert len(fake.of("chat.postMessage")) == 1
    retry = {
        **signed_headers(body),
        "X-Slack-Retry-Num": "1",
        "X-Slack-Retry-Reason": "http_timeout",
    }
    assert (await slack.post(body, "application/json", retry))[0] == 200
    assert len(fake.of("chat.postMessage")) == 1

    restarted = build(settings, clock=clock)
    try:
        async with running(restarted, fake) as again:
            retry = {**signed_headers(body), "X-Slack-Retry-Num": "2"}
            assert (await again.post(body, "application/json", retry))[0] == 200
            assert len(fake.of("chat.postMessage")) == 1
            # A different event still goes through on the new app.
            other = again.event_body(_join_event("U0OTHER"), "Ev0OTHER")
            assert (await again.post(other, "application/json"))[0] == 200
            assert [p["channel"] for p in fake.of("chat.postMessage")] == ["U0NEW", "U0OTHER"]
    finally:
        await restarted.close()


async def test_url_verification_is_answered(slack: SlackHarness) -> None:
    body = json.dumps({"token": "legacy", "challenge": "abc123", "type": "url_verification"})
    status, text = await slack.post(body, "application/json")
    assert status == 200
    assert "abc123" in text


WHERE = Where("slack", TEAM, CHANNEL)


async def test_a_rate_limited_post_is_retried_and_remembered_for_updates(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    fake.fail("chat.postMessage", 429)
    await slack.adapter.deliverer.deliver([PostToConversation(WHERE, Card(title="Hi"), key="k:1")])
    assert len(fake.of("chat.postMessage")) == 2
    ts = fake.answers("chat.postMessage")[-1]["ts"]
    fake.fail("chat.update", 429)
    await slack.adapter.deliverer.deliver([UpdatePost(WHERE, "k:1", Card(title="Hi again"))])
    updates = fake.of("chat.update")
    assert len(updates) == 2
    assert updates[-1]["ts"] == ts
    assert updates[-1]["text"] == "Hi again"


async def test_a_failing_delivery_is_logged_without_text_and_the_rest_still_go(
    slack: SlackHarness, fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    fake.fail("chat.postMessage", 500, 500, 500, 500)
    effects = [
        MessageMember("slack", TEAM, "U0ONE", Card(text="Secret words for one")),
        MessageMember("slack", TEAM, "U0TWO", Card(text="Words for two")),
    ]
    with caplog.at_level(logging.DEBUG):
        failed = await slack.adapter.deliverer.deliver(effects)
    channels = [p["channel"] for p in fake.of("chat.postMessage")]
    assert channels == ["U0ONE"] * 4 + ["U0TWO"]
    assert failed == effects[:1]  # handed back, for the outbox to try again later
    assert "Slack delivery of a MessageMember failed: internal_error" in caplog.text
    assert "Secret words" not in caplog.text
    assert "U0ONE" not in caplog.text


async def test_a_keyed_post_or_message_delivered_twice_is_sent_once(
    slack: SlackHarness, fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    """The outbox is at-least-once: a batch handed over again after a crash sends nothing new."""
    where = Where("slack", TEAM, "C0KEYED")
    batch = [
        PostToConversation(where, Card(text="Keyed channel card"), key="bench:1"),
        MessageMember("slack", TEAM, "U0ONE", Card(text="Keyed message"), key="bench:1"),
    ]
    assert await slack.adapter.deliverer.deliver(batch) == []
    with caplog.at_level(logging.DEBUG, logger="bot.adapters"):
        assert await slack.adapter.deliverer.deliver(batch) == []
    assert [p["channel"] for p in fake.of("chat.postMessage")] == ["C0KEYED", "U0ONE"]
    assert "a keyed Slack post was sent before; not sent again" in caplog.text
    assert "Keyed" not in caplog.text and "U0ONE" not in caplog.text


async def test_an_update_of_a_post_never_sent_is_skipped(
    slack: SlackHarness, fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    await slack.adapter.deliverer.deliver([UpdatePost(WHERE, "missing", Card(title="x"))])
    assert fake.calls == []
    assert "never sent to Slack" in caplog.text


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("a & b", "a &amp; b"),
        ("<b>x</b> <3", "&lt;b&gt;x&lt;/b&gt; &lt;3"),
        ("<@U1>", "@\u2060U1"),  # Slack's own syntax is written out as what it shows
        ("<!channel>", "@\u2060channel"),
    ],
)
def test_every_text_is_escaped_in_blocks(text: str, escaped: str) -> None:
    card = Card(title=text, text=text, fields=(Field(text, text),), footer=text)
    blocks = card_blocks(card)
    assert blocks[1]["text"]["text"] == escaped
    assert blocks[2]["fields"][0]["text"] == f"*{escaped}*\n{escaped}"
    assert blocks[3]["elements"][0]["text"] == escaped
    assert card_fallback(card) == escaped


async def test_the_bot_added_to_a_channel_suggests_setup(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    body = slack.event_body(_join_event(BOT_USER), "Ev0BOTJOIN")
    assert (await slack.post(body, "application/json"))[0] == 200
    [hello] = fake.of("chat.postMessage")
    assert hello["channel"] == CHANNEL
    assert "`/coprod setup`" in texts(hello["blocks"])
    assert fake.of("users.info") == []


async def test_the_global_shortcut_opens_the_elephant_modal(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    await _group(slack, fake)
    payload = {
        "type": "shortcut",
        "token": "legacy",
        "action_ts": "1700000000.1",
        "team": {"id": TEAM, "domain": "testers"},
        "user": {"id": PAT.user_id, "username": "pat", "team_id": TEAM},
        "callback_id": "elephant.name",
        "trigger_id": "trigger-shortcut",
    }
    assert (await slack.interaction(payload))[0] == 200
    [opened] = fake.of("views.open")
    assert opened["trigger_id"] == "trigger-shortcut"
    assert opened["view"]["callback_id"] == "elephant.form"
    fake.clear()
    # Submitted from the shortcut, the thanks arrives as a direct message.
    await slack.submit(PAT, opened["view"], {"text": "We never hear back", "size": "little"})
    [thanks] = fake.of("chat.postMessage")
    assert thanks["channel"] == PAT.user_id
    assert thanks["text"].startswith("Thank you for naming it.")


def test_the_manifest_declares_what_the_adapter_listens_for() -> None:
    manifest = (Path(__file__).parents[3] / "config" / "slack-manifest.yaml").read_text()
    for command in COMMANDS:
        assert f"- command: {command}\n" in manifest
    assert f"callback_id: {ELEPHANT_SHORTCUT}\n" in manifest
    assert (
        f"    - name: Name as an elephant\n      type: message\n"
        f"      callback_id: {MESSAGE_SHORTCUT}\n"
    ) in manifest
    assert "    - https://commonground.example.org/slack/oauth_redirect\n" in manifest
    assert "    home_tab_enabled: true\n" in manifest
    events = (
        "member_joined_channel",
        "message.im",
        "app_mention",
        "app_home_opened",
        "app_uninstalled",
        "tokens_revoked",
    )
    for event in events:
        assert f"      - {event}\n" in manifest
    # two commands, events and interactivity all at the one route
    assert manifest.count("url: https://commonground.example.org/slack/events\n") == 4
    for scope in ("commands", "chat:write", "files:write", "users:read", "im:history"):
        assert f"      - {scope} " in manifest


async def test_the_environment_switches_slack_on_in_the_web_app_and_the_router(
    bot: CommonGround, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {
        "SLACK_BOT_TOKEN": "xoxb-env",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert configured_adapters(env) == ["Slack"]
    assert adapter_report(env) == "Chat platforms connected: Slack."
    client = TestClient(TestServer(web_app(bot)))
    await client.start_server()
    try:
        body = urlencode(
            {
                "command": "/coprod",
                "text": "help",
                "team_id": TEAM,
                "user_id": FAY.user_id,
                "user_name": "fay",
                "channel_id": CHANNEL,
                "trigger_id": "t1",
            }
        )
        headers = {"Content-Type": "application/x-www-form-urlencoded", **signed_headers(body)}
        response = await client.post("/slack/events", data=body, headers=headers)
        assert response.status == 200
        assert (await client.get("/healthz")).status == 200
        await bot.router.deliver([PostToConversation(WHERE, Card(title="From the scheduler"))])
        assert fake.of("chat.postMessage")[-1]["text"] == "From the scheduler"
    finally:
        await client.close()


async def test_without_its_settings_slack_is_not_mounted(bot: CommonGround) -> None:
    assert configured_adapters({"SLACK_BOT_TOKEN": "xoxb-only"}) == []
    client = TestClient(TestServer(web_app(bot)))
    await client.start_server()
    try:
        assert (await client.post("/slack/events", data="x")).status in (404, 405)
    finally:
        await client.close()


EVERY_COMMAND = [
    "help",
    "privacy",
    "role professional",
    "settings",
    "set k 4",
    "timezone Europe/Paris",
    "schedule weekly tue 10:00 90m",
    "schedule",
    "meeting skip next tuesday",
    "meeting unskip next tuesday",
    "meeting move next tuesday to next wednesday 6.30pm",
    "quiet-hours 21:00-08:00",
    "quiet-hours off",
    "facilitator add <@U0PAT|pat>",
    "facilitator remove <@U0PAT|pat>",
    "meeting start",
    "checkin",
    "elephant Nobody reads our feedback",
    "elephants",
    "round What would make this easier?",
    "share More notice before meetings",
    "pass",
    "round reveal",
    "round close",
    "nudges off",
    "summary preview",
    "summary",
    "meeting end",
    "elephant 1 discussed we talked",
    "export",
    "my-data",
    "schedule off",
    "forget-me",
    "not-a-command",
]


async def test_every_command_gets_an_answer_through_slack(
    slack: SlackHarness, fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    """Each line of the grammar, typed as `/coprod ...`, is answered and nothing fails."""
    await _group(slack, fake)
    for line in EVERY_COMMAND:
        fake.clear()
        caplog.clear()
        status, body = await slack.command(FAY, line)
        assert (status, body) == (200, ""), line
        answered = fake.of("respond") + fake.of("views.open") + fake.of("chat.postMessage")
        assert answered, f"no answer to {line!r}"
        shown = " ".join(str(a) for a in answered)
        assert "something went wrong" not in shown, line
        warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert warnings == [], (line, [r.getMessage() for r in warnings])


async def test_a_round_invitation_in_a_dm_opens_the_share_modal(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    await _group(slack, fake)
    await slack.command(FAY, "round What would make this easier?")
    sent = {c["channel"]: c for c in fake.of("chat.postMessage")}
    assert set(sent) == {CHANNEL, FAY.user_id, PAT.user_id, LEE.user_id}
    dm_channel = next(
        a["channel"] for a in fake.answers("chat.postMessage") if a["channel"].endswith("PAT")
    )
    fake.clear()
    await slack.press(PAT, actions_of(sent[PAT.user_id]["blocks"]), "Share", channel=dm_channel)
    [opened] = fake.of("views.open")
    view = opened["view"]
    assert view["callback_id"] == "round.share"
    consent = next(b for b in view["blocks"] if b.get("block_id") == "consent")
    assert consent["element"]["type"] == "radio_buttons"
    assert [o["value"] for o in consent["element"]["options"]] == ["yes", "no"]
    assert json.loads(view["private_metadata"])["d"] is True
    fake.clear()

    status, body = await slack.submit(PAT, view, {"text": "", "consent": "yes"})
    assert json.loads(body)["response_action"] == "errors"
    assert "text" in json.loads(body)["errors"]

    status, body = await slack.submit(PAT, view, {"text": "More notice please", "consent": "yes"})
    assert (status, body) == (200, "")
    # Answered privately in the direct message, where the modal was opened from.
    assert [m["channel"] for m in fake.of("chat.postMessage")] == [PAT.user_id]
    assert fake.of("chat.postEphemeral") == []


async def test_a_failure_in_our_code_gets_a_kind_message_and_a_log_line(
    slack: SlackHarness, fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(event: object, **_: object) -> list[object]:
        raise RuntimeError("a bug")

    slack.adapter.handle = broken  # type: ignore[assignment]
    status, body = await slack.command(FAY, "help")
    assert (status, body) == (200, "")
    [sorry] = fake.of("respond")
    assert sorry["text"] == SORRY
    assert sorry["response_type"] == "ephemeral"
    assert "a Slack request failed after it was acknowledged" in caplog.text


async def test_event_records_are_kept_for_a_day_only(bot: CommonGround, clock: FakeClock) -> None:
    assert await claim_event(bot.db, "e:one", clock())
    assert not await claim_event(bot.db, "e:one", clock())
    clock.advance(hours=25)
    assert await claim_event(bot.db, "e:two", clock())
    async with bot.db.read() as conn:
        kept = (await conn.execute(select(inbound_events.c.event_id))).scalars().all()
    assert kept == ["e:two"]


def _message_event(user: str, text: str, channel: str, kind: str = "message") -> dict[str, str]:
    event = {"type": kind, "user": user, "text": text, "channel": channel, "team": TEAM}
    event["ts"] = event["event_ts"] = "1700000000.000200"
    if kind == "message":
        event["channel_type"] = "im" if channel.startswith("D") else "channel"
    return event


async def test_a_direct_message_to_the_bot_is_a_command(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    await _group(slack, fake)
    body = slack.event_body(_message_event(PAT.user_id, "help", "D0PAT"), "Ev0DM1")
    assert (await slack.post(body, "application/json"))[0] == 200
    [answer] = fake.of("chat.postMessage")
    assert answer["channel"] == PAT.user_id
    assert "checkin" in texts(answer["blocks"])


async def test_a_mention_in_the_channel_is_a_command_answered_privately(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    await _group(slack, fake)
    text = f"<@{BOT_USER}> facilitator add <@{PAT.user_id}>"
    body = slack.event_body(_message_event(FAY.user_id, text, CHANNEL, "app_mention"), "Ev0AT1")
    assert (await slack.post(body, "application/json"))[0] == 200
    [answer] = fake.of("chat.postEphemeral")
    assert (answer["channel"], answer["user"]) == (CHANNEL, FAY.user_id)
    assert answer["text"].startswith("Done.")


async def test_an_elephant_typed_in_a_mention_is_refused_and_not_stored(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    """Everyone in the channel sees who wrote a mention, so it cannot name an elephant."""
    await _group(slack, fake)
    text = f"<@{BOT_USER}> elephant We never hear from parents"
    body = slack.event_body(_message_event(PAT.user_id, text, CHANNEL, "app_mention"), "Ev0EL1")
    assert (await slack.post(body, "application/json"))[0] == 200
    async with slack.bot.db.read() as conn:
        assert await conn.scalar(select(func.count()).select_from(elephants)) == 0
    [answer] = fake.of("chat.postEphemeral")
    assert (answer["channel"], answer["user"]) == (CHANNEL, PAT.user_id)
    assert TYPED_IN_THE_OPEN.split(".")[0] in answer["text"]
    assert "We never hear from parents" in texts(answer["blocks"])  # handed back, privately
    assert fake.of("chat.postMessage") == []


@pytest.mark.parametrize(
    "event",
    [
        _message_event("U0PAT", "hello all", CHANNEL),  # channel chatter
        {**_message_event("U0PAT", "help", "D0PAT"), "subtype": "message_changed"},
        {**_message_event("U0PAT", "help", "D0PAT"), "bot_id": "B0OTHER"},
    ],
)
async def test_other_messages_are_left_alone(
    slack: SlackHarness, fake: FakeSlack, event: dict[str, str]
) -> None:
    body = slack.event_body(event, "Ev0IGNORED")
    assert (await slack.post(body, "application/json"))[0] == 200
    assert [c.method for c in fake.calls if c.method != "auth.test"] == []


async def test_a_form_asked_for_in_a_typed_message_says_to_use_the_command(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    await _group(slack, fake)
    body = slack.event_body(_message_event(PAT.user_id, "elephant", "D0PAT"), "Ev0DM2")
    assert (await slack.post(body, "application/json"))[0] == 200
    assert fake.of("views.open") == []
    [answer] = fake.of("chat.postMessage")
    assert answer["text"] == escape(NEEDS_TRIGGER)


def _home_event(user: str) -> dict[str, str]:
    return {"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home"}


async def test_the_home_tab_shows_each_persons_groups_and_part(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    await _group(slack, fake)
    await slack.command(FAY, "meeting start")
    fake.clear()
    body = slack.event_body(_home_event(PAT.user_id), "Ev0HOME1")
    assert (await slack.post(body, "application/json"))[0] == 200
    [published] = fake.of("views.publish")
    assert published["user_id"] == PAT.user_id
    view = published["view"]
    assert view["type"] == "home"
    shown = texts(view["blocks"])
    assert "Parents Forum" in shown
    assert "*Your role*\nProfessional" in shown
    assert "*Reminders*\nOn" in shown
    assert "A facilitator" not in shown
    assert "A meeting is under way" in shown

    body = slack.event_body(_home_event(FAY.user_id), "Ev0HOME2")
    await slack.post(body, "application/json")
    assert "*You are*\nA facilitator" in texts(fake.of("views.publish")[-1]["view"]["blocks"])


async def test_the_home_tab_of_someone_in_no_group_says_how_to_join(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    body = slack.event_body(_home_event("U0STRANGER"), "Ev0HOME3")
    assert (await slack.post(body, "application/json"))[0] == 200
    [published] = fake.of("views.publish")
    assert escape(NO_GROUP) in texts(published["view"]["blocks"])


async def test_a_post_slack_refuses_during_a_request_is_kept_and_sent_later(
    slack: SlackHarness, fake: FakeSlack, bot: CommonGround, clock: FakeClock
) -> None:
    from bot.delivery.outbox import Outbox, pending

    await _group(slack, fake)
    fake.clear()
    fake.fail("chat.postMessage", 500, 500, 500, 500)  # the channel post, and its retries
    await slack.command(FAY, "checkin")
    sent = [p["channel"] for p in fake.of("chat.postMessage")]
    assert sent[:4] == [CHANNEL] * 4  # then each person's message, their lanes side by side
    assert sorted(sent[4:]) == sorted([FAY.user_id, PAT.user_id, LEE.user_id])
    assert await pending(bot.db) == 1
    fake.clear()
    clock.advance(minutes=1)
    assert await Outbox(bot.db, slack.adapter.deliverer, clock).drain() == 1
    assert [p["channel"] for p in fake.of("chat.postMessage")] == [CHANNEL]
    assert await pending(bot.db) == 0


async def test_a_delivery_whose_handling_failed_leaves_no_record_so_slacks_retry_is_handled(
    slack: SlackHarness,
    fake: FakeSlack,
    bot: CommonGround,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.handlers import ROUTES

    await _group(slack, fake)
    original = ROUTES.commands["help"]
    calls: list[int] = []

    async def fails_once(ctx, cmd):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("a bug, after the record was written")
        return await original(ctx, cmd)

    monkeypatch.setitem(ROUTES.commands, "help", fails_once)
    body = slack.event_body(_message_event(PAT.user_id, "help", "D0PAT"), "Ev0FAILS")

    async def recorded() -> list[str]:
        async with bot.db.read() as conn:
            rows = await conn.execute(
                select(inbound_events.c.event_id).where(inbound_events.c.event_id == "e:Ev0FAILS")
            )
            return list(rows.scalars())

    assert (await slack.post(body, "application/json"))[0] == 200
    [sorry] = fake.of("chat.postMessage")
    assert "something went wrong" in sorry["text"]
    assert await recorded() == []

    fake.clear()
    retry = {**signed_headers(body), "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "x"}
    assert (await slack.post(body, "application/json", retry))[0] == 200
    [answer] = fake.of("chat.postMessage")
    assert "checkin" in texts(answer["blocks"])
    assert await recorded() == ["e:Ev0FAILS"]

    fake.clear()
    retry = {**signed_headers(body), "X-Slack-Retry-Num": "2", "X-Slack-Retry-Reason": "x"}
    assert (await slack.post(body, "application/json", retry))[0] == 200
    assert fake.of("chat.postMessage") == []
    assert len(calls) == 2


async def test_the_core_records_a_delivery_once_even_past_the_early_look(
    bot: CommonGround,
) -> None:
    """Two copies racing past the adapter's early look: the core's record lets one through."""
    from bot.events import Command
    from bot.identity import Who

    who = Who("slack", TEAM, PAT.user_id, "pat")
    event = Command(who, Where("slack", TEAM, "D0PAT", is_direct=True), "help")
    first = await bot.core.handle(event, once="e:Ev0TWICE")
    second = await bot.core.handle(event, once="e:Ev0TWICE")
    assert first and second == []
    assert await bot.core.handle(event, once="e:Ev0OTHER") != []


async def test_a_slack_retry_while_the_database_is_down_is_answered_503(
    fake: FakeSlack,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Slack's retry is looked up before the acknowledgement: with the database unreachable that
    is our outage (503, Slack tries again later), logged once without details, not a 500."""
    monkeypatch.setattr(observability, "_unavailable_logged", [float("-inf")])
    down = Settings(
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}",  # a directory: no database opens there
        COMMONGROUND_DATA_DIR=tmp_path,
        _env_file=None,
    )
    bot = build(down)
    try:
        async with running(bot, fake) as slack:
            body = slack.command_body(FAY, "help", CHANNEL)
            retry = {**signed_headers(body), "X-Slack-Retry-Num": "1"}
            for _ in range(3):
                status, _ = await slack.post(body, "application/x-www-form-urlencoded", retry)
                assert status == 503
    finally:
        await bot.close()
    said = [r for r in caplog.records if "database is unavailable" in r.getMessage()]
    assert len(said) == 1 and said[0].levelno == logging.WARNING and said[0].exc_info is None
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_client_that_goes_away_mid_body_is_counted_as_aborted_not_500(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture
) -> None:
    """A client closing its connection while its body is read is not our failure: counted as
    `aborted` in /metrics, never as 500, and no ERROR traceback is written."""
    assert slack.client is not None

    def count(status: str) -> float:
        labels = {"method": "POST", "route": "/slack/events", "status": status}
        return REGISTRY.get_sample_value("commonground_http_requests_total", labels) or 0.0

    aborted, failed = count("aborted"), count("500")
    _reader, writer = await asyncio.open_connection(slack.client.host, slack.client.port)
    writer.write(
        b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded"
        b"\r\nContent-Length: 5000\r\n\r\ntext=only-part-of-it"
    )
    await writer.drain()
    writer.close()
    await writer.wait_closed()
    for _ in range(500):  # the server notices the closed connection on its next loop turns
        if count("aborted") > aborted:
            break
        await asyncio.sleep(0.01)
    assert count("aborted") == aborted + 1
    assert count("500") == failed
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
