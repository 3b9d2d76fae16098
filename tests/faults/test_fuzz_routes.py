"""Every inbound route, fed with generated bodies, headers and content types (Hypothesis): the
answer is never a 5xx other than 503 (our own outage), and a request that is not signed (Slack)
or carries no valid token (Teams) stores nothing at all.

The app is the real one (`bot.app.web_app`), with the routes its settings mount: Slack for one
workspace and Teams with authentication on (one configuration), Slack installed over OAuth (the
other). `test_every_route_is_fuzzed` fails when a route is added without a strategy here. The
requests go over loopback to the in-process server, so hundreds take seconds.

    COMMONGROUND_FUZZ_EXAMPLES=2000      examples per test (default: 5 x
                                         COMMONGROUND_PROPERTY_EXAMPLES, that is 100)
    COMMONGROUND_PROPERTY_RANDOM=1       new random examples instead of the fixed ones
    COMMONGROUND_PROPERTY_SHRINK=1       shrink a failure to its smallest form

A failure found here belongs in an `@example` below once fixed, so it is tried on every run.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import jwt
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from bot.app import build, web_app
from bot.pages.page_handlers import PAGES_TABLE
from bot.settings import Settings
from bot.store.database import Database
from testkit.bot_framework_keys import ISSUER, KID, serving_keys, signed_token
from testkit.fake_slack import SIGNING_SECRET, TEAM, FakeSlack, running_fake
from tests.faults.harness import every_row, record

PROPERTY_EXAMPLES = int(os.environ.get("COMMONGROUND_PROPERTY_EXAMPLES", "20"))
EXAMPLES = int(os.environ.get("COMMONGROUND_FUZZ_EXAMPLES", str(5 * PROPERTY_EXAMPLES)))
SHRINK = os.environ.get("COMMONGROUND_PROPERTY_SHRINK", "") not in ("", "0")
RANDOM = os.environ.get("COMMONGROUND_PROPERTY_RANDOM", "") not in ("", "0")

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # found failures go into @example below, not into a local cache
    derandomize=not RANDOM,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # one app for every example, on purpose
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
    phases=list(Phase) if SHRINK else [p for p in Phase if p is not Phase.shrink],
)

APP_ID = "00000000-aaaa-bbbb-cccc-00000000f022"
FORGER = rsa.generate_private_key(public_exponent=65537, key_size=2048)
DEEP = 100_000

SLACK = "/slack/events"
TEAMS = "/api/messages"
READ_ONLY = ("/healthz", "/readyz", "/metrics")
OAUTH = ("/slack/install", "/slack/oauth_redirect")
PAGES = (
    "/pages/open/{token}",
    "/pages/static/pages.css",
    "/pages/sign-out",
    "/groups/{group_id}/forget-me",
    "/groups/{group_id}/report.pdf",
    *(f"/groups/{{group_id}}/{page[0]}" for page in PAGES_TABLE),
)
"""The group's pages (`bot.pages`): with no session, every one refuses and changes nothing."""
PAGE_PATHS = (
    "/pages/open/" + "A" * 43,
    "/pages/open/x",
    "/pages/sign-out",
    "/pages/static/pages.css",
    "/groups/1/",
    "/groups/1/forget-me",
    "/groups/1/facilitators",
    "/groups/1/trends?period=all",
    "/groups/1/report?from=2026-01-01&to=x",
    "/groups/1/report.pdf",
    "/groups/99999999999/elephants",
)
FUZZED = {SLACK, TEAMS, *READ_ONLY, *OAUTH, *PAGES}


class Body(bytes):
    """A request body that prints short in a failure report (a 100,000-deep one would not)."""

    def __repr__(self) -> str:
        if len(self) <= 80:
            return bytes.__repr__(self)
        return f"Body({bytes(self[:40])!r} + ... {len(self)} bytes)"


def deep(depth: int) -> Body:
    return Body(("[" * depth + "]" * depth).encode())


# -- the app under test ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def key_server() -> Iterator[str]:
    with serving_keys() as url:
        yield url


