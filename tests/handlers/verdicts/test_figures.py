""" "Does this feel addressed?" figures: the crowd rule, whatever people answer, change or take
back, and the words that say how the group sees it."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from bot.handlers.verdicts.figures import decode, encode, figures, group_view, released
from bot.store.verdicts import ANSWERS

WITHDRAW = "withdraw"
steps = st.lists(
    st.tuples(st.integers(0, 11), st.sampled_from((*ANSWERS, WITHDRAW))), min_size=1, max_size=60
)


def _apart(one: dict[str, int], other: dict[str, int]) -> list[int]:
    """How far apart two readings are, line by line (lines that differ only)."""
    a, b = Counter(one), Counter(other)
    return [abs(a[line] - b[line]) for line in set(a) | set(b) if a[line] != b[line]]


@given(k=st.integers(2, 6), steps=steps)
def test_no_reading_is_below_k_and_no_two_readings_single_anyone_out(
    k: int, steps: list[tuple[int, str]]
) -> None:
    """Every reading after any sequence of answers, changes and withdrawals: each line at least
    `k` and a whole crowd, and any two readings apart by nothing or by at least `k` on each line
    that moved, so comparing before and after one person's change never shows their answer."""
    answers: dict[int, str] = {}
    readings = [figures([], k)]
    for person, answer in steps:
        if answer == WITHDRAW:
            answers.pop(person, None)
        else:
            answers[person] = answer
        reading = figures(list(answers.values()), k)
        assert all(n >= k and n % k == 0 for n in reading.values())
        for earlier in readings:
            assert all(gap >= k for gap in _apart(reading, earlier))
        readings.append(reading)


def test_raw_counts_would_single_someone_out() -> None:
    """The check above can fail: without the rule, one changed answer shows as a gap of 1."""
    before = dict(Counter(["yes", "yes", "yes", "partly"]))
    after = dict(Counter(["yes", "yes", "partly", "partly"]))
    assert min(_apart(before, after)) == 1 < 3
    assert _apart(figures(["yes"] * 3 + ["partly"], 3), figures(["yes"] * 2 + ["partly"] * 2, 3))


def test_small_answers_are_merged_or_left_out() -> None:
    assert figures(["yes", "partly"], 3) == {}
    assert figures(["yes", "partly", "not-really"], 3) == {"mixed": 3}
    assert figures(["yes"] * 4 + ["partly"] * 2 + ["not-really"], 3) == {"yes": 3, "mixed": 3}
    assert figures(["partly"] * 7, 3) == {"partly": 6}


def test_kept_figures_round_trip_and_pass_the_rule_again_under_a_larger_k() -> None:
    kept = encode({"partly": 6, "yes": 3})
    assert kept == "yes=3;partly=6"
    assert decode(kept) == {"yes": 3, "partly": 6}
    assert decode("yes=x;nope=3;partly=-1;") == {}
    assert released(kept, 4) == {"partly": 4}
    assert released(kept, 7) == {}


def test_the_words() -> None:
    assert group_view("", 3) == "not enough answers yet to show (the counts show from 3)"
    assert group_view("partly=3", 3) == '"partly" (partly 3)'
    assert group_view("yes=3;partly=6", 3) == 'mostly "partly" (partly 6 · yes 3)'
    assert group_view("yes=3;partly=3", 3) == "mixed (yes 3 · partly 3)"
    assert group_view("mixed=3", 3) == "no one answer yet given by 3 or more (mixed answers 3)"
    assert group_view("yes=3;mixed=6", 3) == "mixed (mixed answers 6 · yes 3)"
