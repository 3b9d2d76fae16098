"""The ladder answers under the crowd rule, for any order of answers from any mix of roles.

Answers arrive one by one (lived experience, professionals, or neither side), each counted the
way the ladder question counts them (`bot.handlers.ladder.commands`: whole crowds of `k` within
the answer's side, waiting answers chosen by random id as `bot.store.ladder.waiting` orders them)
and read after every arrival the way the summary and the export read them
(`bot.handlers.ladder.results.result`). Whatever the order:

- nothing is shown below `k`, and the by-role figures only when each side has at least `k`;
- no two readings, overall or of one side, differ by fewer than `k` answers (no differencing);
- what the overall figure holds beyond the two sides shown is itself nothing or at least `k`.
"""

from __future__ import annotations

import random
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.handlers.ladder.results import LadderResult, result
from bot.handlers.privacy.crowd_rule import first_crowd
from bot.store.ladder import Counted

SIDES = ("lived-experience", "professional", None)
answers = st.lists(st.tuples(st.sampled_from(SIDES), st.integers(1, 7)), max_size=40)


def _apart(a: Counter[int], b: Counter[int]) -> int:
    return sum(((a - b) + (b - a)).values())


def _readings(arrivals: list[tuple[str | None, int]], k: int, seed: int) -> list[LadderResult]:
    rng = random.Random(seed)
    rows: dict[int, tuple[Counted, bool]] = {}
    found = []
    for side, rung in arrivals:
        row_id = rng.choice([n for n in range(1, 10_000) if n not in rows])
        rows[row_id] = (Counted(rung, side), False)
        waiting = sorted(i for i, (a, done) in rows.items() if a.side == side and not done)
        for i in first_crowd(waiting, k):
            rows[i] = (rows[i][0], True)
        counted = [a for _, (a, done) in sorted(rows.items()) if done]
        shown = result(counted, k)
        if shown is not None:
            found.append(shown)
    return found


@settings(max_examples=300, deadline=None)
@given(arrivals=answers, k=st.integers(1, 5), seed=st.integers(0, 2**16))
def test_ladder_readings_keep_the_crowd_rule_overall_and_by_role(
    arrivals: list[tuple[str | None, int]], k: int, seed: int
) -> None:
    readings = _readings(arrivals, k, seed)
    for n, shown in enumerate(readings):
        assert len(shown.rungs) >= k
        if shown.by_side is not None:
            assert all(len(rungs) >= k for rungs in shown.by_side.values())
            rest = Counter(shown.rungs) - sum(
                (Counter(r) for r in shown.by_side.values()), Counter()
            )
            assert sum(rest.values()) == 0 or sum(rest.values()) >= k
        for earlier in readings[:n]:
            apart = _apart(Counter(shown.rungs), Counter(earlier.rungs))
            assert apart == 0 or apart >= k
            if shown.by_side is not None and earlier.by_side is not None:
                for side, rungs in shown.by_side.items():
                    apart = _apart(Counter(rungs), Counter(earlier.by_side[side]))
                    assert apart == 0 or apart >= k


def test_two_professionals_beside_many_lived_experience_members_are_never_a_line() -> None:
    """An example that must hold: a small side is neither shown nor merged into a line."""
    arrivals = [("lived-experience", 6)] * 6 + [("professional", 2)] * 2
    last = _readings(arrivals, 3, 1)[-1]
    assert last.by_side is None and sorted(last.rungs) == [6] * 6
