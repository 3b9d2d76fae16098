"""Every form carries the session's CSRF token; a form sent without it, or with another, is
refused before anything is read or changed. (SameSite cookies stop most cross-site posts
already; the token also stops them from a browser that ignores SameSite.)"""

from __future__ import annotations

from aiohttp import web

from bot.pages.link_secrets import same
from bot.pages.sessions import PageRefused

FIELD = "csrf_token"
REFUSED = PageRefused(
    403,
    "This form is out of date",
    "Nothing was changed. Please go back, reload the page and try again.",
)


BAD_FORM = PageRefused(400, "This form can't be read", "Nothing was changed. Please try again.")


async def form_of(request: web.Request) -> dict[str, str]:
    """A form's text fields (its body was read already, within the read timeout); `BAD_FORM`
    for a body that is not a form at all."""
    try:
        form = await request.post()
    except ValueError:  # undecodable text, a broken multipart body
        raise BAD_FORM from None
    return {name: value for name, value in form.items() if isinstance(value, str)}


def check_form(form: dict[str, str], expected: str) -> dict[str, str]:
    """The form's fields, once its token matches `expected`; else `REFUSED`."""
    given = form.get(FIELD)
    if not isinstance(given, str) or not same(given, expected):
        raise REFUSED
    return form
