"""The house rules of the layout, read from the source of every module under bot/.

- Only `bot/store/` talks to the database: no other module imports SQLAlchemy (not even for a
  type annotation: `bot.store.database.Connection` is the name to use), and no other module
  imports the tables (`bot.store.schema`); everything else calls store functions.
- Only an adapter knows its platform: the Slack SDKs are imported under `bot/adapters/slack/`
  alone, the Bot Framework's under `bot/adapters/teams/` alone.

Imports inside functions count as much as those at the top of a module.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.source import BOT, ROOT, module_name


def _imported(path: Path) -> Iterator[str]:
    """Every module `path` imports, by its full dotted name; for `from a import b`, both `a` and
    `a.b` (b may be a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            yield module
            for alias in node.names:
                yield f"{module}.{alias.name}"


def _modules() -> list[Path]:
    return sorted(BOT.rglob("*.py"))


def _under(path: Path, folder: str) -> bool:
    return path.is_relative_to(BOT / folder)


def _names(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _breaches(packages: tuple[str, ...], allowed_in: str) -> list[str]:
    """`path: module` for each import of one of `packages` outside bot/<allowed_in>/."""
    found = []
    for path in _modules():
        if _under(path, allowed_in):
            continue
        for module in _imported(path):
            if any(_names(module, package) for package in packages):
                found.append(f"{path.relative_to(ROOT)}: {module}")
    return sorted(set(found))


def test_the_rules_see_every_module() -> None:
    """A guard for the guards: the scan finds the modules and the imports it should."""
    paths = _modules()
    assert BOT / "store" / "database.py" in paths
    assert BOT / "adapters" / "slack" / "oauth.py" in paths
    assert "sqlalchemy" in set(_imported(BOT / "store" / "database.py"))
    assert "bot.store.schema" in set(_imported(BOT / "store" / "groups.py"))


def test_only_the_store_imports_sqlalchemy() -> None:
    assert _breaches(("sqlalchemy",), "store") == []


def test_only_the_store_imports_the_tables() -> None:
    assert _breaches(("bot.store.schema",), "store") == []


@pytest.mark.parametrize(
    ("packages", "adapter"),
    [
        (("slack_sdk", "slack_bolt"), "adapters/slack"),
        (("botbuilder", "botframework", "msrest"), "adapters/teams"),
    ],
    ids=["slack", "teams"],
)
def test_only_its_adapter_imports_a_platform_sdk(packages: tuple[str, ...], adapter: str) -> None:
    assert _breaches(packages, adapter) == []
