"""Headers every page answer carries, and the rule that nothing from outside ever gets a 500.

A strict Content-Security-Policy (nothing but our own style sheet and inline `data:` images; no
scripts, no frames, forms only to us), no referrer (so no address ever leaves with a click),
no sniffing, and no caching of private pages. Applied to the pages' paths only: the platforms'
endpoints keep their own answers.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

log = logging.getLogger(__name__)

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
PAGE_PREFIXES = ("/pages/", "/groups/", "/groups")
PLAIN = {
    404: "Not found.",
    405: "This address can't be used that way.",
    400: "This request can't be answered.",
}
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def is_page_path(path: str) -> bool:
    return path.startswith(PAGE_PREFIXES)


def protect(response: web.StreamResponse, *, static: bool = False) -> None:
    for name, value in HEADERS.items():
        response.headers[name] = value
    if not static:
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"


@web.middleware
async def page_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The headers above on every answer under the pages' paths (errors included), and a plain
    error page instead of a 500 with a traceback."""
    if not is_page_path(request.path):
        return await handler(request)
    static = request.path.startswith("/pages/static/")
    try:
        response = await handler(request)
    except web.HTTPException as exc:  # the router's 404 and 405, a body too large
        response = web.Response(status=exc.status, text=PLAIN.get(exc.status, PLAIN[400]))
        if "Allow" in exc.headers:
            response.headers["Allow"] = exc.headers["Allow"]
    except Exception:
        log.exception("a page failed")
        response = web.Response(
            status=503,
            text="Sorry, this page could not be shown just now. Please try again in a minute.",
            content_type="text/plain",
        )
    protect(response, static=static and response.status == 200)
    return response
