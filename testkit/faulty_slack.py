"""A fake Slack that misbehaves on purpose, for the fault-injection tests (`tests/faults/`).

`FaultySlack` is `testkit.fake_slack.FakeSlack` with three more ways to answer a Web API call:

- **hold**: from the Nth call of a method on, every call waits until the test releases it. The
  test then knows exactly how far a fan-out got (N - 1 calls answered) and can kill the bot while
  the next ones hang. A call released with `drop` is never recorded: to Slack, the connection
  died before the request arrived, so nothing was posted.
- **slow**: the inherited `answer_late(method, *seconds)`: Slack posts the message at once and
  answers late, so a slow call is recorded as delivered even if nobody waits for the answer:
  exactly the ambiguous send the bot must not repeat.
- **hang up**: the call is posted, then the connection is dropped before any answer: the
  other ambiguous send.
- **proxy errors**: something in front of Slack answers 500 or 502 with a page of text or
  HTML, not Slack's JSON; nothing is posted.
- **fail**: the inherited `fail(method, *statuses)` answers the next calls with 500 or 429.

`delivered(method)` lists what Slack accepted (answered `ok`), so a test counts per person what
really reached them, whatever the bot tried.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

from testkit.fake_slack import Call, FakeSlack


@dataclass
class FaultySlack(FakeSlack):
    """The fake Slack Web API, with calls that can be held, slowed or dropped."""

    hold_from: dict[str, int] = field(default_factory=dict)
    proxy_errors: dict[str, list[int]] = field(default_factory=dict)
    hang_ups: dict[str, int] = field(default_factory=dict)
    seen: Counter[str] = field(default_factory=Counter)
    holding: int = 0
    reached: asyncio.Event = field(default_factory=asyncio.Event)
    _released: asyncio.Event = field(default_factory=asyncio.Event)
    _drop: bool = False

    def hold(self, method: str, nth: int) -> None:
        """Hold the `nth` call of `method` (counting from 1) and every one after it."""
        self.hold_from[method] = nth
        self.reached.clear()
        self._released.clear()

    def release(self, *, drop: bool) -> None:
        """Let held calls go: answered normally, or (`drop`) forgotten as if never received."""
        self._drop = drop
        self.hold_from.clear()
        self._released.set()

    def proxy_error(self, method: str, *statuses: int) -> None:
        """Answer the next calls of `method` with these statuses, as a proxy in front of Slack
        would: an HTML or plain-text page, not Slack's JSON (nothing posted)."""
        self.proxy_errors.setdefault(method, []).extend(statuses)

    def hang_up(self, method: str, calls: int) -> None:
        """Post the next `calls` calls of `method`, then drop the connection without answering:
        the bot cannot know the message went out."""
        self.hang_ups[method] = calls

    def delivered(self, method: str) -> list[dict[str, Any]]:
        """What Slack accepted: the arguments of each call of `method` answered `ok`."""
        return [c.args for c in self.calls if c.method == method and c.answer.get("ok")]

    def per_recipient(self, method: str = "chat.postMessage") -> Counter[str]:
        """How many accepted posts each channel or person received."""
        return Counter(str(args.get("channel", "")) for args in self.delivered(method))

    async def api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        self.seen[method] += 1
        nth = self.hold_from.get(method)
        if nth is not None and self.seen[method] >= nth:
            self.holding += 1
            self.reached.set()
            await self._released.wait()
            if self._drop:  # the bot is gone: the request never made it to Slack
                return web.Response(status=503)
        if self.hang_ups.get(method, 0) > 0:
            self.hang_ups[method] -= 1
            args = await self._args(request)  # posted, and recorded as Slack would
            self.calls.append(Call(method, args, self._answer(method, args)))
            if request.transport is not None:
                request.transport.abort()
            return web.Response(status=200)  # never reaches the bot: the line is down
        pending = self.proxy_errors.get(method)
        if pending:
            status = pending.pop(0)
            if status == 500:
                return web.Response(status=status, text="500 Internal Server Error")
            page = f"<html><body><h1>{status}</h1></body></html>"
            return web.Response(status=status, text=page, content_type="text/html")
        return await super().api(request)


@asynccontextmanager
async def running_faulty() -> AsyncIterator[FaultySlack]:
    """A `FaultySlack` on a loopback port for as long as the block runs."""
    fake = FaultySlack()
    fake.server = TestServer(fake.app(), host="127.0.0.1")
    await fake.server.start_server(access_log=None)
    try:
        yield fake
    finally:
        fake.release(drop=True)  # nothing may stay held past the test
        await fake.server.close()
