"""Socket Mode (`SLACK_APP_TOKEN`): Slack's requests arrive over a websocket the bot opens.

Slack redelivers an envelope it thinks was not acknowledged (with `retry_attempt`), so each
envelope's id goes to the core as `once` like an HTTP delivery's (recorded in `inbound_events` in
the event's own transaction), and repeats already recorded are acknowledged and dropped early.
As over HTTP, an envelope is acknowledged only once it is committed to the inbox (its payload as
JSON), then handled from there; a modal submission is answered within the same deadline; URL
checks and options loads are handled inline.
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
from bot.adapters.slack.intake import BUSY, STORED, VIEW, payload_kind

if TYPE_CHECKING:
    from bot.adapters.slack.adapter import SlackAdapter

log = logging.getLogger("bot.adapters.slack")
JSON = "application/json"


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
        kind = _kind(req)
        body = json.dumps(req.payload, sort_keys=True)
        if kind in STORED:
            await self._take_in(client, req, key, body, kind)
            return
        # Bolt's own run_async_bolt_app, plus the delivery id for the core's once-only record.
        bolt_request = AsyncBoltRequest(
            mode="socket_mode",
            body=req.payload,
            headers=build_headers(req),
            context={records.ONCE: key},
        )
        if kind == VIEW:
            response = await self.adapter.answer_view(bolt_request, key, body, JSON)
        else:
            response = await self.app.async_dispatch(bolt_request)
        await send_async_response(client, req, response, started)

    async def _take_in(
        self, client: SocketModeClient, req: SocketModeRequest, key: str, body: str, kind: str
    ) -> None:
        """Commit the envelope, then acknowledge it. Turned away, an event is left unacknowledged
        (Slack redelivers it) and a person's command is told, in plain words, to try again."""
        taken = False
        if not self.adapter.inbox.full():
            try:
                await self.adapter.inbox.take_in(key, body, JSON)  # a repeat adds nothing
                taken = True
            except Exception as exc:
                log.warning("could not take a Slack %s in: %s", kind, type(exc).__name__)
        if taken:
            await client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
            return
        log.warning("turned a Slack %s away over Socket Mode", kind)
        if kind != "event":
            busy = {"response_type": "ephemeral", "text": BUSY}
            await client.send_socket_mode_response(
                SocketModeResponse(envelope_id=req.envelope_id, payload=busy)
            )


def _kind(req: SocketModeRequest) -> str:
    """The kind of an envelope's request, as `bot.adapters.slack.intake` names them."""
    if req.type == "events_api":
        return "event"
    if req.type == "slash_commands":
        return "command"
    if req.type == "interactive":
        return payload_kind(req.payload)
    return "other"
