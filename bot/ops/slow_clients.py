"""Bounding how long a client may take to send its request, so slow clients (a "slowloris"
trickling its headers or its body a byte at a time) cannot hold connections open for ever.

aiohttp has no timeout for reading a request as such. Its keep-alive timer, though, starts when a
connection opens and closes it if no whole request (line and headers) has arrived by then, and
again after each answer: `server_options` sets it to `READ_TIMEOUT`, which bounds the headers
and idle keep-alive connections alike (uvicorn keeps idle connections 5 s, gunicorn 2 s). The body
is read by the handlers, with no timer at all: `read_body_in_time` reads it first, within the same
bound, and answers 408 (closing the connection) to a client that takes longer. The handlers then
find the body already read (aiohttp keeps it), so they never wait on the network for it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

READ_TIMEOUT = 15.0
"""Seconds a client has to send a whole request: its headers, and then its body."""
READ_TIMEOUT_KEY: web.AppKey[float] = web.AppKey("read_timeout", float)
"""Where a web app keeps its own bound (tests shorten it); `READ_TIMEOUT` when absent."""

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


LINGER = 1.0
"""Seconds aiohttp keeps reading (and dropping) an unread body after answering 408, so the client
can still read the answer; its default, 10 s, would hold a slow client that much longer."""


def server_options(read_timeout: float = READ_TIMEOUT) -> dict[str, Any]:
    """Keyword arguments for `web.AppRunner`: close a connection that has not sent a whole
    request line and headers within `read_timeout` seconds of opening (or of its last answer),
    and linger only briefly after a 408."""
    return {"keepalive_timeout": read_timeout, "lingering_time": min(LINGER, read_timeout)}


@web.middleware
async def read_body_in_time(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Read the request's body within the app's read timeout (408 and the connection closed if
    the client is slower), before the handler sees the request."""
    if request.body_exists:
        timeout = request.app.get(READ_TIMEOUT_KEY, READ_TIMEOUT)
        try:
            async with asyncio.timeout(timeout):
                await request.read()
        except TimeoutError:
            log.warning("closed a connection whose request body took over %g s", timeout)
            response = web.Response(status=408, text="the request took too long to arrive")
            response.force_close()
            return response
    return await handler(request)
