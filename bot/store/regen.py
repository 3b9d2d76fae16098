"""Development aid: rebuild the initial migration from `schema.py` while nothing has shipped.

Run by `python3 dev.py regen-migration`. Once a release is out, add new revisions instead.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
from pathlib import Path

from alembic import command
from sqlalchemy import Connection

from bot.store.database import Database
from bot.store.migrate import MIGRATIONS, alembic_config

INITIAL = "0001"


def _generate(connection: Connection, url: str) -> None:
    cfg = alembic_config(url)
    cfg.attributes["connection"] = connection
    command.revision(cfg, message="initial schema", autogenerate=True, rev_id=INITIAL)


async def _regenerate() -> None:
    for old in (MIGRATIONS / "versions").glob("*.py"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'empty.db'}"
        db = Database(url)
        async with db.engine.begin() as conn:
            await conn.run_sync(_generate, url)
        await db.dispose()


def main() -> None:
    asyncio.run(_regenerate())
    files = [str(p) for p in (MIGRATIONS / "versions").glob("*.py")]
    subprocess.run([sys.executable, "-m", "ruff", "format", "-q", *files], check=False)
    subprocess.run([sys.executable, "-m", "ruff", "check", "--fix", "-q", *files], check=False)
    print("Rebuilt", *(p.name for p in (MIGRATIONS / "versions").glob("*.py")))


if __name__ == "__main__":
    main()
