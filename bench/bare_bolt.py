"""The baseline for acknowledgement: a bare slack-bolt `AsyncApp` that checks the signature and
acknowledges `/coprod` and every button, doing nothing else, served by the same aiohttp stack as
the bot (`python -m bench.bare_bolt --port P`, with SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN and
SLACK_API_URL set as for the bot)."""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient


def bare_app() -> web.Application:
    client = AsyncWebClient(
        token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]
    )
    bolt = AsyncApp(client=client, signing_secret=os.environ["SLACK_SIGNING_SECRET"])

    @bolt.command("/coprod")
    async def command(ack: AsyncAck) -> None:
        await ack()

    @bolt.action(re.compile(".*"))
    async def action(ack: AsyncAck) -> None:
        await ack()

    async def on_request(request: web.Request) -> web.Response:
        bolt_request = await to_bolt_request(request)
        return await to_aiohttp_response(await bolt.async_dispatch(bolt_request))

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_post("/slack/events", on_request)
    app.router.add_get("/healthz", healthz)
    return app


async def serve(port: int) -> None:
    runner = web.AppRunner(bare_app(), handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await runner.cleanup()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bare_bolt")
    parser.add_argument("--port", type=int, required=True)
    args: Any = parser.parse_args(argv)
    asyncio.run(serve(args.port))


if __name__ == "__main__":
    main()