@dataclass
class Target:
    client: TestClient[web.Request, web.Application]
    db: Database
    routes: set[str]
    answers: list[tuple[str, int]] = field(default_factory=list)

    async def send(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> int:
        async with self.client.request(
            method, path, data=body, headers=headers, skip_auto_headers=["Content-Type"]
        ) as response:
            await response.read()
        self.answers.append((path, response.status))
        return response.status


def _environment(monkeypatch: pytest.MonkeyPatch, values: dict[str, str]) -> None:
    for name in list(os.environ):
        if name.startswith(("SLACK_", "MICROSOFT_", "Microsoft", "TEAMS_")):
            monkeypatch.delenv(name, raising=False)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


async def _target(settings: Settings, db: Database) -> AsyncIterator[Target]:
    bot = build(settings)
    app = web_app(bot)
    routes = {str(r.resource.canonical) for r in app.router.routes() if r.resource is not None}
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    try:
        yield Target(client, db, routes)
    finally:
        await client.close()
        await bot.close()


@pytest.fixture
async def slack_platform() -> AsyncIterator[FakeSlack]:
    async with running_fake() as fake:
        yield fake


@pytest.fixture
async def target(
    settings: Settings,
    db: Database,
    slack_platform: FakeSlack,
    key_server: str,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Target]:
    """Slack for one workspace and Teams with authentication on."""
    _environment(
        monkeypatch,
        {
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack_platform.api_url,
            "MICROSOFT_APP_ID": APP_ID,
            "MICROSOFT_APP_PASSWORD": "not-used-offline",
            "TEAMS_ENABLED": "true",
            "TEAMS_OPENID_METADATA_URL": key_server,
            "TEAMS_TOKEN_ISSUER": ISSUER,
        },
    )
    async for made in _target(settings, db):
        yield made


@pytest.fixture
async def oauth_target(
    settings: Settings, db: Database, slack_platform: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Target]:
    """Slack installed in many workspaces over OAuth (its install and redirect routes)."""
    _environment(
        monkeypatch,
        {
            "SLACK_CLIENT_ID": "111.222",
            "SLACK_CLIENT_SECRET": "client-secret",
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack_platform.api_url,
            "TEAMS_ENABLED": "false",
        },
    )
    async for made in _target(settings, db):
        yield made


# -- what is generated -------------------------------------------------------------------------

words = st.text(max_size=40)
ids = st.sampled_from(["U0FAY", "U0PAT", "", "C0GENERAL", "D0DM", "T0TEAM", "x" * 300, "0"])
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | words | ids,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(words | ids, inner, max_size=4),
    max_leaves=12,
)


def _slack_shaped(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"type": st.sampled_from([kind, "", "nonsense"])},
        optional={
            "team": st.fixed_dictionaries({"id": ids}) | json_values,
            "user": st.fixed_dictionaries({"id": ids, "team_id": ids}) | json_values,
            "channel": st.fixed_dictionaries({"id": ids}) | json_values,
            "actions": st.lists(
                st.fixed_dictionaries(
                    {"action_id": words | st.just("checkin.answer"), "value": words | json_values}
                ),
                max_size=2,
            )
            | json_values,
            "view": st.fixed_dictionaries(
                {
                    "callback_id": words,
                    "private_metadata": words | json_values,
                    "state": json_values,
                }
            )
            | json_values,
            "callback_id": words,
            "trigger_id": words,
            "response_url": words,
            "message": json_values,
            "container": json_values,
        },
    )


interaction = st.sampled_from(
    ["block_actions", "view_submission", "view_closed", "shortcut", "message_action"]
).flatmap(_slack_shaped)

event = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["event_callback", "url_verification", "app_rate_limited", ""]),
    },
    optional={
        "event": st.fixed_dictionaries(
            {
                "type": st.sampled_from(
                    [
                        "message",
                        "app_mention",
                        "member_joined_channel",
                        "app_home_opened",
                        "app_uninstalled",
                        "tokens_revoked",
                        "nonsense",
                    ]
                )
            },
            optional={
                "user": ids | json_values,
                "channel": ids | json_values,
                "text": words | json_values,
                "channel_type": st.sampled_from(["im", "channel", ""]),
                "tab": words,
                "tokens": json_values,
            },
        )
        | json_values,
        "event_id": words | json_values,
        "team_id": ids | json_values,
        "challenge": words | json_values,
        "authorizations": json_values,
    },
)

command = st.fixed_dictionaries(
    {"command": st.sampled_from(["/coprod", "/elephant", "/other", ""])},
    optional={
        "text": words | st.sampled_from(["help", "setup Forum", "elephant it", "round", "export"]),
        "user_id": ids,
        "team_id": ids,
        "channel_id": ids,
        "channel_name": st.sampled_from(["directmessage", "general", ""]),
        "trigger_id": words,
        "response_url": words,
        "user_name": words,
        "ssl_check": st.just("1"),
    },
)


