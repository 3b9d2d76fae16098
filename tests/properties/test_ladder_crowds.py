"""The ladder answers under the crowd rule, for any order of answers from any mix of roles.

Answers arrive one by one (lived experience, professionals, or neither side), each counted the
way the ladder question counts them (`bot.handlers.ladder.commands`: whole crowds of `k` within
the answer's side, waiting answers chosen by random id as `bot.store.ladder.waiting` orders them)
and read after every arrival the way the summary and the export read them
(`bot.handlers.ladder.results.result`). Whatever the order:

- while the question is open nothing is shown, so no reading can be compared with a later one
  to find one more answer; once it has closed every reading is the same;
- the number of answers is a whole crowd of `k`, and every rung figure (a rung of its own or the
  folded "other rungs") is at least `k` and a whole crowd of `k`: no rung chosen by fewer than
  `k` people is ever shown, and what is left out of the total is itself nothing or at least `k`;
- the by-role figures show only when each side has at least `k` answers.
"""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.handlers.ladder.results import LadderResult, result
from bot.handlers.privacy.crowd_rule import first_crowd
from bot.store.ladder import Counted
from tests.property_budget import examples

SIDES = ("lived-experience", "professional", None)
answers = st.lists(st.tuples(st.sampled_from(SIDES), st.integers(1, 7)), max_size=40)


def _counted_after_each(
    arrivals: list[tuple[str | None, int]], k: int, seed: int
) -> list[list[Counted]]:
    """The counted answers after each arrival, as the store keeps them."""
    rng = random.Random(seed)
    rows: dict[int, tuple[Counted, bool]] = {}
    found = []
    for side, rung in arrivals:
        row_id = rng.choice([n for n in range(1, 10_000) if n not in rows])
        rows[row_id] = (Counted(rung, side), False)
        waiting = sorted(i for i, (a, done) in rows.items() if a.side == side and not done)
        for i in first_crowd(waiting, k):
            rows[i] = (rows[i][0], True)
        found.append([a for _, (a, done) in sorted(rows.items()) if done])
    return found


def _keeps_the_rule(shown: LadderResult, k: int) -> None:
    assert shown.answers >= k and shown.answers % k == 0
    assert all(n >= k and n % k == 0 for n in shown.lines.values())
    left_out = shown.answers - sum(shown.lines.values())
    assert left_out == 0 or (left_out >= k and left_out % k == 0)
    if shown.by_side is not None:
        assert all(s.answers >= k and s.answers % k == 0 for s in shown.by_side.values())


@settings(max_examples=examples(300), deadline=None)
@given(arrivals=answers, k=st.integers(1, 5), seed=st.integers(0, 2**16))
def test_no_rung_below_k_and_nothing_to_difference(
    arrivals: list[tuple[str | None, int]], k: int, seed: int
) -> None:
    after_each = _counted_after_each(arrivals, k, seed)
    for counted in after_each:
        assert result(counted, k, closed=False) is None  # open: no reading at all
    final = after_each[-1] if after_each else []
    readings = [result(final, k, closed=True) for _ in range(2)]
    assert readings[0] == readings[1]  # one reading per meeting, however often read
    if readings[0] is not None:
        _keeps_the_rule(readings[0], k)


def test_a_lone_rung_beside_a_crowd_is_never_its_own_line() -> None:
    """An example that must hold: raw counts would show "Coercion 1" beside "Co-design 3"."""
    counted = [Counted(6, "lived-experience")] * 3 + [
        Counted(1, "professional"),
        Counted(6, "professional"),
        Counted(6, "professional"),
    ]
    shown = result(counted, 3, closed=True)
    assert shown is not None and shown.lines == {"Co-design": 3}  # 5 chose it: one crowd
    assert "Coercion" not in shown.lines and shown.answers == 6


def test_two_professionals_beside_many_lived_experience_members_are_never_a_line() -> None:
    arrivals = [("lived-experience", 6)] * 6 + [("professional", 2)] * 2
    last = _counted_after_each(arrivals, 3, 1)[-1]
    shown = result(last, 3, closed=True)
    assert shown is not None and shown.by_side is None and shown.lines == {"Co-design": 6}
