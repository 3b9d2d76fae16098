"""Development aid: write the next Alembic revision from what `schema.py` now declares.

Run by `python3 dev.py new-migration "what changed"`. It migrates a throw-away SQLite database to
the newest revision, compares it with `schema.py` and writes the difference as the next numbered
revision (`0003_what_changed.py`, …) in `migrations/versions/`, for you to read and adjust:
Alembic cannot tell a renamed column from a dropped and an added one. Revisions already written
are never touched, because databases out there have run them.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from alembic import command
from sqlalchemy import Connection

from bot.store.database import Database
from bot.store.migrate import MIGRATIONS, alembic_config, upgrade

VERSIONS = MIGRATIONS / "versions"


def next_revision_id() -> str:
    """One more than the highest numbered revision: `0003` after `0002_…`."""
    numbers = [int(m.group(1)) for p in VERSIONS.glob("*.py") if (m := re.match(r"(\d+)_", p.name))]
    return f"{max(numbers, default=0) + 1:04d}"


def _generate(connection: Connection, url: str, message: str, rev_id: str) -> None:
    cfg = alembic_config(url)
    cfg.attributes["connection"] = connection
    command.revision(cfg, message=message, autogenerate=True, rev_id=rev_id)


async def _write(message: str) -> Path:
    rev_id = next_revision_id()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'at-head.db'}"
        await upgrade(url)
        db = Database(url)
        async with db.engine.begin() as conn:
            await conn.run_sync(_generate, url, message, rev_id)
        await db.dispose()
    (written,) = VERSIONS.glob(f"{rev_id}_*.py")
    return written


def main() -> None:
    message = " ".join(sys.argv[1:]).strip()
    if not message:
        sys.exit('Say what changed, for example: python3 dev.py new-migration "agenda items"')
    written = asyncio.run(_write(message))
    for tidy in (["format"], ["check", "--fix"]):
        subprocess.run([sys.executable, "-m", "ruff", *tidy, "-q", str(written)], check=False)
    print(f"Wrote {written.relative_to(Path.cwd())}: read it before you commit it.")


if __name__ == "__main__":
    main()
