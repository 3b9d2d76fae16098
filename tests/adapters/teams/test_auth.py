"""Bot Framework authentication, offline: a local OpenID metadata + JWKS server (in a thread, as
the SDK fetches keys with blocking `requests`, which we run in a worker thread) and RS256 tokens
minted here. A valid token is accepted; a missing, expired, never-expiring, wrongly addressed,
wrongly signed or malformed one gets 401, and nothing is stored. A slow key endpoint holds up only
the Teams request waiting for keys, never a Slack one."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Iterator
from http.server import ThreadingHTTPServer
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from botframework.connector.auth import MicrosoftAppCredentials, ServiceClientCredentialsFactory
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import func, select

from bot.adapters.teams.adapter import TeamsAdapter
from bot.adapters.teams.settings import TeamsSettings
from bot.app import CommonGround, build
from bot.settings import Settings
from bot.store.database import Database
from bot.store.schema import groups, inbound_events
from testkit.bot_framework_keys import ISSUER, KEY, KeyHandler, serving_keys, signed_token
from testkit.fake_slack import SlackHarness, slack_person
from testkit.fake_slack import running_fake as running_slack_fake
from testkit.fake_teams import FakeTeams, TeamsHarness, running_fake, teams_person
from tests.dialogue import FakeClock

APP_ID = "00000000-aaaa-bbbb-cccc-000000000001"
FAY = teams_person("29:1fay", "Fay Okafor")

OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def key_server() -> Iterator[str]:
    with serving_keys() as url:
        yield url


class OfflineCredentials(ServiceClientCredentialsFactory):  # type: ignore[misc]
    """Our app id is valid; outbound calls to the fake connector carry no token."""

    async def is_valid_app_id(self, app_id: str) -> bool:
        return app_id == APP_ID

    async def is_authentication_disabled(self) -> bool:
        return False

    async def create_credentials(self, *args: Any, **kwargs: Any) -> Any:
        return MicrosoftAppCredentials.empty()


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture
async def harness(
    settings: Settings, db: Database, clock: FakeClock, key_server: str
) -> AsyncIterator[TeamsHarness]:
    bot: CommonGround = build(settings, clock=clock)
    teams_settings = TeamsSettings(
        MICROSOFT_APP_ID=APP_ID,
        MICROSOFT_APP_PASSWORD="not-used-offline",
        TEAMS_OPENID_METADATA_URL=key_server,
        TEAMS_TOKEN_ISSUER=ISSUER,
        TEAMS_RETRY_BACKOFF=0,
        _env_file=None,
    )
    adapter = TeamsAdapter(
        bot.core.handle,
        bot.db,
        bot.services.secret,
        teams_settings,
        clock=clock,
        credentials_factory=OfflineCredentials(),
    )
    app = web.Application()
    adapter.mount(app)
    try:
        async with running_fake() as fake:
            client = TestClient(TestServer(app, host="127.0.0.1"))
            await client.start_server()
            try:
                yield TeamsHarness(client, fake)
            finally:
                await client.close()
    finally:
        await bot.close()


def token(fake: FakeTeams, *, key: Any = KEY, **changes: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": APP_ID,
        "serviceurl": fake.url,
        "nbf": now - 60,
        "iat": now - 60,
        "exp": now + 3600,
    }
    claims.update(changes)
    claims = {name: value for name, value in claims.items() if value is not None}
    return signed_token(claims, key)


async def stored(db: Database) -> tuple[int, int]:
    async with db.read() as conn:
        made = await conn.scalar(select(func.count()).select_from(groups))
        seen = await conn.scalar(select(func.count()).select_from(inbound_events))
    return int(made or 0), int(seen or 0)


async def test_a_valid_token_is_accepted(harness: TeamsHarness, db: Database) -> None:
    status, _ = await harness.post(
        harness.message(FAY, "setup Parents Forum"),
        {"Authorization": f"Bearer {token(harness.fake)}"},
    )
    assert status == 201
    assert await stored(db) == (1, 1)
    assert "Welcome to Parents Forum" in harness.fake.in_channel()[0].texts()


@pytest.mark.parametrize(
    "header",
    [
        pytest.param(lambda fake: "", id="missing"),
        pytest.param(
            lambda fake: f"Bearer {token(fake, exp=int(time.time()) - 600)}", id="expired"
        ),
        pytest.param(lambda fake: f"Bearer {token(fake, aud='someone-else')}", id="wrong-audience"),
        pytest.param(lambda fake: f"Bearer {token(fake, key=OTHER_KEY)}", id="wrong-signature"),
        pytest.param(lambda fake: f"Bearer {token(fake, iss='https://evil.example')}", id="issuer"),
        pytest.param(lambda fake: f"Bearer {token(fake, exp=None)}", id="no-expiry"),
        pytest.param(lambda fake: "Bearer not-a-token", id="malformed"),
        pytest.param(lambda fake: "Basic abc def", id="odd-scheme"),
    ],
)
async def test_a_bad_token_gets_401_and_changes_nothing(
    harness: TeamsHarness, db: Database, header: Any
) -> None:
    headers = {"Authorization": header(harness.fake)} if header(harness.fake) else {}
    status, _ = await harness.post(harness.message(FAY, "setup Parents Forum"), headers)
    assert status == 401
    assert await stored(db) == (0, 0)
    assert harness.fake.sent == []


class _SlowKeys(KeyHandler):
    """The same keys, but the metadata waits until the test releases it."""

    asked = threading.Event()
    release = threading.Event()
    answered = threading.Event()

    def do_GET(self) -> None:
        if self.path == "/openid":
            _SlowKeys.asked.set()
            _SlowKeys.release.wait(timeout=10)
            _SlowKeys.answered.set()
        super().do_GET()


async def test_a_slow_key_endpoint_delays_only_teams_never_slack(
    settings: Settings, db: Database, clock: FakeClock
) -> None:
    """While the signing keys are being fetched (slowly) for a Teams request, a Slack `help` is
    answered: the fetch runs off the event loop."""
    for event in (_SlowKeys.asked, _SlowKeys.release, _SlowKeys.answered):
        event.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowKeys)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    bot = build(settings, clock=clock)
    teams_settings = TeamsSettings(
        MICROSOFT_APP_ID=APP_ID,
        TEAMS_OPENID_METADATA_URL=f"http://127.0.0.1:{server.server_address[1]}/openid",
        TEAMS_TOKEN_ISSUER=ISSUER,
        _env_file=None,
    )
    adapter = TeamsAdapter(
        bot.core.handle,
        bot.db,
        bot.services.secret,
        teams_settings,
        clock=clock,
        credentials_factory=OfflineCredentials(),
    )
    try:
        async with running_fake() as teams_fake, running_slack_fake() as slack_fake:
            slack = SlackHarness(bot, slack_fake)
            adapter.mount(slack.web)
            slack.client = TestClient(TestServer(slack.web))
            await slack.client.start_server()
            try:
                teams = TeamsHarness(slack.client, teams_fake)
                teams.token = token(teams_fake)
                waiting = asyncio.create_task(teams.post(teams.message(FAY, "help")))
                assert await asyncio.to_thread(_SlowKeys.asked.wait, 10)
                status, _ = await slack.command(slack_person("U0PAT", "Pat"), "help")
                assert status == 200
                assert slack_fake.of("respond"), "the Slack help was answered"
                assert not _SlowKeys.answered.is_set(), "Slack was answered before the keys"
                assert not waiting.done()
                _SlowKeys.release.set()
                assert (await waiting)[0] == 201
            finally:
                await slack.client.close()
    finally:
        _SlowKeys.release.set()
        server.shutdown()
        server.server_close()
        await adapter.close()
        await bot.close()


DEEP = "[" * 100_000 + "]" * 100_000


async def test_a_deeply_nested_body_is_refused_before_or_after_the_token_never_500(
    harness: TeamsHarness, db: Database
) -> None:
    """Without a token the body is never read (401); with a good one it is parsed safely (400)."""
    assert harness.client is not None
    for headers in ({}, {"Authorization": f"Bearer {token(harness.fake)}"}):
        response = await harness.client.post(
            "/api/messages", data=DEEP, headers={"Content-Type": "application/json", **headers}
        )
        assert response.status == (401 if not headers else 400)
    assert await stored(db) == (0, 0)
