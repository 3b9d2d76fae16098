"""The platforms' side, in a process of its own: the fake Slack Web API and the fake Teams
connector of the tests, with a rate limit like the real ones (429 with Retry-After beyond `limit`
calls in a second), and a `/stats` route saying what reached them. Run by the benchmarks as
`python -m bench.fakes slack|teams --port P [--limit N]`; stops on SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import signal
import time
from collections import Counter

from aiohttp import web

from testkit.fake_slack import FakeSlack
from testkit.fake_teams import FakeTeams

LIMITED = frozenset({"chat.postMessage", "chat.update", "chat.postEphemeral"})


class LimitedSlack(FakeSlack):
    """FakeSlack that enforces `limit` calls per whole second on the posting methods, and keeps
    counts instead of every call (a long benchmark would otherwise hold every body)."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.window = Window(limit)
        self.posted: Counter[str] = Counter()
        self.methods: Counter[str] = Counter()
        self.per_second: Counter[int] = Counter()
        self.posted_at: dict[str, float] = {}
        self.first = 0.0
        self.last = 0.0

    async def api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        self.methods[method] += 1
        if method in LIMITED and not self.window.allows():
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "1"}
            )
        args = await self._args(request)
        answer = self._answer(method, args)
        if method in LIMITED:
            self.per_second[int(time.monotonic())] += 1
        if method == "chat.postMessage":
            stamp = time.monotonic()
            self.first = self.first or stamp
            self.last = stamp
            self.posted[str(args.get("channel", ""))] += 1
            self.posted_at[str(args.get("channel", ""))] = stamp
        return web.json_response(answer)

    async def respond(self, request: web.Request) -> web.Response:
        self.methods["respond"] += 1
        await request.read()
        return web.Response(text="ok")

    async def stats(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "posted": dict(self.posted),
                "methods": dict(self.methods),
                "refused": self.window.refused,
                "refused_after": [t - (self.first or t) for t in self.window.refused_at],
                "span": self.last - self.first,
                "first": self.first,
                "last": self.last,
                "per_second": {str(k): v for k, v in self.per_second.items()},
                "posted_at": self.posted_at,
            }
        )

    async def reset(self, request: web.Request) -> web.Response:
        self.posted.clear()
        self.methods.clear()
        self.per_second.clear()
        self.posted_at.clear()
        self.window.refused, self.first, self.last = 0, 0.0, 0.0
        self.window.refused_at.clear()
        return web.json_response({"ok": True})

    def app(self) -> web.Application:
        app = super().app()
        app.router.add_get("/stats", self.stats)
        app.router.add_post("/reset", self.reset)
        return app


class Window:
    """At most `limit` calls in each whole second; 0 means no limit."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.second = 0
        self.used = 0
        self.refused = 0
        self.refused_at: list[float] = []

    def allows(self) -> bool:
        if not self.limit:
            return True
        now = int(time.monotonic())
        if now != self.second:
            self.second, self.used = now, 0
        if self.used >= self.limit:
            self.refused += 1
            self.refused_at.append(time.monotonic())
            return False
        self.used += 1
        return True


class LimitedTeams(FakeTeams):
    """FakeTeams that enforces `limit` activity sends per whole second (429, Retry-After: 1) and
    counts what reached each conversation instead of keeping every activity."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.window = Window(limit)
        self.posted: Counter[str] = Counter()
        self.first = 0.0
        self.last = 0.0

    async def send(self, request: web.Request) -> web.Response:
        if not self.window.allows():
            return web.json_response(
                {"error": {"code": "Throttled", "message": "too many requests"}},
                status=429,
                headers={"Retry-After": "1"},
            )
        await request.read()
        stamp = time.monotonic()
        self.first = self.first or stamp
        self.last = stamp
        self.posted[request.match_info.get("cid", "")] += 1
        return web.json_response({"id": f"m{next(self._ids)}"})

    async def reply(self, request: web.Request) -> web.Response:
        return await self.send(request)

    async def stats(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "posted": dict(self.posted),
                "personal": dict(self.personal),
                "refused": self.window.refused,
                "refused_after": [t - (self.first or t) for t in self.window.refused_at],
                "span": self.last - self.first,
            }
        )

    def app(self) -> web.Application:
        app = super().app()
        app.router.add_get("/stats", self.stats)
        return app


async def serve(kind: str, port: int, limit: int) -> None:
    fake: LimitedSlack | LimitedTeams = (
        LimitedSlack(limit) if kind == "slack" else LimitedTeams(limit)
    )
    runner = web.AppRunner(fake.app(), access_log=None, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    print("ready", flush=True)
    await stop.wait()
    await runner.cleanup()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.fakes")
    parser.add_argument("kind", choices=["slack", "teams"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--limit", type=int, default=0, help="calls per second (0: no limit)")
    args = parser.parse_args(argv)
    asyncio.run(serve(args.kind, args.port, args.limit))


if __name__ == "__main__":
    main()
