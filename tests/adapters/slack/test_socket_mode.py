"""Socket Mode: with `SLACK_APP_TOKEN` the bot opens a websocket to Slack instead of serving
`POST /slack/events`; here Slack's end is a local websocket server (see `tests/slack_fakes.py`)."""

from __future__ import annotations

import asyncio

from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.adapters.slack.adapter import attach
from bot.adapters.slack.settings import SlackSettings
from bot.app import CommonGround
from bot.identity import Where
from bot.store import groups, members
from testkit.fake_slack import TEAM, FakeSlack, running_fake, slack_person

FAY = slack_person("U0FAY", "fay")


def _command(text: str, n: int, fake: FakeSlack) -> dict[str, str]:
    return {
        "token": "legacy",
        "team_id": TEAM,
        "channel_id": "C0GENERAL",
        "channel_name": "general",
        "user_id": FAY.user_id,
        "user_name": FAY.display_name,
        "command": "/coprod",
        "text": text,
        "api_app_id": "A0APP",
        "response_url": fake.response_url(n),
        "trigger_id": f"trigger-{n}",
    }


async def test_a_slash_command_round_trip_over_socket_mode(bot: CommonGround) -> None:
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
        assert not any(r.resource.canonical == "/slack/events" for r in app.router.routes())
        server = TestServer(app)
        await server.start_server()
        try:
            await asyncio.wait_for(fake.connected.wait(), timeout=10)
            assert fake.of("apps.connections.open") != []
            envelope = {
                "envelope_id": "env-1",
                "type": "slash_commands",
                "accepts_response_payload": True,
                "payload": _command("setup Parents Forum", 1, fake),
            }
            ack = await fake.envelope(envelope)
            assert ack["envelope_id"] == "env-1"
            await adapter.settled()
            posts = fake.of("chat.postMessage")
            assert [p["channel"] for p in posts] == ["C0GENERAL", "C0GENERAL"]
            assert posts[0]["text"] == "Welcome to Parents Forum"

            # Slack redelivers an envelope it thinks was lost: acknowledged, not handled again.
            again = await fake.envelope({**envelope, "retry_attempt": 1, "retry_reason": "timeout"})
            assert again == {"envelope_id": "env-1"}
            await adapter.settled()
            assert len(fake.of("chat.postMessage")) == 2
        finally:
            await server.close()
        assert adapter.socket is None


async def test_a_button_press_over_socket_mode_is_handled_once(bot: CommonGround) -> None:
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
            setup = {
                "envelope_id": "env-setup",
                "type": "slash_commands",
                "accepts_response_payload": True,
                "payload": _command("setup Parents Forum", 1, fake),
            }
            await fake.envelope(setup)
            await adapter.settled()
            picker = next(
                b for b in fake.of("chat.postMessage")[-1]["blocks"] if b["type"] == "actions"
            )
            button = next(e for e in picker["elements"] if e["text"]["text"] == "Professional")
            fake.clear()
            press = {
                "envelope_id": "env-press",
                "type": "interactive",
                "accepts_response_payload": False,
                "payload": {
                    "type": "block_actions",
                    "user": {"id": "U0PAT", "username": "pat", "team_id": TEAM},
                    "team": {"id": TEAM},
                    "channel": {"id": "C0GENERAL"},
                    "container": {"type": "message", "channel_id": "C0GENERAL"},
                    "trigger_id": "trigger-press",
                    "response_url": fake.response_url(2),
                    "actions": [
                        {
                            "action_id": button["action_id"],
                            "value": button["value"],
                            "type": "button",
                            "block_id": "b1",
                            "action_ts": "1700000000.5",
                        }
                    ],
                },
            }
            ack = await fake.envelope(press)
            assert ack["envelope_id"] == "env-press"
            await adapter.settled()
            [answer] = fake.of("respond")
            assert answer["response_type"] == "ephemeral"
            assert "professional" in answer["text"].lower()
            async with bot.db.read() as conn:
                group = await groups.for_conversation(conn, Where("slack", TEAM, "C0GENERAL"))
                assert group is not None
                pat = await members.get(conn, group.id, "U0PAT")
            assert pat is not None and pat.role == "professional"

            again = await fake.envelope({**press, "retry_attempt": 1, "retry_reason": "timeout"})
            assert again == {"envelope_id": "env-press"}
            await adapter.settled()
            assert len(fake.of("respond")) == 1
        finally:
            await server.close()
