"""A local stand-in for Slack: a fake Web API that records calls, and signed Slack requests.

`FakeSlack` answers the Web API methods the adapter uses (arguments read from the query string,
form and JSON bodies alike), records every call, and can be told to answer a method with 429 or
500 a number of times first. `SlackHarness` runs the real aiohttp application (from `bot.app`) with
the Slack route mounted, over loopback HTTP, and sends correctly signed requests shaped like
Slack's own: slash commands as form posts, interactivity as `payload=` JSON, events as JSON.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import WSMsgType, web
from aiohttp.test_utils import TestClient, TestServer
from slack_sdk.signature import SignatureVerifier

from bot.adapters.slack.adapter import SlackAdapter
from bot.adapters.slack.settings import SlackSettings
from bot.app import CommonGround, web_app
from bot.identity import Who
from testkit.slack_rules import message_problem, view_problem

SIGNING_SECRET = "test-signing-secret"
TEAM = "T0TEAM"
BOT_USER = "UBOT0001"


def slack_person(user_id: str, name: str) -> Who:
    return Who("slack", TEAM, user_id, name)


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    answer: dict[str, Any] = field(default_factory=dict)
    token: str = ""
    at: float = field(default_factory=time.monotonic)


@dataclass
class FakeSlack:
    """The Slack Web API and response URLs, on a local port."""

    calls: list[Call] = field(default_factory=list)
    history: list[Call] = field(default_factory=list)
    failures: dict[str, list[int]] = field(default_factory=dict)
    # Seconds to wait before answering the next calls of a method (the call is taken, and acted
    # on, at once).
    delays: dict[str, list[float]] = field(default_factory=dict)
    # Display names `users.info` gives (others get "name-<id>"); the harness fills it in.
    names: dict[str, str] = field(default_factory=dict)
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    server: TestServer | None = None
    sockets: list[web.WebSocketResponse] = field(default_factory=list)
    from_app: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    # Every payload Slack would have refused, as it would have answered it: tests assert none.
    refusals: list[Call] = field(default_factory=list)
    # Messages Slack holds, by channel: threads may only hang under one of them.
    held: dict[str, set[str]] = field(default_factory=dict)
    uploads: dict[str, bytes] = field(default_factory=dict)
    files: list[dict[str, Any]] = field(default_factory=list)
    _uses: dict[str, int] = field(default_factory=dict)
    forced: dict[str, list[str]] = field(default_factory=dict)

    MESSAGES = ("chat.postMessage", "chat.update", "chat.postEphemeral")
    RESPONSE_URL_USES = 5

    @property
    def api_url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("/api/"))

    def response_url(self, n: int) -> str:
        assert self.server is not None
        return str(self.server.make_url(f"/respond/{n}"))

    def fail(self, method: str, *statuses: int) -> None:
        """Answer the next calls of `method` with these HTTP statuses, in order."""
        self.failures.setdefault(method, []).extend(statuses)

    def refuse(self, method: str, error: str, times: int = 1) -> None:
        """Refuse the next `times` calls of `method` with Slack's `error`, whatever they hold."""
        self.forced.setdefault(method, []).extend([error] * times)

    def answer_late(self, method: str, *seconds: float) -> None:
        """Act on the next calls of `method` at once but answer them only after these waits (a
        slow Slack: the post is made, the answer comes after the client has given up)."""
        self.delays.setdefault(method, []).extend(seconds)

    def of(self, method: str) -> list[dict[str, Any]]:
        return [c.args for c in self.calls if c.method == method]

    def answers(self, method: str) -> list[dict[str, Any]]:
        return [c.answer for c in self.calls if c.method == method]

    def clear(self) -> None:
        """Forget the calls so far (`history` keeps them all, for pace checks)."""
        self.calls.clear()

    async def _args(self, request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            body = await request.json()
            args.update(body if isinstance(body, dict) else {})
        elif request.can_read_body:
            args.update(dict(await request.post()))
        for name in ("blocks", "view"):
            if isinstance(args.get(name), str):
                args[name] = json.loads(args[name])
        return args

    async def api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._args(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        self.calls.append(Call(method, args, token=token))
        self.history.append(self.calls[-1])
        pending = self.failures.get(method)
        if pending:
            status = pending.pop(0)
            headers = {"Retry-After": "0"} if status == 429 else {}
            return web.json_response(
                {"ok": False, "error": "ratelimited" if status == 429 else "internal_error"},
                status=status,
                headers=headers,
            )
        problem = self._problem(method, args)
        if problem:
            answer = {"ok": False, "error": problem}
            self.calls[-1].answer = answer
            self.refusals.append(self.calls[-1])
            return web.json_response(answer)  # Slack refuses with HTTP 200 and ok=false
        answer = self._answer(method, args)
        self.calls[-1].answer = answer
        late = self.delays.get(method)
        if late:
            await asyncio.sleep(late.pop(0))
        return web.json_response(answer)

    def _problem(self, method: str, args: dict[str, Any]) -> str | None:
        """Slack's error for a payload it would refuse; None when it would accept it."""
        if self.forced.get(method):
            return self.forced[method].pop(0)
        if method in self.MESSAGES:
            channel = str(args.get("channel") or "")
            if not channel:
                return "channel_not_found"
            if method == "chat.postEphemeral" and not args.get("user"):
                return "user_not_found"
            thread = args.get("thread_ts")
            if thread and thread not in self.held.get(self._dm(channel), set()):
                return "thread_not_found"
            if method == "chat.update" and args.get("ts") not in self.held.get(channel, set()):
                return "message_not_found"
            return message_problem(args)
        if method in ("views.open", "views.publish"):
            return view_problem(args.get("view"))
        if method == "files.getUploadURLExternal" and (
            not args.get("filename") or int(args.get("length") or 0) <= 0
        ):
            return "invalid_arguments"
        if method == "files.completeUploadExternal":
            return self._upload_problem(args)
        return None

    def _upload_problem(self, args: dict[str, Any]) -> str | None:
        try:
            files = json.loads(str(args.get("files") or "[]"))
        except ValueError:
            return "invalid_arguments"
        channel = str(args.get("channel_id") or "")
        if not files or not channel or channel.startswith("U"):
            return "invalid_arguments"  # a user id is not a conversation
        if any(f.get("id") not in self.uploads for f in files):
            return "file_not_found"
        return None

    @staticmethod
    def _dm(channel: str) -> str:
        """A direct message sent to a user id lands in their DM channel."""
        return "D" + channel[1:] if channel.startswith("U") else channel

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {"ok": True, "user_id": BOT_USER, "bot_id": "B0BOT", "team_id": TEAM}
        if method == "chat.postMessage":
            channel = self._dm(str(args.get("channel", "")))
            ts = f"{next(self._ts)}.000100"
            self.held.setdefault(channel, set()).add(ts)
            return {"ok": True, "channel": channel, "ts": ts}
        if method == "files.getUploadURLExternal":
            assert self.server is not None
            file_id = f"F{next(self._ts)}"
            url = str(self.server.make_url(f"/upload/{file_id}"))
            self.uploads.setdefault(file_id, b"")
            return {"ok": True, "upload_url": url, "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = json.loads(str(args["files"]))
            for item in files:
                self.files.append(
                    {
                        "id": item["id"],
                        "title": item.get("title"),
                        "channel": args["channel_id"],
                        "comment": args.get("initial_comment"),
                        "content": self.uploads[item["id"]],
                    }
                )
            return {"ok": True, "files": [{"id": f["id"]} for f in files]}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"{next(self._ts)}.000200"}
        if method == "chat.update":
            return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts")}
        if method == "views.publish":
            return {"ok": True, "view": {"id": "VHOME"}}
        if method == "views.open":
            return {"ok": True, "view": {"id": "V1"}}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(args.get("users", ""))[1:]}}
        if method == "oauth.v2.access":
            return {
                "ok": True,
                "app_id": "A0APP",
                "authed_user": {"id": "U0INSTALLER"},
                "scope": "commands,chat:write",
                "token_type": "bot",
                "access_token": "xoxb-second-workspace",
                "bot_user_id": "UBOT0002",
                "team": {"id": "T0SECOND", "name": "Second"},
                "enterprise": None,
                "is_enterprise_install": False,
            }
        if method == "apps.connections.open":
            assert self.server is not None
            return {"ok": True, "url": str(self.server.make_url("/link")).replace("http", "ws", 1)}
        if method == "users.info":
            user = str(args.get("user", ""))
            name = self.names.get(user, f"name-{user}")
            return {"ok": True, "user": {"id": user, "profile": {"display_name": name}}}
        return {"ok": False, "error": "unknown_method"}

    async def respond(self, request: web.Request) -> web.Response:
        """A response_url: Slack answers a refused payload with 400 and the error as the body,
        and takes at most five messages through one URL."""
        args = await request.json()
        self.calls.append(Call("respond", args))
        n = request.match_info["n"]
        self._uses[n] = self._uses.get(n, 0) + 1
        problem = "used_url" if self._uses[n] > self.RESPONSE_URL_USES else message_problem(args)
        if problem:
            self.calls[-1].answer = {"ok": False, "error": problem}
            self.refusals.append(self.calls[-1])
            return web.Response(status=404 if problem == "used_url" else 400, text=problem)
        return web.Response(text="ok")

    async def upload(self, request: web.Request) -> web.Response:
        """The upload URL `files.getUploadURLExternal` gave: the file's bytes, as they are."""
        file_id = request.match_info["file_id"]
        if file_id not in self.uploads:
            return web.Response(status=404, text="not found")
        self.uploads[file_id] = await request.read()
        return web.Response(text="OK - " + str(len(self.uploads[file_id])))

    async def link(self, request: web.Request) -> web.WebSocketResponse:
        """Socket Mode's websocket: says hello, then collects what the app sends (acks)."""
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        await ws.send_json({"type": "hello", "num_connections": 1})
        self.connected.set()
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                await self.from_app.put(json.loads(message.data))
        return ws

    async def envelope(self, envelope: dict[str, Any]) -> dict[str, Any]:
        """Send an envelope over the open socket and return the app's acknowledgement."""
        await self.sockets[-1].send_json(envelope)
        return await asyncio.wait_for(self.from_app.get(), timeout=10)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/link", self.link)
        app.router.add_post("/api/{method}", self.api)
        app.router.add_get("/api/{method}", self.api)
        app.router.add_post("/respond/{n}", self.respond)
        app.router.add_post("/upload/{file_id}", self.upload)
        return app


