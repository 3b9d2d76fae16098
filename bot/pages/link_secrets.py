"""The secrets of links and sessions: random (`secrets`), and stored only as a keyed hash.

The hash is keyed with the bot's secret key (`Services.secret`), kept outside the database, so
a copy of the database alone can neither open a page nor test a guessed token.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

TOKEN_BYTES = 32
_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")
"""What `new_secret` makes: 32 random bytes in URL-safe base64 without padding."""


def new_secret() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def well_formed(token: str) -> bool:
    """Whether `token` could be one of ours (anything else is refused before the database)."""
    return _SHAPE.fullmatch(token) is not None


def hashed(token: str, key: bytes) -> str:
    """The keyed hash kept in the database instead of the token."""
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def same(given: str, expected: str) -> bool:
    """Compare two secrets in constant time."""
    return hmac.compare_digest(given.encode(), expected.encode())
