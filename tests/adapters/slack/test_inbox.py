"""The durable inbox on Slack's route: a request is acknowledged only once it is committed, it is
handled from the inbox (by this process or, after a kill, the next one) exactly once, requests
past the bound are turned away with nothing stored, and a slow modal submission is answered in
time with nothing lost."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.adapters.slack import adapter as slack_adapter
from bot.adapters.slack.adapter import attach
from bot.adapters.slack.answers import LATE_FORM_TITLE
from bot.adapters.slack.intake import BUSY
from bot.adapters.slack.settings import SlackSettings
from bot.app import CommonGround
from bot.effects import FormErrors
from bot.events import Event
from bot.inbox import BACKOFF, LEASE
from bot.store import inbox
from bot.store.schema import elephants
from testkit.fake_slack import (
    BOT_USER,
    FakeSlack,
    SlackHarness,
    running,
    running_fake,
    signed_headers,
    slack_person,
)
from tests.dialogue import FakeClock

FAY = slack_person("U0FAY", "fay")
PAT = slack_person("U0PAT", "pat")
SLACK = "slack"
CHANNEL = "C0GENERAL"


async def waiting(slack: SlackHarness) -> int:
    return await inbox.count(slack.bot.db, SLACK)


def welcomes(fake: FakeSlack) -> list[dict[str, Any]]:
    return [p for p in fake.of("chat.postMessage") if p["text"] == "Welcome to Parents Forum"]


async def test_an_acknowledged_command_is_committed_and_handled_after_a_kill(
    bot: CommonGround, fake: FakeSlack
) -> None:
    async with running(bot, fake) as first:
        await first.adapter.inbox.stop()  # the process "dies" right after answering
        status, body = await first.command(FAY, "setup Parents Forum")
        assert (status, body) == (200, "")
        assert await waiting(first) == 1  # committed before the 200 arrived
        assert welcomes(fake) == []
    async with running(bot, fake) as second:  # the next process, on the same database file
        await second.adapter.settled()
        assert len(welcomes(fake)) == 1
        assert await waiting(second) == 0


async def test_a_retried_event_makes_one_row_and_one_effect(
    bot: CommonGround, fake: FakeSlack
) -> None:
    mention = {
        "type": "app_mention",
        "user": FAY.user_id,
        "text": f"<@{BOT_USER}> setup Parents Forum",
        "channel": CHANNEL,
        "team": FAY.workspace,
        "ts": "1.000100",
    }
    async with running(bot, fake) as slack:
        fake.names[FAY.user_id] = FAY.display_name
        body = slack.event_body(mention, "Ev0001")
        await slack.adapter.inbox.stop()
        assert (await slack.post(body, "application/json"))[0] == 200
        retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
        headers = {**signed_headers(body), **retry}
        assert (await slack.post(body, "application/json", headers))[0] == 200
        assert await waiting(slack) == 1
        await slack.adapter.start_inbox()
        await slack.adapter.settled()
        assert len(welcomes(fake)) == 1
        # A later retry (the row is gone, the delivery recorded) is dropped as a repeat.
        assert (await slack.post(body, "application/json", headers))[0] == 200
        assert await waiting(slack) == 0
        assert len(welcomes(fake)) == 1


async def test_past_the_bound_requests_are_turned_away_with_nothing_stored(
    bot: CommonGround, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMMONGROUND_INBOX_LIMIT", "2")
    async with running(bot, fake) as slack:
        await slack.adapter.inbox.stop()
        for text in ("help", "help"):
            assert await slack.command(FAY, text) == (200, "")
        assert await waiting(slack) == 2
        status, body = await slack.command(FAY, "setup Parents Forum")
        assert status == 200
        assert json.loads(body) == {"response_type": "ephemeral", "text": BUSY}
        event = slack.event_body({"type": "app_mention", "user": FAY.user_id}, "Ev0002")
        assert (await slack.post(event, "application/json"))[0] == 503  # Slack retries it
        button = {"elements": [{"text": {"text": "Pass"}, "action_id": "a", "value": "v"}]}
        assert (await slack.press(FAY, button, "Pass"))[0] == 200
        [notice] = fake.of("respond")  # Slack shows no answer to a button: told this way
        assert notice["text"] == BUSY
        assert await waiting(slack) == 2
        await slack.adapter.start_inbox()
        await slack.adapter.settled()
        assert welcomes(fake) == []
        assert len(fake.of("respond")) == 3  # the notice and the two help answers, nothing else


async def _elephant_form(slack: SlackHarness, fake: FakeSlack) -> dict[str, Any]:
    await slack.command(FAY, "setup Parents Forum")
    picker = fake.of("chat.postMessage")[-1]["blocks"][-1]
    await slack.press(PAT, picker, "Professional")
    fake.clear()
    await slack.command(PAT, "", command="/elephant")
    [opened] = fake.of("views.open")
    fake.clear()
    return dict(opened["view"])


def held_core(slack: SlackHarness, refuse: str = "") -> asyncio.Event:
    """Make the core wait (as under a backlog) until the returned event is set; given `refuse`,
    it then refuses the form's text with those words."""
    go = asyncio.Event()
    real: Callable[..., Awaitable[list[Any]]] = slack.adapter.handle

    async def slow(event: Event, *, once: str | None = None) -> list[Any]:
        await go.wait()
        if refuse:
            return [FormErrors({"text": refuse})]
        return await real(event, once=once)

    slack.adapter.handle = slow  # type: ignore[assignment]
    return go


