"""Many workspaces: `SLACK_CLIENT_ID` + `SLACK_CLIENT_SECRET` switch on Slack's OAuth install flow,
installations are kept in the project's database, and each workspace is answered with its own
token, over loopback HTTP against the fake Slack."""

from __future__ import annotations

import json
import logging
import re
from urllib.parse import urlencode

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.adapters.slack.adapter import NOT_INSTALLED, attach
from bot.adapters.slack.settings import SlackSettings, configured
from bot.app import CommonGround
from bot.cards import Card
from bot.effects import PostToConversation
from bot.identity import Where
from testkit.fake_slack import SIGNING_SECRET, FakeSlack, running_fake, signed_headers

SECOND = "T0SECOND"


def _command(team: str, text: str, fake: FakeSlack) -> str:
    return urlencode(
        {
            "team_id": team,
            "channel_id": "C0SECOND",
            "channel_name": "general",
            "user_id": "U0SAM",
            "user_name": "sam",
            "command": "/coprod",
            "text": text,
            "response_url": fake.response_url(1),
            "trigger_id": "trigger-1",
        }
    )


async def test_install_then_each_workspace_is_answered_with_its_own_token(
    bot: CommonGround, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_fake() as fake:
        settings = SlackSettings(
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_CLIENT_ID="111.222",
            SLACK_CLIENT_SECRET="client-secret",
            SLACK_API_URL=fake.api_url,
            _env_file=None,  # type: ignore[call-arg]
        )
        app = web.Application()
        adapter = attach(app, bot, settings)
        assert adapter is not None and adapter.installations is not None
        client = TestClient(TestServer(app))
        await client.start_server()
        try:
            page = await client.get("/slack/install")
            assert page.status == 200
            html = await page.text()
            assert "client_id=111.222" in html
            state = re.search(r"state=([A-Za-z0-9-]+)", html)
            assert state is not None
            cookie = page.headers["Set-Cookie"].split(";", 1)[0]

            done = await client.get(
                f"/slack/oauth_redirect?code=the-code&state={state.group(1)}",
                headers={"Cookie": cookie},
            )
            assert done.status == 200, await done.text()
            assert await adapter.installations.token_for(SECOND) == "xoxb-second-workspace"
            assert fake.of("oauth.v2.access")[0]["code"] == "the-code"
            fake.clear()

            body = _command(SECOND, "setup Second Forum", fake)
            headers = {"Content-Type": "application/x-www-form-urlencoded", **signed_headers(body)}
            response = await client.post("/slack/events", data=body, headers=headers)
            assert response.status == 200
            await adapter.settled()
            posts = [c for c in fake.calls if c.method == "chat.postMessage"]
            assert [p.args["channel"] for p in posts] == ["C0SECOND", "C0SECOND"]
            assert {p.token for p in posts} == {"xoxb-second-workspace"}
            fake.clear()

            # A workspace that never installed the app gets nothing done.
            body = _command("T0NEVER", "setup Nobody", fake)
            headers = {"Content-Type": "application/x-www-form-urlencoded", **signed_headers(body)}
            response = await client.post("/slack/events", data=body, headers=headers)
            await adapter.settled()
            assert response.status == 200
            assert [c.method for c in fake.calls if c.method != "auth.test"] == ["respond"]
            assert fake.of("respond")[0]["text"] == NOT_INSTALLED
            fake.clear()

            # The scheduler's effects: each workspace with its token; a stranger's is skipped.
            elsewhere = Where("slack", "T0NEVER", "C0NEVER")
            here = Where("slack", SECOND, "C0SECOND")
            await bot.router.deliver(
                [
                    PostToConversation(elsewhere, Card(title="lost")),
                    PostToConversation(here, Card(title="Reminder")),
                ]
            )
            [post] = [c for c in fake.calls if c.method == "chat.postMessage"]
            assert (post.args["text"], post.token) == ("Reminder", "xoxb-second-workspace")
            assert "Slack delivery of a PostToConversation failed: LookupError" in caplog.text
        finally:
            await client.close()


def test_oauth_settings_switch_slack_on_with_a_signing_secret() -> None:
    oauth = {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s"}
    assert configured({**oauth, "SLACK_SIGNING_SECRET": "x"})
    assert not configured(oauth)


def _event(team: str, event: dict[str, object], event_id: str) -> str:
    return json.dumps(
        {
            "token": "legacy",
            "team_id": team,
            "api_app_id": "A0APP",
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": 1700000000,
        }
    )


async def _post_event(client: TestClient[web.Request, web.Application], body: str) -> int:
    headers = {"Content-Type": "application/json", **signed_headers(body)}
    return (await client.post("/slack/events", data=body, headers=headers)).status


async def test_uninstalling_or_revoking_the_bot_token_deletes_the_installation(
    bot: CommonGround, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with running_fake() as fake:
        settings = SlackSettings(
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_CLIENT_ID="111.222",
            SLACK_CLIENT_SECRET="client-secret",
            SLACK_API_URL=fake.api_url,
            _env_file=None,  # type: ignore[call-arg]
        )
        app = web.Application()
        adapter = attach(app, bot, settings)
        assert adapter is not None and adapter.installations is not None
        installations = adapter.installations
        client = TestClient(TestServer(app))
        await client.start_server()

        async def install() -> None:
            page = await client.get("/slack/install")
            state = re.search(r"state=([A-Za-z0-9-]+)", await page.text())
            assert state is not None
            cookie = page.headers["Set-Cookie"].split(";", 1)[0]
            done = await client.get(
                f"/slack/oauth_redirect?code=c&state={state.group(1)}", headers={"Cookie": cookie}
            )
            assert done.status == 200
            assert await installations.token_for(SECOND) == "xoxb-second-workspace"

        try:
            await install()
            uninstalled = _event(
                SECOND, {"type": "app_uninstalled", "event_ts": "1700000000.1"}, "Ev0GONE"
            )
            assert await _post_event(client, uninstalled) == 200
            await adapter.settled()
            assert await installations.token_for(SECOND) is None
            assert (
                "removed the installation of Slack workspace T0SECOND: the app was uninstalled"
                in caplog.text
            )

            # A later command from that workspace is told plainly that the app is not there.
            body = _command(SECOND, "help", fake)
            headers = {"Content-Type": "application/x-www-form-urlencoded", **signed_headers(body)}
            assert (await client.post("/slack/events", data=body, headers=headers)).status == 200
            await adapter.settled()
            assert fake.of("respond")[-1]["text"] == NOT_INSTALLED

            await install()
            users_only = {"type": "tokens_revoked", "tokens": {"oauth": ["U0SAM"], "bot": []}}
            assert await _post_event(client, _event(SECOND, users_only, "Ev0USERS")) == 200
            await adapter.settled()
            assert await installations.token_for(SECOND) == "xoxb-second-workspace"

            bot_token = {"type": "tokens_revoked", "tokens": {"bot": ["UBOT0002"]}}
            assert await _post_event(client, _event(SECOND, bot_token, "Ev0BOTREV")) == 200
            await adapter.settled()
            assert await installations.token_for(SECOND) is None
            assert "its bot token was revoked" in caplog.text
            # Only the workspace is named in the logs, never a person or the bot's user.
            for name in ("U0SAM", "U0INSTALLER", "UBOT0002"):
                assert name not in caplog.text
        finally:
            await client.close()
