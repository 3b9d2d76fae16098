"""The pages' addresses on the bot's web app: what `attach` adds to it at start.

What each address answers is in `page_handlers`, which is imported at the first page request:
the templates, charts and figures it needs cost a process that answers chat requests a tenth of
a second at start, and a host that starts the bot on the first request should not pay that.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.context import Services
from bot.pages.links import OPEN_PATH
from bot.pages.log_safety import scrub_page_tokens
from bot.pages.state import PAGES, PagesState
from bot.store.database import Database

STYLESHEET = "/pages/static/pages.css"
SIGN_OUT = "/pages/sign-out"
GROUP = "/groups/{group_id:[0-9]{1,12}}/"
PAGE_ADDRESSES = (
    "",
    "elephants",
    "decisions",
    "agenda",
    "sharing",
    "my-data",
    "forget-me",
    "facilitators",
    "trends",
    "report",
)
"""The pages under a group's address, one per row of `page_handlers.PAGES_TABLE` (a test
checks they agree)."""
ROUTES: tuple[tuple[str, str, str], ...] = (
    ("GET", OPEN_PATH + "{token}", "open"),
    ("GET", STYLESHEET, "stylesheet"),
    ("POST", SIGN_OUT, "sign-out"),
    *(("GET", GROUP + address, address) for address in PAGE_ADDRESSES),
    ("POST", GROUP + "forget-me", "forget-me:confirmed"),
    ("GET", GROUP + "report.pdf", "report.pdf"),
)
"""(method, path, the name of its handler in `page_handlers.HANDLERS`)."""


def _later(name: str) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def answer(request: web.Request) -> web.StreamResponse:
        from bot.pages.page_handlers import HANDLERS  # the pages' code, at the first request

        return await HANDLERS[name](request)

    return answer


def attach(app: web.Application, db: Database, services: Services) -> None:
    """Add the pages' routes to `app` (the headers' middleware is the app's own, in
    `bot.app.web_app`), and keep tokens out of aiohttp's logs."""
    scrub_page_tokens()
    app[PAGES] = PagesState(db, services)
    for method, path, name in ROUTES:
        if method == "GET":  # with HEAD, as aiohttp's `add_get` gives it
            app.router.add_get(path, _later(name))
        else:
            app.router.add_post(path, _later(name))


__all__ = ["ROUTES", "PagesState", "attach"]