async def submit_without_waiting(
    slack: SlackHarness, view: dict[str, Any], values: dict[str, str]
) -> tuple[int, str]:
    """Submit and return the HTTP answer without waiting for the handling to finish."""

    async def not_yet() -> None:
        return None

    slack.adapter.settled = not_yet  # type: ignore[method-assign]
    try:
        return await slack.submit(PAT, view, values)
    finally:
        del slack.adapter.settled


async def test_a_slow_form_submission_is_answered_in_time_and_kept(
    slack: SlackHarness, fake: FakeSlack, bot: CommonGround, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = await _elephant_form(slack, fake)
    monkeypatch.setattr(slack_adapter, "VIEW_DEADLINE", 0.05)
    go = held_core(slack)
    answer = await submit_without_waiting(
        slack, view, {"text": "Nobody reads our feedback", "size": "little"}
    )
    assert answer == (200, "")  # the modal closes: never 404 or 500 for a form that is kept
    assert await waiting(slack) == 1  # and it is committed
    go.set()
    await slack.adapter.settled()
    async with bot.db.read() as conn:
        assert len((await conn.execute(elephants.select())).all()) == 1
    [thanks] = fake.of("chat.postEphemeral")
    assert thanks["text"].startswith("Thank you for naming it.")
    assert await waiting(slack) == 0


async def test_late_form_errors_go_to_the_person_with_their_words(
    slack: SlackHarness, fake: FakeSlack, bot: CommonGround, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = await _elephant_form(slack, fake)
    monkeypatch.setattr(slack_adapter, "VIEW_DEADLINE", 0.05)
    go = held_core(slack, refuse="Please keep it under 500 characters.")
    answer = await submit_without_waiting(
        slack, view, {"text": "Nobody reads our feedback", "size": "little"}
    )
    assert answer == (200, "")
    go.set()
    await slack.adapter.settled()
    [told] = fake.of("chat.postEphemeral")
    assert told["user"] == PAT.user_id
    shown = json.dumps(told["blocks"])
    assert LATE_FORM_TITLE in shown
    assert "Please keep it under 500 characters." in shown
    assert "Nobody reads our feedback" in shown
    async with bot.db.read() as conn:
        assert (await conn.execute(elephants.select())).all() == []
    assert await waiting(slack) == 0


async def test_a_form_submission_in_time_shows_its_errors_on_the_form(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    view = await _elephant_form(slack, fake)
    status, body = await slack.submit(PAT, view, {"text": "   ", "size": "little"})
    assert status == 200
    assert set(json.loads(body)["errors"]) == {"text"}
    assert await waiting(slack) == 0
    assert fake.calls == []


async def test_a_row_handled_by_a_process_killed_before_deleting_it_is_not_done_twice(
    bot: CommonGround, fake: FakeSlack, clock: FakeClock
) -> None:
    async with running(bot, fake) as first:
        await first.adapter.inbox.stop()
        await first.command(FAY, "setup Parents Forum")
        now = clock()
        [entry] = await inbox.lease(bot.db, SLACK, now, limit=8, until=now + LEASE)
        await first.adapter._from_inbox(
            first.adapter.inbox.open(entry)
        )  # handled, then killed before the delete
        await bot.drainer.settled()  # what it caused went out through the outbox
        assert len(welcomes(fake)) == 1
        assert await waiting(first) == 1
    async with running(bot, fake) as second:
        await second.adapter.settled()
        assert await waiting(second) == 1  # still leased by the dead process
        clock.advance(seconds=LEASE.total_seconds() + 1)
        second.adapter.inbox.wake()
        await second.adapter.settled()
        assert await waiting(second) == 0
        assert len(welcomes(fake)) == 1  # taken over and dropped as a repeat


async def test_a_command_that_failed_for_want_of_the_database_is_tried_again(
    slack: SlackHarness, fake: FakeSlack, clock: FakeClock
) -> None:
    real: Callable[..., Awaitable[list[Any]]] = slack.adapter.handle
    tries: list[str | None] = []

    async def away_once(event: Event, *, once: str | None = None) -> list[Any]:
        tries.append(once)
        if len(tries) == 1:
            raise ConnectionError("the database went away")
        return await real(event, once=once)

    slack.adapter.handle = away_once  # type: ignore[assignment]
    assert await slack.command(FAY, "setup Parents Forum") == (200, "")
    assert welcomes(fake) == []
    assert fake.of("respond") == []  # no "sorry": it is not lost, only waiting
    assert await waiting(slack) == 1
    clock.advance(seconds=BACKOFF.total_seconds())
    slack.adapter.inbox.wake()
    await slack.adapter.settled()
    assert len(welcomes(fake)) == 1
    assert len(tries) == 2 and tries[0] == tries[1]  # the same delivery, once
    assert await waiting(slack) == 0


async def test_a_socket_mode_envelope_is_acknowledged_only_once_committed(
    bot: CommonGround,
) -> None:
    async with running_fake() as fake:
        settings = SlackSettings(
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_APP_TOKEN="xapp-test",
            SLACK_API_URL=fake.api_url,
            _env_file=None,  # type: ignore[call-arg]
        )
        app = web.Application()
        adapter = attach(app, bot, settings)
        assert adapter is not None
        server = TestServer(app)
        await server.start_server()
        try:
            await asyncio.wait_for(fake.connected.wait(), timeout=10)
            await adapter.inbox.stop()  # the process dies right after acknowledging
            fake.names[FAY.user_id] = FAY.display_name
            payload = {
                "team_id": FAY.workspace,
                "channel_id": CHANNEL,
                "channel_name": "general",
                "user_id": FAY.user_id,
                "user_name": FAY.display_name,
                "command": "/coprod",
                "text": "setup Parents Forum",
                "response_url": fake.response_url(1),
                "trigger_id": "trigger-1",
            }
            envelope = {"envelope_id": "env-1", "type": "slash_commands", "payload": payload}
            assert await fake.envelope(envelope) == {"envelope_id": "env-1"}
            assert await inbox.count(bot.db, SLACK) == 1
            assert welcomes(fake) == []
            adapter.inbox.start()
            await adapter.settled()
            assert len(welcomes(fake)) == 1
            assert await inbox.count(bot.db, SLACK) == 0
        finally:
            await server.close()
