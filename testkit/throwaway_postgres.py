"""Throw-away PostgreSQL databases on the local server, for the tests and the benchmarks.

Each gets a random name, is made empty and is dropped afterwards (`WITH (FORCE)`, so a connection
left open by a failing test cannot keep it alive). The server is `COMMONGROUND_TEST_POSTGRES`, by
default the local one with trust authentication.
"""

from __future__ import annotations

import os
import secrets

from sqlalchemy.engine import make_url

POSTGRES_SERVER = os.environ.get(
    "COMMONGROUND_TEST_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)


async def admin(statement: str, server_url: str = POSTGRES_SERVER) -> None:
    """Run one statement on the server's administrative database."""
    import asyncpg  # type: ignore[import-untyped]

    server = make_url(server_url)
    conn = await asyncpg.connect(
        host=server.host or "127.0.0.1",
        port=server.port or 5432,
        user=server.username or "postgres",
        password=server.password,
        database=server.database or "postgres",
    )
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


async def create_database(prefix: str, server_url: str = POSTGRES_SERVER) -> str:
    """A new, empty database named `<prefix>_<random>` on the server; returns its URL."""
    name = f"{prefix}_{secrets.token_hex(6)}"
    await admin(f'CREATE DATABASE "{name}"', server_url)
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


async def drop_database(url: str, server_url: str = POSTGRES_SERVER) -> None:
    """Drop a database `create_database` made, whoever is still connected to it."""
    await admin(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)', server_url)
