#!/usr/bin/env python3
"""One entry point for people who just cloned the project.

`python3 dev.py demo` and `python3 dev.py test` must work on a machine that has nothing but
Python 3.11+, so this script makes the virtualenv in `.venv`, installs the project into it (again
only when `pyproject.toml` changed) and then runs the real command inside it. It uses only the
standard library on purpose.

    python3 dev.py demo            the scripted meeting (throw-away database)
    python3 dev.py test [args]     the test suite (pytest arguments pass through)
    python3 dev.py lint            ruff and mypy (strict on bot/)
    python3 dev.py bench [--quick] the benchmarks; writes docs/benchmarks.md
    python3 dev.py bot <args>      any `commonground` sub-command, e.g. `bot console`
    python3 dev.py new-migration "what changed"
                                   the next Alembic revision, from bot/store/schema.py
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed-from"


def _wanted_stamp() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def ensure_venv() -> None:
    """Create `.venv` and install the project with its dev extras when needed."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this script must run on old Pythons to say so
        sys.exit(f"Common Ground needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        print("Creating the virtualenv in .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    if STAMP.exists() and STAMP.read_text() == _wanted_stamp():
        return
    print("Installing Common Ground and its tools into .venv (first run only) …", flush=True)
    pip = [str(PYTHON), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "install", "-e", f"{ROOT}[dev]"], check=True)
    STAMP.write_text(_wanted_stamp())


def run(args: list[str]) -> int:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.run(args, cwd=ROOT, env=env).returncode


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    command, rest = argv[0], argv[1:]
    ensure_venv()
    py = str(PYTHON)
    if command == "demo":
        return run([py, "-m", "bot", "demo", *rest])
    if command == "test":
        return run([py, "-m", "pytest", *rest])
    if command == "lint":
        ruff = [py, "-m", "ruff", "check", "bot", "tests", "testkit", "bench", "dev.py"]
        return run(ruff) or run([py, "-m", "mypy"])
    if command == "bench":
        return run([py, "-m", "bench", *rest])
    if command == "bot":
        return run([py, "-m", "bot", *rest])
    if command == "new-migration":
        return run([py, "-m", "bot.store.revision", *rest])
    print(f"Unknown command {command!r}.\n{__doc__}")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
