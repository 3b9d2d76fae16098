"""The trend figures under the crowd rule, for any history of meetings and any `k`.

Meetings arrive with any number of check-ins, moods, round answers by role and "felt heard"
scores, and the figures are built as the trends page builds them (`bot.pages.trends`). Whatever
the history:

- every count shown is a whole crowd of `k` (nothing below `k`, per role and per mood too), and an
  average or a middle answer shows only when it rests on `k` or more;
- two readings over any two ranges of meetings (adjacent, overlapping, one inside the other), and
  a reading before and after more answers come in, differ on any figure by nothing or by a whole
  crowd of `k`: no differencing singles anyone out;
- the running balance only moves by steps that were themselves shown.

Bounded example counts in CI; `COMMONGROUND_PROPERTY_EXAMPLES` asks for more.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.handlers.rounds.reciprocity_ledger import meeting_ledger
from bot.pages.trends.attendance import MeetingCheckins, attendance_figure, moods_figure
from bot.pages.trends.figure import Figure, Withheld, by_month, total
from bot.pages.trends.heard import MeetingFeelings, heard_figure
from bot.pages.trends.sharing import MeetingLedger, balance_figure, sharing_figure
from bot.store.meeting_records import MemberRole, RoundAnswerRow, RoundInfo

EXAMPLES = int(os.environ.get("COMMONGROUND_PROPERTY_EXAMPLES", "60"))
AT = datetime(2025, 1, 7, 10, 0, tzinfo=UTC)
ROLES = ("lived-experience", "professional", "both", None)

meeting = st.fixed_dictionaries(
    {
        "moods": st.lists(st.integers(1, 5), max_size=14),
        "passes": st.integers(0, 3),
        "answers": st.lists(
            st.tuples(st.sampled_from(ROLES), st.sampled_from(("share", "pass")), st.booleans()),
            max_size=14,
        ),
        "heard": st.lists(st.integers(1, 5), max_size=10),
    }
)
history = st.lists(meeting, min_size=1, max_size=8)
ks = st.integers(2, 5)


def _figures(meetings: list[dict[str, object]], k: int) -> list[Figure]:
    checkins, ledgers, feelings = [], [], []
    for w, m in enumerate(meetings):
        label = f"meeting {w}"
        moods = tuple(m["moods"])  # type: ignore[arg-type]
        checkins.append(MeetingCheckins(label, len(moods) + int(m["passes"]), moods))  # type: ignore[call-overload]
        answers = list(m["answers"])  # type: ignore[call-overload]
        people = [
            MemberRole(i + 1, role, AT - timedelta(days=1))
            for i, (role, _, _) in enumerate(answers)
        ]
        rows = [
            RoundAnswerRow(w + 1, i + 1, role, kind, late and kind == "share")
            for i, (role, kind, late) in enumerate(answers)
        ]
        info = RoundInfo(w + 1, w + 1, AT, AT + timedelta(hours=1))
        ledgers.append(MeetingLedger(label, meeting_ledger([info], rows, people, k=k, now=AT)))
        feelings.append(MeetingFeelings(label, tuple(m["heard"]), None))  # type: ignore[call-overload]
    return [
        attendance_figure(checkins, k),
        moods_figure(checkins, k),
        sharing_figure(ledgers, k),
        balance_figure(ledgers, k),
        heard_figure(feelings, k),
    ]


def _whole_crowd(cell: object, k: int) -> bool:
    return isinstance(cell, Withheld) or (isinstance(cell, int) and cell >= k and cell % k == 0)


def _apart_by_crowds(a: object, b: object, k: int) -> bool:
    x = 0 if isinstance(a, Withheld) else a
    y = 0 if isinstance(b, Withheld) else b
    assert isinstance(x, int) and isinstance(y, int)
    return (x - y) % k == 0


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history, ks)
def test_every_count_is_a_whole_crowd_and_every_average_rests_on_k(
    meetings: list[dict[str, object]], k: int
) -> None:
    for figure in _figures(meetings, k):
        for row in figure.rows:
            if figure.counts:
                assert all(_whole_crowd(cell, k) for cell in row.cells), (figure.key, row)
        if figure.key == "heard":
            for row, m in zip(figure.rows, meetings, strict=True):
                average, answers = row.cells
                assert isinstance(average, Withheld) == (len(m["heard"]) < k)  # type: ignore[arg-type]
                assert _whole_crowd(answers, k)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history, ks, st.data())
def test_two_ranges_of_meetings_never_differ_by_less_than_a_crowd(
    meetings: list[dict[str, object]], k: int, data: st.DataObject
) -> None:
    n = len(meetings)
    a, b = sorted(data.draw(st.tuples(st.integers(0, n), st.integers(0, n))))
    c, d = sorted(data.draw(st.tuples(st.integers(0, n), st.integers(0, n))))
    first, second = _figures(meetings[a:b], k), _figures(meetings[c:d], k)
    for one, other in zip(first, second, strict=True):
        if not one.counts or one.key == "balance":
            continue
        common = [s for s in one.series if s in other.series]
        for name in common:
            x = total(one.column(one.series.index(name)))
            y = total(other.column(other.series.index(name)))
            assert _apart_by_crowds(x, y, k), (one.key, name, x, y)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history, ks)
def test_the_running_balance_moves_only_by_shown_steps(
    meetings: list[dict[str, object]], k: int
) -> None:
    balance = _figures(meetings, k)[3]
    for index in range(len(balance.series)):
        column = [0 if isinstance(c, Withheld) else c for c in balance.column(index)]
        steps = [after - before for before, after in zip([0, *column], column, strict=False)]
        assert all(isinstance(s, int) and s >= 0 and s % k == 0 for s in steps)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history, ks, st.integers(1, 5), st.sampled_from(ROLES), st.sampled_from(("share", "pass")))
def test_one_more_answer_moves_a_figure_by_nothing_or_a_whole_crowd(
    meetings: list[dict[str, object]], k: int, mood: int, role: str | None, kind: str
) -> None:
    later = [dict(m) for m in meetings]
    last = later[-1]
    last["moods"] = [*last["moods"], mood]  # type: ignore[misc]
    last["answers"] = [*last["answers"], (role, kind, False)]  # type: ignore[misc]
    last["heard"] = [*last["heard"], mood]  # type: ignore[misc]
    for before, after in zip(_figures(meetings, k), _figures(later, k), strict=True):
        if not before.counts:
            continue
        for name in set(before.series) & set(after.series):
            i, j = before.series.index(name), after.series.index(name)
            for x, y in zip(before.column(i), after.column(j), strict=True):
                assert _apart_by_crowds(x, y, k), (before.key, name, x, y)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(meeting, min_size=54, max_size=70), ks)
def test_a_long_period_by_month_still_shows_only_whole_crowds(
    meetings: list[dict[str, object]], k: int
) -> None:
    figures = _figures(meetings, k)
    for figure in figures:
        # Four weekly meetings a month, from January 2025.
        rows = tuple(
            replace(row, month=date(2025 + i // 48, i // 4 % 12 + 1, 1))
            for i, row in enumerate(figure.rows)
        )
        monthly = by_month(replace(figure, rows=rows))
        assert monthly.bucket == "Month" and len(monthly.rows) == -(-len(rows) // 4)
        for row in monthly.rows:
            for index, cell in enumerate(row.cells):
                if figure.counts or index in figure.summed:
                    assert _whole_crowd(cell, k), (figure.key, row)
                if figure.key == "heard" and index == 0:
                    assert isinstance(cell, Withheld) == isinstance(row.cells[1], Withheld)
