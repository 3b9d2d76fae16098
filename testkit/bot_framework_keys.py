"""Bot Framework's signing keys, offline: OpenID metadata and a JWKS on loopback, and RS256 tokens
signed with the matching key.

The Teams SDK fetches the keys with blocking `requests` (which the bot runs in a worker thread),
so the server runs in a thread of its own rather than on the test's event loop. Shared by the
Teams authentication tests and the fuzzing of every inbound route.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ISSUER = "https://api.botframework.com"
KID = "test-key-1"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
"""The key the JWKS publishes (endorsed for msteams); tokens signed with any other are forged."""


class KeyHandler(BaseHTTPRequestHandler):
    """`/openid` (the metadata, naming the JWKS) and `/keys` (the JWKS)."""

    def do_GET(self) -> None:
        port = self.server.server_address[1]
        if self.path == "/openid":
            body: Any = {"issuer": ISSUER, "jwks_uri": f"http://127.0.0.1:{port}/keys"}
        elif self.path == "/keys":
            jwk = json.loads(RSAAlgorithm.to_jwk(KEY.public_key()))
            jwk.update({"kid": KID, "use": "sig", "endorsements": ["msteams"]})
            body = {"keys": [jwk]}
        else:
            self.send_error(404)
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serving_keys(handler: type[KeyHandler] = KeyHandler) -> Iterator[str]:
    """Serve the keys on a free loopback port; yields the OpenID metadata URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/openid"
    finally:
        server.shutdown()
        server.server_close()


def signed_token(claims: dict[str, Any], key: Any = KEY) -> str:
    """A token with these claims, signed RS256 under the published key id."""
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": KID})
