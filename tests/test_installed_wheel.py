"""The project runs from an installed wheel, not only from a source checkout.

The wheel is built and installed into a fresh virtualenv, and `commonground demo` is run from an
unrelated directory: anything the bot reads at run time that is not package data (the prompt
library, the migrations) makes it fail. To stay fast and offline, the wheel goes in with
`--no-deps` and the fresh virtualenv sees the dependencies through a `.pth` line naming this
interpreter's site-packages. Such a line does not run that folder's own `.pth` files, so the
editable install of the checkout stays out; the test checks that `bot` comes from the wheel.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import site
import subprocess
import sys
import sysconfig
from importlib.metadata import version
from pathlib import Path

import pytest

from tests.conftest import ON_POSTGRES

ROOT = Path(__file__).resolve().parent.parent
BIN = "Scripts" if os.name == "nt" else "bin"

pytestmark = pytest.mark.skipif(
    ON_POSTGRES, reason="the demo always uses its own SQLite file; once per suite is enough"
)


def run(args: list[str | Path], cwd: Path, timeout: float = 120) -> str:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"PYTHONPATH", "PYTHONHOME", "DATABASE_URL", "LOG_LEVEL"}
    }
    result = subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def build_wheel(tmp_path: Path) -> Path:
    """The project's wheel, built from a copy of what goes into it: a `build/` folder left in
    the checkout could add modules that no longer exist, and nothing is written there."""
    source = tmp_path / "source"
    shutil.copytree(ROOT / "bot", source / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    wheels = tmp_path / "wheels"
    offline = importlib.util.find_spec("setuptools") is not None and (
        int(version("setuptools").split(".")[0]) >= 77
    )
    isolation = ["--no-build-isolation"] if offline else []
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    run([*pip, "wheel", "--no-deps", *isolation, "-w", wheels, source], cwd=tmp_path)
    [wheel] = wheels.glob("commonground-*.whl")
    return wheel


def test_the_installed_wheel_plays_the_demo_outside_the_source_tree(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path)
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=tmp_path)
    python = venv / BIN / ("python.exe" if os.name == "nt" else "python")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", "--python", python]
    run([*pip, "install", "--no-deps", "--no-index", wheel], cwd=tmp_path)

    where = "import sysconfig; print(sysconfig.get_path('purelib'))"
    fresh_site = Path(run([python, "-c", where], cwd=tmp_path).strip())
    ours = dict.fromkeys([*site.getsitepackages(), sysconfig.get_path("purelib")])
    (fresh_site / "dependencies.pth").write_text("".join(f"{path}\n" for path in ours))

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    show = "import bot, bot.prompts; print(bot.__file__); print(bot.prompts.DEFAULT_PATH)"
    found = run([python, "-c", show], cwd=elsewhere).splitlines()
    assert len(found) == 2, found
    for path in found:
        assert Path(path).is_relative_to(fresh_site), f"{path} is not from the installed wheel"
        assert not Path(path).is_relative_to(ROOT), f"{path} is from the checkout"

    out = run([venv / BIN / "commonground", "demo"], cwd=elsewhere)
    assert "The demo is over." in out
    assert "The database was a temporary file and is gone now." in out
    assert list(elsewhere.iterdir()) == []  # nothing left behind where it ran
