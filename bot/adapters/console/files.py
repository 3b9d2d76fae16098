"""Files the console gives people (their `export`): written whole beside the database, since the
console is someone at their own machine, and the path printed.

An in-memory or PostgreSQL database has no folder of its own, so the file goes in the current
directory. An existing file is never overwritten: a second export the same day gets `-2`, `-3`.
"""

from __future__ import annotations

from pathlib import Path

from bot.store.database import backend_and_database


def folder_for(database_url: str) -> Path:
    """Where the console writes files: the SQLite database's folder, else the current one."""
    backend, database = backend_and_database(database_url)
    if backend == "sqlite" and database and database != ":memory:":
        return Path(database).expanduser().resolve().parent
    return Path.cwd()


def write_file(folder: Path, filename: str, content: bytes) -> Path:
    """Write `content` to a new file named after `filename` in `folder`; returns its path."""
    name = Path(filename).name or "file"  # never a path from elsewhere
    stem, suffix = Path(name).stem, Path(name).suffix
    path = folder / name
    number = 2
    while path.exists():
        path = folder / f"{stem}-{number}{suffix}"
        number += 1
    path.write_bytes(content)
    return path
