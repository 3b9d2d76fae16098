"""Random meetings of random groups, played through the real core and clock, hunting for broken
promises (README.md, "What it holds to"). See `scenario.py` for what is played and `promises.py`
for what is checked after every step.

    COMMONGROUND_PROPERTY_EXAMPLES=500   more examples (default 20)
    COMMONGROUND_PROPERTY_STEPS=60       longer scenarios (default 40 steps)
    COMMONGROUND_PROPERTY_RANDOM=1       new random examples instead of the fixed seed
    COMMONGROUND_PROPERTY_SKIP=a,b       leave out some promises (names in promises.py)
    COMMONGROUND_PROPERTY_SHRINK=1       shrink a failure to its fewest steps (minutes; off by
                                         default so CI stays quick)

Failures Hypothesis finds are kept in tests/properties/examples (commit them), so a found case is
played first on every later run until it passes.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.database import DirectoryBasedExampleDatabase
from sqlalchemy import text

from bot.store.migrate import upgrade
from tests.conftest import ON_POSTGRES, RESET_POSTGRES
from tests.dialogue import FakeClock
from tests.properties.scenario import Scenario, scenarios
from tests.properties.world import make_core, play

EXAMPLES = int(os.environ.get("COMMONGROUND_PROPERTY_EXAMPLES", "20"))
STEPS = int(os.environ.get("COMMONGROUND_PROPERTY_STEPS", "40"))
SHRINK = os.environ.get("COMMONGROUND_PROPERTY_SHRINK", "") not in ("", "0")
RANDOM = os.environ.get("COMMONGROUND_PROPERTY_RANDOM", "") not in ("", "0")
EXAMPLE_DB = DirectoryBasedExampleDatabase(str(Path(__file__).parent / "examples"))


@pytest.fixture(scope="module")
def fresh_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> object:
    """A function making an empty, migrated database for each example, and its URL.

    SQLite: one migrated file, copied per example. PostgreSQL: the session's database, emptied
    per example as tests/conftest.py empties it per test."""
    folder = tmp_path_factory.mktemp("properties")
    if ON_POSTGRES:
        url = str(request.getfixturevalue("postgres_url"))

        def on_postgres() -> str:
            return url

        return on_postgres
    template = folder / "template.db"
    asyncio.run(upgrade(f"sqlite+aiosqlite:///{template}"))
    made = iter(range(10**9))

    def on_sqlite() -> str:
        copy = folder / f"example-{next(made)}.db"
        shutil.copyfile(template, copy)
        return f"sqlite+aiosqlite:///{copy}"

    return on_sqlite


async def _run(url: str, folder: Path, scenario: Scenario) -> None:
    clock = FakeClock()
    core = make_core(url, folder, clock)
    try:
        if ON_POSTGRES:
            async with core.db.write() as conn:
                await conn.execute(text(RESET_POSTGRES))
        await play(core, clock, scenario)
    finally:
        await core.db.dispose()


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=EXAMPLE_DB,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
    phases=list(Phase) if SHRINK else [p for p in Phase if p is not Phase.shrink],
)
@given(scenario=scenarios(max_steps=STEPS))
@seed(None if RANDOM else 20260303)
def test_every_promise_holds_after_every_step(
    fresh_database: object, tmp_path_factory: pytest.TempPathFactory, scenario: Scenario
) -> None:
    url = fresh_database()  # type: ignore[operator]
    asyncio.run(_run(url, tmp_path_factory.getbasetemp(), scenario))
