"""The link to an agenda item's papers: a deliberate field, checked before it is stored.

An item's words go through `text_safety` like any other text, so a link typed among them is shown
as plain words with its address in view. The papers link is different: it is the one address the
bot shows on purpose, so it must be exactly an `http` or `https` address, to a named host, with
no name or password before the host (`https://trusted.org@elsewhere.example` reads as one place
and goes to another), and with nothing in it that any platform reads as markup. It is shown
bare, on a line of its own, so Slack and Teams make it a link and show where it goes.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from bot import limits
from bot.text_safety import neutralise

PAPERS_MARKER = re.compile(r"\s*\bpapers\s*:\s*", re.IGNORECASE)
"""`… papers: https://…` at the end of `agenda add`."""
SENTENCE_END = ".,;:!?"
SAFE = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
"""The characters of an address (RFC 3986), which leaves out spaces, quotes, `<`, `>`, `|`,
backticks and braces: what could end a link early or start markup on some platform."""

HOW = "Please give the link as a whole web address starting with https:// (or http://)."


class PapersRejected(ValueError):
    """A papers link we will not show; the message says why, plainly."""


def split_papers(text: str) -> tuple[str, str]:
    """The item's words and whatever follows the last `papers:` (both stripped)."""
    found = list(PAPERS_MARKER.finditer(text))
    if not found:
        return text.strip(), ""
    last = found[-1]
    return text[: last.start()].strip(), text[last.end() :].strip()


def checked_link(given: str) -> str | None:
    """The papers address as it will be stored, None for none, or `PapersRejected`."""
    url = given.strip().rstrip(SENTENCE_END)
    if not url:
        return None
    if len(url) > limits.PAPERS_LINK:
        raise PapersRejected(
            f"That link is {len(url):,} characters; the limit is {limits.PAPERS_LINK:,}. "
            "A shorter link to the same papers would work."
        )
    if not SAFE.fullmatch(url):
        raise PapersRejected(f"That link has spaces or characters I can't show safely. {HOW}")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise PapersRejected(HOW)
    if "@" in parts.netloc:
        raise PapersRejected(
            "That link has a name before its web address (an @ sign), which can make a link "
            f"look as if it goes somewhere it doesn't. {HOW}"
        )
    if neutralise(url) != url:
        raise PapersRejected(f"That link ends in a way I can't show safely. {HOW}")
    return url
