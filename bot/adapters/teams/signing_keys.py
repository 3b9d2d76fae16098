"""Bot Framework token checks that the SDK leaves out or does in the way: a token must say when
it expires, and fetching the signing keys never blocks the event loop.

The SDK (`JwtTokenExtractor`) fetches the OpenID metadata and its JWKS with blocking
`requests.get` and no timeout, on the event loop: a slow key endpoint froze the whole process,
Slack requests included. `use_threaded_key_fetching` makes every metadata cache the SDK creates
fetch in a worker thread with a timeout, so a slow endpoint delays only the Teams requests
waiting for keys. The SDK's own cache, refresh rules and key lookup are kept (`_OpenIdMetadata`).

PyJWT checks `exp` only when the claim is present, and the SDK does not ask it to require one,
so a token that never expires would pass: `token_problem` refuses it from the Authorization header
alone, before the body is read and before the SDK checks the signature and everything else.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from datetime import datetime
from typing import Any

import jwt
import requests
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor, _OpenIdMetadata

KEY_FETCH_TIMEOUT = 10.0
"""Seconds one fetch of the metadata or of the keys may take (each; the wait is bounded too)."""

_FETCHERS = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="teams-keys")


def _fetch_keys(url: str) -> list[Any]:
    """The OpenID metadata at `url`, then its JWKS: the keys (in a worker thread)."""
    response = requests.get(url, timeout=KEY_FETCH_TIMEOUT)
    response.raise_for_status()
    keys_url = response.json()["jwks_uri"]
    found = requests.get(keys_url, timeout=KEY_FETCH_TIMEOUT)
    found.raise_for_status()
    keys = found.json()["keys"]
    if not isinstance(keys, list):
        raise ValueError("the JWKS has no list of keys")
    return keys


class ThreadedOpenIdMetadata(_OpenIdMetadata):  # type: ignore[misc]
    """The SDK's key cache, refreshed in a worker thread; concurrent refreshes share one fetch
    (a `concurrent.futures.Future`, which belongs to no event loop)."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self._guard = threading.Lock()
        self._pending: concurrent.futures.Future[list[Any]] | None = None

    async def _refresh(self) -> None:
        with self._guard:
            if self._pending is None or self._pending.done():
                self._pending = _FETCHERS.submit(_fetch_keys, self.url)
            pending = self._pending
        wait = asyncio.shield(asyncio.wrap_future(pending))
        self.keys = await asyncio.wait_for(wait, timeout=2 * KEY_FETCH_TIMEOUT + 1)
        self.last_updated = datetime.now()


class _ThreadedCache(dict[str, Any]):
    """`JwtTokenExtractor.metadataCache`, making a threaded metadata cache for each new URL
    (the SDK asks with `get` and, when it finds none, makes a blocking one)."""

    def get(self, url: str, default: Any = None) -> Any:
        if url not in self:
            self[url] = ThreadedOpenIdMetadata(url)
        return self[url]


def use_threaded_key_fetching() -> None:
    """Make the SDK fetch signing keys off the event loop (idempotent; keeps what is cached)."""
    cache = JwtTokenExtractor.metadataCache
    if isinstance(cache, _ThreadedCache):
        return
    threaded = _ThreadedCache()
    for url in cache:
        threaded[url] = ThreadedOpenIdMetadata(url)
    JwtTokenExtractor.metadataCache = threaded


def token_problem(auth_header: str) -> str | None:
    """Why this Authorization header is refused before anything else (None: the SDK decides):
    it is not a bearer token, cannot be read, or names no expiry time."""
    scheme, _, token = auth_header.partition(" ")
    if scheme != "Bearer" or not token.strip():
        return "no bearer token"
    try:
        claims = jwt.decode(token.strip(), options={"verify_signature": False})
    except jwt.PyJWTError:
        return "the token cannot be read"
    expires = claims.get("exp")
    if isinstance(expires, bool) or not isinstance(expires, int | float):
        return "the token has no expiry time"
    return None