@st.composite
def slack_bodies(draw: st.DrawFn) -> tuple[bytes, str]:
    """A body and a content type, shaped like Slack's or not at all."""
    shape = draw(st.sampled_from(["command", "interaction", "event", "form", "raw", "deep"]))
    if shape == "command":
        body, kind = urlencode(draw(command)).encode(), "application/x-www-form-urlencoded"
    elif shape == "interaction":
        payload = draw(interaction | json_values)
        text = json.dumps(payload) if draw(st.booleans()) else draw(words)
        body, kind = urlencode({"payload": text}).encode(), "application/x-www-form-urlencoded"
    elif shape == "event":
        body, kind = json.dumps(draw(event | json_values)).encode(), "application/json"
    elif shape == "form":
        pairs = draw(st.dictionaries(words, words, max_size=5))
        body, kind = urlencode(pairs).encode(), "application/x-www-form-urlencoded"
    elif shape == "raw":
        body, kind = draw(st.binary(max_size=300)), draw(content_types)
    else:
        body, kind = deep(draw(st.sampled_from([1000, DEEP]))), "application/json"
    if draw(st.booleans()):
        kind = draw(content_types)
    return body, kind


content_types = st.sampled_from(
    [
        "application/x-www-form-urlencoded",
        "application/json",
        "application/json; charset=utf-8",
        "application/x-www-form-urlencoded; charset=latin-1",
        "application/json; charset=no-such-charset",
        "text/plain",
        "multipart/form-data; boundary=xyz",
        "",
        "nonsense",
    ]
)

header_names = st.sampled_from(
    [
        "X-Slack-Retry-Num",
        "X-Slack-Retry-Reason",
        "X-Slack-Request-Timestamp",
        "X-Slack-Signature",
        "Authorization",
        "Content-Encoding",
        "Accept",
        "X-Forwarded-For",
    ]
)
header_values = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=60)
headers = st.dictionaries(header_names, header_values, max_size=3)


OTHER_APP = "Bearer " + jwt.encode(
    {"iss": ISSUER, "aud": "someone-else", "nbf": 0, "exp": 4_000_000_000},
    FORGER,
    algorithm="RS256",
    headers={"kid": KID},
)


def signature(body: bytes, timestamp: str) -> str:
    """Slack's request signature (v0), over the body's bytes as they are sent."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()


def signed(body: bytes, extra: dict[str, str]) -> dict[str, str]:
    timestamp = str(int(time.time()))
    kept = {
        k: v
        for k, v in extra.items()
        if k.lower() not in {"x-slack-request-timestamp", "x-slack-signature", "content-encoding"}
    }
    return {
        **kept,
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature(body, timestamp),
    }


@st.composite
def forged_tokens(draw: st.DrawFn) -> str:
    """An Authorization header no Bot Framework token could pass: garbage, or a JWT signed by a
    key that is not Microsoft's, or one with no expiry, or for another app."""
    kind = draw(st.sampled_from(["none", "garbage", "forged", "no-exp", "other-app", "hs256"]))
    now = int(time.time())
    claims: dict[str, Any] = {"iss": ISSUER, "aud": APP_ID, "nbf": now - 60, "exp": now + 600}
    if kind == "none":
        return ""
    if kind == "garbage":
        return draw(st.sampled_from(["Bearer ", "Basic ", "", "bearer "])) + draw(header_values)
    if kind == "no-exp":
        claims.pop("exp")
        key: Any = FORGER
    elif kind == "other-app":
        claims["aud"] = "someone-else"
        key = FORGER
    else:
        key = FORGER
    if kind == "hs256":
        return "Bearer " + jwt.encode(claims, "guess", algorithm="HS256", headers={"kid": KID})
    return "Bearer " + signed_token(claims, key)


activity = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["message", "conversationUpdate", "invoke", "event", ""]),
    },
    optional={
        "text": words,
        "from": st.fixed_dictionaries({"id": words, "name": words}) | json_values,
        "conversation": st.fixed_dictionaries({"id": words}) | json_values,
        "recipient": json_values,
        "serviceUrl": st.sampled_from(["http://127.0.0.1:9/", "https://evil.example/", ""]),
        "channelId": st.sampled_from(["msteams", "emulator", ""]),
        "channelData": json_values,
        "value": json_values,
        "name": words,
        "membersAdded": json_values,
        "id": words,
    },
)


