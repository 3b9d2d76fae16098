"""Keeping conversation and message ids out of log lines that libraries write.

HTTP client libraries name the URL they were calling when something goes wrong: urllib3's
"Retrying (...) after connection broken by ...: /v3/conversations/a%3A.../activities/...", or an
exception's message in a traceback. A Bot Framework URL holds the person's 1:1 conversation id,
and a log line with it at the moment they name an anonymous elephant would undo the posting delay.
`IdScrubber` rewrites such paths to their route pattern (`/v3/conversations/{id}/activities/{id}`)
in the message before any handler sees the record; an adapter puts it on the loggers of its SDK
and its HTTP clients. Tracebacks are already written without the exceptions' messages (the URL's
usual place) by our formatters (`bot.ops.observability.TextFormatter` and `JsonFormatter`).
"""

from __future__ import annotations

import logging
import re

ID = "{id}"
_ID_AFTER = re.compile(
    r"(?P<head>/(?:conversations|activities|members|attachments|users|teams|channels)/)"
    r"[^/\s'\"?#)\]>,]+",
    re.IGNORECASE,
)


def scrub(text: str) -> str:
    """`text` with every id that follows a conversation-like path segment replaced by `{id}`."""
    return _ID_AFTER.sub(lambda m: m.group("head") + ID, text)


class IdScrubber(logging.Filter):
    """Rewrites a record's message with `scrub` (and never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a library's broken format string: keep only its template
            message = str(record.msg)
        record.msg, record.args = scrub(message), None
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


def scrub_loggers(*prefixes: str) -> None:
    """Put one `IdScrubber` on every logger that exists now under these names (a filter on a
    logger sees only the records made by that logger, not its children's)."""
    below = tuple(f"{prefix}." for prefix in prefixes)
    existing = [n for n in logging.root.manager.loggerDict if n.startswith(below)]
    for name in dict.fromkeys([*prefixes, *existing]):
        logger = logging.getLogger(name)
        if not any(isinstance(f, IdScrubber) for f in logger.filters):
            logger.addFilter(IdScrubber())
