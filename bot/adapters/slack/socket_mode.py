"""Socket Mode (`SLACK_APP_TOKEN`): Slack's requests arrive over a websocket the bot opens.

Slack redelivers an envelope it thinks was not acknowledged (with `retry_attempt`), so each
envelope's id goes to the core as `once` like an HTTP delivery's (recorded in `inbound_events` in
the event's own transaction), and repeats already recorded are acknowledged and dropped early.
"""

from __future__ import annotations

import json
import logging
import time
from typing import TYPE_CHECKING

from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.adapter.socket_mode.async_internals import send_async_response
from slack_bolt.adapter.socket_mode.internals import build_headers
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.adapters.slack import records
from bot.adapters.slack.delivery import SDK_LOG

if TYPE_CHECKING:
    from bot.adapters.slack.adapter import SlackAdapter

log = logging.getLogger("bot.adapters.slack")


class SocketHandler(AsyncSocketModeHandler):
    """Bolt's Socket Mode handler, dropping envelopes already handled (Slack redelivers an
    unacknowledged one, with `retry_attempt`) before they reach the listeners."""

    def __init__(self, adapter: SlackAdapter, app_token: str) -> None:
        super().__init__(adapter.app, app_token, logger=SDK_LOG, web_client=adapter.client)
        self.adapter = adapter

    async def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        if req.type == "events_api" and req.payload.get("event_id"):
            key = f"e:{req.payload['event_id']}"
        else:
            body = json.dumps(req.payload, sort_keys=True)
            key = records.body_digest(self.adapter.secret, body)
        # Only a redelivery (Slack marks it) can have been handled before: no look-up otherwise.
        if req.retry_attempt and await records.seen(self.adapter.db, key):
            log.info("dropped a repeated Slack delivery over Socket Mode")
            await client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
            return
        started = time.time()
        # Bolt's own run_async_bolt_app, plus the delivery id for the core's once-only record.
        bolt_request = AsyncBoltRequest(
            mode="socket_mode",
            body=req.payload,
            headers=build_headers(req),
            context={records.ONCE: key},
        )
        response = await self.app.async_dispatch(bolt_request)
        await send_async_response(client, req, response, started)
