"""Pages drawn on the server with Jinja2, autoescaped, from the templates packaged beside this.

Every page extends `base.html`, which needs the context `page_context` builds: `group` (id,
name), `person` (display name, is_facilitator), `csrf_token`, `nav` (the links of the person's
pages, the current one marked) and `groups` (the person's groups, to switch between).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from bot.pages.security_headers import protect

ENV = Environment(
    loader=PackageLoader("bot.pages", "templates"),
    autoescape=select_autoescape(("html",), default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,
)
"""Each template is compiled once per process and kept (Jinja's cache): the templates are the
package's own and do not change while it runs, so no request checks their files again."""


def render_html(template: str, context: Mapping[str, Any]) -> str:
    return ENV.get_template(template).render(**context)


def page(template: str, context: Mapping[str, Any], *, status: int = 200) -> web.Response:
    """A private page: HTML with the pages' headers (no caching)."""
    response = web.Response(
        text=render_html(template, context), status=status, content_type="text/html"
    )
    protect(response)
    return response


def plain_page(title: str, message: str, *, status: int) -> web.Response:
    """A page that shows nothing of any group: refusals, limits, ended sessions."""
    return page("plain.html", {"title": title, "message": message}, status=status)
