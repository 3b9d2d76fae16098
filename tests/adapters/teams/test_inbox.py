"""The durable inbox on Teams's route: an activity is answered only once it is committed and its
turn runs from the inbox (in this process or, after a kill, the next one) exactly once; past the
bound Teams is told to retry with nothing stored; a slow dialog submission is answered in time,
its answer (or its errors, with the words typed) brought to the 1:1 chat when ready."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.adapters.teams import adapter as teams_adapter
from bot.adapters.teams.adapter import TEAMS_KEY, TeamsAdapter
from bot.app import web_app
from bot.effects import FormErrors
from bot.events import Event
from bot.inbox import LEASE
from bot.store import inbox
from bot.store.schema import checkins
from testkit.fake_teams import TeamsHarness, teams_person
from tests.dialogue import FakeClock

FAY = teams_person("29:1fay", "Fay Okafor")
SAM = teams_person("29:1sam", "Sam Lee")
TEAMS = "teams"


def adapter_of(teams: TeamsHarness) -> TeamsAdapter:
    assert teams.client.app is not None
    return teams.client.app[TEAMS_KEY]


async def waiting(teams: TeamsHarness) -> int:
    return await inbox.count(teams.bot.db, TEAMS)


def welcomes(teams: TeamsHarness) -> list[Any]:
    return [s for s in teams.fake.in_channel() if "Welcome to Parents Forum" in s.texts()]


async def test_an_acknowledged_message_is_committed_and_handled_after_a_kill(
    teams: TeamsHarness,
) -> None:
    await adapter_of(teams).inbox.stop()  # the process "dies" right after answering
    assert await teams.say(FAY, "setup Parents Forum") == 201
    assert await waiting(teams) == 1  # committed before the 201 arrived
    assert welcomes(teams) == []
    client = TestClient(TestServer(web_app(teams.bot), host="127.0.0.1"))  # the next process
    await client.start_server()
    try:
        await TeamsHarness(client, teams.fake, teams.bot).settled()
    finally:
        await client.close()
    assert len(welcomes(teams)) == 1
    assert await waiting(teams) == 0


async def test_a_redelivered_activity_makes_one_row_and_one_effect(teams: TeamsHarness) -> None:
    adapter = adapter_of(teams)
    await adapter.inbox.stop()
    activity = teams.message(FAY, "setup Parents Forum")
    assert (await teams.post(activity))[0] == 201
    assert (await teams.post(activity))[0] == 201
    assert await waiting(teams) == 1
    adapter.inbox.start()
    await teams.settled()
    assert (await teams.post(activity))[0] == 201  # after it was handled: dropped as a repeat
    assert len(welcomes(teams)) == 1
    assert await waiting(teams) == 0


async def test_past_the_bound_teams_is_told_to_retry_and_nothing_is_stored(
    teams: TeamsHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    adapter = adapter_of(teams)
    await adapter.inbox.stop()
    monkeypatch.setattr(adapter.inbox.settings, "limit", 1)
    assert await teams.say(FAY, "help", personal=True) == 201
    assert await teams.say(FAY, "setup Parents Forum") == 503
    assert await waiting(teams) == 1
    adapter.inbox.start()
    await teams.settled()
    assert welcomes(teams) == []
    assert len(teams.fake.to_user(FAY)) == 1  # the help answer only


async def _checkin_form(teams: TeamsHarness) -> dict[str, Any]:
    """Fay sets up and opens a check-in; Sam joins and opens its form in a dialog."""
    fake = teams.fake
    assert await teams.say(FAY, "setup Parents Forum") == 201
    picker = fake.in_channel()[-1]
    await teams.dialog(
        SAM, next(a["data"] for a in picker.actions() if a["title"] == "Lived experience")
    )
    await teams.say(FAY, "checkin")
    [post] = [
        s
        for s in fake.in_channel()
        if s.kind == "send" and "Add words" in [a["title"] for a in s.actions()]
    ]
    status, shown = await teams.dialog(SAM, post.button("Add words"))
    assert status == 200 and shown is not None
    fake.clear()
    return shown


def held_core(adapter: TeamsAdapter, refuse: str = "") -> asyncio.Event:
    """Make the core wait (as under a backlog) until the returned event is set; given `refuse`,
    it then refuses the form's words with those words."""
    go = asyncio.Event()
    real: Callable[..., Awaitable[list[Any]]] = adapter.handle

    async def slow(event: Event, *, once: str | None = None) -> list[Any]:
        await go.wait()
        if refuse:
            return [FormErrors({"words": refuse})]
        return await real(event, once=once)

    adapter.handle = slow  # type: ignore[assignment]
    return go


