"""Keeping link tokens out of every log line, aiohttp's access log included.

The access log's request line (`%r`) holds the path, and a link's path holds its token; a token
in a log is a key to someone's pages for 15 minutes. `TokenScrubber` rewrites `/pages/open/<x>`
to `/pages/open/{token}` in a record's message and arguments before any handler sees it; it is
put on aiohttp's loggers when the pages are attached (`web_routes.attach`).
"""

from __future__ import annotations

import logging
import re

from bot.pages.links import OPEN_PATH

_TOKEN = re.compile(re.escape(OPEN_PATH) + r"[^\s\"'?#]*")
HIDDEN = OPEN_PATH + "{token}"
LOGGERS = ("aiohttp.access", "aiohttp.server", "aiohttp.web", "aiohttp.client")


def scrub(text: str) -> str:
    return _TOKEN.sub(HIDDEN, text)


class TokenScrubber(logging.Filter):
    """Rewrites a record's message with `scrub`; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            message = str(record.msg)
        if OPEN_PATH in message or (record.exc_text and OPEN_PATH in record.exc_text):
            record.msg, record.args = scrub(message), None
            if record.exc_text:
                record.exc_text = scrub(record.exc_text)
        for name, value in list(vars(record).items()):  # the access log's `extra` fields
            if isinstance(value, str) and OPEN_PATH in value:
                setattr(record, name, scrub(value))
        return True


def scrub_page_tokens() -> None:
    """Put one `TokenScrubber` on each of aiohttp's loggers (once)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, TokenScrubber) for f in logger.filters):
            logger.addFilter(TokenScrubber())