@st.composite
def teams_bodies(draw: st.DrawFn) -> tuple[bytes, str]:
    shape = draw(st.sampled_from(["activity", "json", "raw", "deep"]))
    if shape == "activity":
        return json.dumps(draw(activity)).encode(), "application/json"
    if shape == "json":
        return json.dumps(draw(json_values)).encode(), draw(content_types)
    if shape == "raw":
        return draw(st.binary(max_size=300)), draw(content_types)
    return deep(draw(st.sampled_from([1000, DEEP]))), "application/json"


def _note(fault: str, status: int, changed: bool) -> None:
    record(fault, requests=1, errors=0 if _fine(status) else 1, let_in=int(changed))


def _fine(status: int) -> bool:
    """2xx, 3xx or 4xx, or 503 for our own outage; never another 5xx."""
    return status < 500 or status == 503


# -- the tests ---------------------------------------------------------------------------------


async def test_every_route_is_fuzzed(target: Target) -> None:
    assert target.routes - FUZZED == set(), "a route with no fuzzing strategy"
    assert {SLACK, TEAMS, *READ_ONLY} <= target.routes


async def test_every_oauth_route_is_fuzzed(oauth_target: Target) -> None:
    assert oauth_target.routes - FUZZED == set(), "a route with no fuzzing strategy"
    assert set(OAUTH) <= oauth_target.routes


@FUZZ
@given(request=slack_bodies(), extra=headers, stale=st.sampled_from([0, 0, 301, 10**6]))
@example(request=(b"\xff\xfe\x00not text", "application/x-www-form-urlencoded"), extra={}, stale=0)
@example(request=(b"text=hi", "application/x-www-form-urlencoded; charset=nope"), extra={}, stale=0)
@example(request=(deep(DEEP), "application/json"), extra={}, stale=0)
async def test_an_unsigned_slack_request_is_refused_and_stores_nothing(
    target: Target, request: tuple[bytes, str], extra: dict[str, str], stale: int
) -> None:
    body, content_type = request
    sent = {"Content-Type": content_type, **extra}
    if stale:  # a correct signature, but too old: a replay
        timestamp = str(int(time.time()) - stale)
        sent.update(
            {
                "X-Slack-Request-Timestamp": timestamp,
                "X-Slack-Signature": signature(body, timestamp),
            }
        )
    before = await every_row(target.db)
    status = await target.send("POST", SLACK, body, sent)
    changed = await every_row(target.db) != before
    _note("Slack, unsigned or stale signature (generated)", status, changed)
    assert _fine(status), f"answered {status}"
    assert status >= 400, f"an unsigned request was accepted ({status})"
    assert not changed, "an unsigned request stored something"


def _payload(value: object) -> bytes:
    return urlencode({"payload": json.dumps(value)}).encode()


SIGNED_BAD = [  # signed, but not what Slack sends: each was answered 500 once
    b"payload=notjson",
    _payload([]),
    _payload({"type": "block_actions", "actions": {}}),
    _payload({"type": "block_actions", "actions": []}),
    _payload({"type": "view_submission", "view": "x"}),
    _payload({"type": "block_actions", "user": "U0"}),
]
FOUND = [  # signed bodies this test found answered 500 on the way to the fixes
    (b"\x1b", "application/json"),
    (b"payload=", "application/x-www-form-urlencoded"),
    (
        json.dumps(
            {
                "type": "event_callback",
                "authorizations": "U0FAY",
                "team_id": TEAM,
                "event": {"type": "message", "channel_type": "channel"},
            }
        ).encode(),
        "application/json",
    ),
    (
        json.dumps(
            {"event": {"user": "C0GENERAL", "type": "app_home_opened"}, "authorizations": 0.0}
        ).encode(),
        "application/json",
    ),
]
HELP = urlencode({"command": "/coprod", "text": "help", "team_id": TEAM}).encode()


