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
from tests.properties.promises import BrokenPromise, Viewer, recognition_seen
from tests.properties.scenario import TEMPLATES, GroupPlan, Scenario, scenarios
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


def _say(g: int, i: int, template: str, n: int = 1, in_dm: bool = True) -> tuple[object, ...]:
    return ("say", g, i, TEMPLATES.index(template), n, in_dm)


RECORDS_IN_TWO_GROUPS = Scenario(
    groups=(
        GroupPlan(("lived-experience", "professional", "lived-experience"), 2, False, 0, None),
        GroupPlan(("both", "lived-experience", "professional"), 2, False, 0, None),
    ),
    steps=(
        _say(0, 1, "time add 1h {text}"),
        _say(0, 1, "expense add 4.50 {text}", in_dm=False),
        _say(0, 1, "expense add 4.50 {text}"),
        _say(0, 1, "my-time"),
        _say(0, 1, "claim"),
        _say(0, 2, "claims"),
        _say(0, 2, "claims export"),
        _say(0, 2, "claim {n}"),
        _say(0, 2, "my-time"),
        _say(1, 0, "claims"),
        _say(1, 0, "claims export"),
        _say(0, 0, "claims"),
        _say(0, 0, "claims export", in_dm=False),
        _say(0, 1, "decline {n}"),
        _say(0, 1, "donate {n}"),
        _say(0, 0, "claims paid {n}"),
        ("press", 0, 2, 0),
        _say(0, 0, "export"),
        _say(0, 1, "my-data"),
        _say(0, 1, "forget-me"),
        ("press", 0, 1, 0),
        ("wait", 1440),
    ),
)


def test_a_record_reaches_only_its_owner_and_the_groups_facilitators(
    fresh_database: object, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The recognition promise, played on purpose: a member's time, expenses and claim asked
    for by another member and by the other group's facilitator, then changed, paid, exported
    and forgotten. Any leak raises `RecognitionRecordSeenByOthers`."""
    url = fresh_database()  # type: ignore[operator]
    asyncio.run(_run(url, tmp_path_factory.getbasetemp(), RECORDS_IN_TWO_GROUPS))


def test_the_recognition_check_catches_a_leak() -> None:
    """The check itself can fail: one person's note or claim line shown to another member, to
    another group's facilitator or in the channel."""
    notes = {"budget agenda w1x": (0, 1)}
    owners = {"Zq001": (0, 1), "Zq002": (0, 2)}
    fine = [
        (Viewer((0, 1)), set[int]()),  # the owner
        (Viewer((0, 0)), {0}),  # the group's facilitator
    ]
    for viewer, facilitates in fine:
        recognition_seen(viewer, "1. 1 hour: budget agenda w1x", notes, facilitates, owners)
        recognition_seen(viewer, "1. Zq001 claims: 1 meeting", notes, facilitates, owners)
    leaks = [
        (Viewer((0, 2)), set[int]()),  # another member
        (Viewer((1, 0)), {1}),  # the other group's facilitator
        (Viewer(None), set[int]()),  # the channel
    ]
    for viewer, facilitates in leaks:
        for shown in ("1. 1 hour: budget agenda w1x", "1. Zq001 claims: 1 meeting"):
            with pytest.raises(BrokenPromise):
                recognition_seen(viewer, shown, notes, facilitates, owners)


NUMBERS_IN_PLAIN_TEXT = Scenario(
    groups=(
        GroupPlan(("lived-experience", "professional", "lived-experience"), 2, False, 0, None),
    ),
    steps=(
        _say(0, 1, "plain-text on"),
        _say(0, 2, "plain-text on"),
        _say(0, 0, "meeting start", in_dm=False),
        _say(0, 0, "checkin", in_dm=False),
        _say(0, 1, "{n}", n=3),
        _say(0, 2, "{n}", n=4),
        _say(0, 0, "meeting end", in_dm=False),
        ("wait", 120),
        _say(0, 1, "{n}", n=4),
        _say(0, 2, "{n}", n=2),
        _say(0, 1, "{n}", n=3),
        _say(0, 2, "{n}", n=1, in_dm=False),
        ("wait", 1440),
        _say(0, 1, "{n}", n=1),
    ),
)


def test_a_number_answering_an_anonymous_question_leaves_no_trace(
    fresh_database: object, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Plain-text readers answer the check-in and then "did you feel heard?" by typing a number
    alone: the world checks the anonymous answers as it checks any anonymous command (nothing
    written or changed that names the person), with every other promise after each step."""
    url = fresh_database()  # type: ignore[operator]
    asyncio.run(_run(url, tmp_path_factory.getbasetemp(), NUMBERS_IN_PLAIN_TEXT))