def submission(teams: TeamsHarness, shown: dict[str, Any], values: dict[str, str]) -> Any:
    card = shown["task"]["value"]["card"]["content"]
    choices = {e["id"]: e for e in card["body"] if "id" in e}
    visibility = choices["in:visibility"]["choices"][0]["value"]
    inputs = {"mood": "4", "visibility": visibility, **values}
    data = {**card["actions"][0]["data"], **{f"in:{k}": v for k, v in inputs.items()}}
    return teams.invoke(SAM, "task/submit", data)


async def test_a_slow_dialog_submission_is_answered_in_time_and_kept(
    teams: TeamsHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = await _checkin_form(teams)
    adapter = adapter_of(teams)
    monkeypatch.setattr(teams_adapter, "INVOKE_DEADLINE", 0.05)
    go = held_core(adapter)
    status, body = await teams.post(
        submission(teams, shown, {"words": "tired but here"}), settle=False
    )
    assert (status, body) == (200, "")  # the dialog closes; never an error for a kept form
    assert await waiting(teams) == 1
    go.set()
    await teams.settled()
    async with teams.bot.db.read() as conn:
        words = (await conn.execute(checkins.select())).all()
    assert [row.words for row in words] == ["tired but here"]
    [thanks] = teams.fake.to_user(SAM)  # the dialog's answer, in the 1:1 chat instead
    assert "Thank" in thanks.texts()
    assert await waiting(teams) == 0


async def test_late_dialog_errors_come_to_the_1_1_chat_with_the_words(
    teams: TeamsHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = await _checkin_form(teams)
    adapter = adapter_of(teams)
    monkeypatch.setattr(teams_adapter, "INVOKE_DEADLINE", 0.05)
    go = held_core(adapter, refuse="Please keep it shorter.")
    status, _ = await teams.post(
        submission(teams, shown, {"words": "tired but here"}), settle=False
    )
    assert status == 200
    go.set()
    await teams.settled()
    [form] = teams.fake.to_user(SAM)
    shown_again = json.dumps(form.body)
    assert "Please keep it shorter." in shown_again
    assert "tired but here" in shown_again
    async with teams.bot.db.read() as conn:
        assert (await conn.execute(checkins.select())).all() == []


async def test_a_dialog_submission_in_time_is_answered_in_the_dialog(
    teams: TeamsHarness,
) -> None:
    shown = await _checkin_form(teams)
    status, body = await teams.post(submission(teams, shown, {"words": "tired but here"}))
    assert status == 200
    assert "Thank" in json.dumps(json.loads(body))
    assert teams.fake.to_user(SAM) == []
    assert await waiting(teams) == 0


async def test_a_turn_run_by_a_process_killed_before_deleting_its_row_is_not_run_twice(
    teams: TeamsHarness, clock: FakeClock
) -> None:
    adapter = adapter_of(teams)
    await adapter.inbox.stop()
    assert await teams.say(FAY, "setup Parents Forum") == 201
    now = clock()
    [entry] = await inbox.lease(teams.bot.db, TEAMS, now, limit=8, until=now + LEASE)
    await adapter._from_inbox(adapter.inbox.open(entry))  # its turn ran, then the process died
    await teams.settled()
    assert len(welcomes(teams)) == 1
    assert await waiting(teams) == 1
    clock.advance(seconds=LEASE.total_seconds() + 1)
    adapter.inbox.start()  # the next process takes the row over after its lease
    await teams.settled()
    assert await waiting(teams) == 0
    assert len(welcomes(teams)) == 1