@FUZZ
@given(request=slack_bodies(), extra=headers)
@example(request=(SIGNED_BAD[0], "application/x-www-form-urlencoded"), extra={})
@example(request=(SIGNED_BAD[1], "application/x-www-form-urlencoded"), extra={})
@example(request=(SIGNED_BAD[2], "application/x-www-form-urlencoded"), extra={})
@example(request=(SIGNED_BAD[3], "application/x-www-form-urlencoded"), extra={})
@example(request=(SIGNED_BAD[4], "application/x-www-form-urlencoded"), extra={})
@example(request=(SIGNED_BAD[5], "application/x-www-form-urlencoded"), extra={})
@example(request=(b"\xff\xfe\x00not text", "application/x-www-form-urlencoded"), extra={})
@example(request=FOUND[0], extra={})
@example(request=FOUND[1], extra={})
@example(request=FOUND[2], extra={})
@example(request=FOUND[3], extra={})
@example(request=(deep(DEEP), "application/json"), extra={})
@example(
    request=(
        urlencode({"command": "/coprod", "text": "help", "team_id": TEAM}).encode(),
        "application/x-www-form-urlencoded",
    ),
    extra={"X-Slack-Retry-Num": "1"},
)
async def test_a_signed_slack_request_of_any_shape_is_never_a_server_error(
    target: Target, request: tuple[bytes, str], extra: dict[str, str]
) -> None:
    body, content_type = request
    sent = {"Content-Type": content_type, **signed(body, extra)}
    status = await target.send("POST", SLACK, body, sent)
    _note("Slack, correctly signed, any shape (generated)", status, False)
    assert _fine(status), f"answered {status}"


@FUZZ
@given(request=teams_bodies(), token=forged_tokens(), extra=headers)
@example(request=(deep(DEEP), "application/json"), token="", extra={})
@example(request=(b"\xff\xfe", "application/json"), token="", extra={})
@example(request=(b"[false]", "application/json; charset=no-such-charset"), token="", extra={})
@example(  # found by this test: a body in a charset nobody knows, with a token for another app
    request=(b"[false]", "application/json; charset=no-such-charset"),
    token=OTHER_APP,
    extra={},
)
async def test_a_teams_request_without_a_valid_token_is_refused_and_stores_nothing(
    target: Target, request: tuple[bytes, str], token: str, extra: dict[str, str]
) -> None:
    body, content_type = request
    sent = {**extra, "Content-Type": content_type}
    sent.pop("Authorization", None)
    if token:
        sent["Authorization"] = token
    before = await every_row(target.db)
    status = await target.send("POST", TEAMS, body, sent)
    changed = await every_row(target.db) != before
    _note("Teams, no valid token (generated)", status, changed)
    assert _fine(status), f"answered {status}"
    assert status >= 400, f"a request without a valid token was accepted ({status})"
    assert not changed, "an unauthenticated request stored something"


paths = st.sampled_from(
    [*READ_ONLY, SLACK, TEAMS, "/", "/nope", "/slack/events/x", "/metrics/", *PAGE_PATHS]
)
methods = st.sampled_from(["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"])
queries = st.dictionaries(words, words, max_size=3).map(urlencode)


@FUZZ
@given(method=methods, path=paths, query=queries, body=st.binary(max_size=100), extra=headers)
async def test_any_method_on_any_path_is_never_a_server_error(
    target: Target, method: str, path: str, query: str, body: bytes, extra: dict[str, str]
) -> None:
    before = await every_row(target.db)
    status = await target.send(method, f"{path}?{query}" if query else path, body, extra)
    changed = await every_row(target.db) != before
    _note("any method on any path, unsigned (generated)", status, changed)
    assert _fine(status), f"{method} {path} answered {status}"
    assert not changed, "an unsigned request stored something"


oauth_queries = st.fixed_dictionaries(
    {},
    optional={
        "code": words,
        "state": words,
        "error": st.sampled_from(["access_denied", "", "x"]),
        "team": words,
    },
).map(urlencode)


@FUZZ
@given(path=st.sampled_from(OAUTH), query=oauth_queries, extra=headers)
async def test_the_oauth_routes_are_never_a_server_error_and_install_nothing_unasked(
    oauth_target: Target, path: str, query: str, extra: dict[str, str]
) -> None:
    extra = {k: v for k, v in extra.items() if k.lower() != "content-encoding"}
    status = await oauth_target.send("GET", f"{path}?{query}", b"", extra)
    rows = await every_row(oauth_target.db)
    installed = rows["slack_installations"] + rows["slack_bots"]
    _note("Slack OAuth install and redirect (generated)", status, bool(installed))
    assert _fine(status), f"GET {path} answered {status}"
    assert rows["slack_installations"] == rows["slack_bots"] == 0, "installed without consent"