def signed_headers(body: str, *, secret: str = SIGNING_SECRET, age: int = 0) -> dict[str, str]:
    timestamp = str(int(time.time()) - age)
    signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature}


class SlackHarness:
    """The bot's web app with Slack mounted, a client for it, and the fake Slack it talks to."""

    def __init__(self, bot: CommonGround, fake: FakeSlack) -> None:
        self.bot = bot
        self.fake = fake
        settings = SlackSettings(
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=fake.api_url,
            _env_file=None,  # type: ignore[call-arg]
        )
        self.adapter = SlackAdapter(
            bot.core.handle,
            bot.db,
            bot.services.secret,
            settings,
            clock=bot.services.clock,
            backoff=0.01,
            drainer=bot.drainer,
        )
        # The app's outbox drain sends Slack's rows through this adapter, as `attach` arranges.
        bot.router.register("slack", self.adapter.deliverer)
        self.web = web_app(bot)
        self.adapter.mount(self.web)
        self.client: TestClient[web.Request, web.Application] | None = None
        self._n = itertools.count(1)

    async def post(
        self, body: str, content_type: str, headers: dict[str, str] | None = None
    ) -> tuple[int, str]:
        assert self.client is not None
        signing = signed_headers(body) if headers is None else headers
        sent = {"Content-Type": content_type, **signing}
        response = await self.client.post("/slack/events", data=body.encode(), headers=sent)
        text = await response.text()
        await self.adapter.settled()
        return response.status, text

    def command_body(self, who: Who, text: str, channel: str, command: str = "/coprod") -> str:
        n = next(self._n)
        self.fake.names.setdefault(who.user_id, who.display_name)
        return urlencode(
            {
                "token": "legacy",
                "team_id": who.workspace,
                "team_domain": "testers",
                "channel_id": channel,
                "channel_name": "directmessage" if channel.startswith("D") else "general",
                "user_id": who.user_id,
                "user_name": who.display_name,
                "command": command,
                "text": text,
                "api_app_id": "A0APP",
                "response_url": self.fake.response_url(n),
                "trigger_id": f"trigger-{n}",
            }
        )

    async def command(
        self, who: Who, text: str, channel: str = "C0GENERAL", command: str = "/coprod"
    ) -> tuple[int, str]:
        body = self.command_body(who, text, channel, command)
        return await self.post(body, "application/x-www-form-urlencoded")

    def _user(self, who: Who) -> dict[str, str]:
        self.fake.names.setdefault(who.user_id, who.display_name)
        return {
            "id": who.user_id,
            "username": who.display_name,
            "name": who.display_name,
            "team_id": who.workspace,
        }

    async def interaction(self, payload: dict[str, Any]) -> tuple[int, str]:
        body = urlencode({"payload": json.dumps(payload)})
        return await self.post(body, "application/x-www-form-urlencoded")

    async def press(
        self, who: Who, block: dict[str, Any], label: str, channel: str = "C0GENERAL"
    ) -> tuple[int, str]:
        """Press the button labelled `label` in an actions block from a recorded message."""
        button = next(e for e in block["elements"] if e["text"]["text"] == label)
        n = next(self._n)
        payload = {
            "type": "block_actions",
            "user": self._user(who),
            "api_app_id": "A0APP",
            "token": "legacy",
            "container": {"type": "message", "message_ts": "1.000100", "channel_id": channel},
            "trigger_id": f"trigger-{n}",
            "team": {"id": who.workspace, "domain": "testers"},
            "channel": {"id": channel, "name": "general"},
            "response_url": self.fake.response_url(n),
            "actions": [
                {
                    "action_id": button["action_id"],
                    "block_id": "b1",
                    "text": button["text"],
                    "value": button["value"],
                    "type": "button",
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        return await self.interaction(payload)

    async def submit(
        self, who: Who, view: dict[str, Any], values: dict[str, str]
    ) -> tuple[int, str]:
        """Submit a recorded modal with these values (text inputs and chosen options)."""
        state: dict[str, dict[str, Any]] = {}
        for block in view["blocks"]:
            if block["type"] != "input":
                continue
            element = block["element"]
            value = values.get(block["block_id"], "")
            if element["type"] == "plain_text_input":
                entry: dict[str, Any] = {"type": "plain_text_input", "value": value or None}
            else:
                chosen = [o for o in element["options"] if o["value"] == value]
                entry = {"type": element["type"], "selected_option": chosen[0] if chosen else None}
            state[block["block_id"]] = {element["action_id"]: entry}
        n = next(self._n)
        payload = {
            "type": "view_submission",
            "team": {"id": who.workspace, "domain": "testers"},
            "user": self._user(who),
            "api_app_id": "A0APP",
            "token": "legacy",
            "trigger_id": f"trigger-{n}",
            "view": {
                "id": "V1",
                "team_id": who.workspace,
                "type": "modal",
                "callback_id": view["callback_id"],
                "private_metadata": view["private_metadata"],
                "blocks": view["blocks"],
                "state": {"values": state},
                "hash": "h",
            },
        }
        return await self.interaction(payload)

    def event_body(self, event: dict[str, Any], event_id: str) -> str:
        return event_body(event, event_id)


def event_body(event: dict[str, Any], event_id: str) -> str:
    """An Events API callback as Slack sends it, for the bot's workspace."""
    return json.dumps(
        {
            "token": "legacy",
            "team_id": TEAM,
            "api_app_id": "A0APP",
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
        }
    )


@asynccontextmanager
async def running_fake() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack()
    # The fake stands for Slack's servers: its access log is Slack's, not ours, so it is off.
    fake.server = TestServer(fake.app())
    await fake.server.start_server(access_log=None)
    try:
        yield fake
    finally:
        await fake.server.close()


@asynccontextmanager
async def running(bot: CommonGround, fake: FakeSlack) -> AsyncIterator[SlackHarness]:
    harness = SlackHarness(bot, fake)
    harness.client = TestClient(TestServer(harness.web))
    await harness.client.start_server()
    try:
        yield harness
    finally:
        await harness.adapter.settled()
        await harness.client.close()
