"""Several runs of the same benchmarks made into one table: each judged figure becomes its median,
with the smallest and largest beside it, and the bar is judged on the median. On a shared machine
one run can land on a busy moment; the median says what the code does, the spread how noisy the
machine was. A condition every run must meet (`Row.holds`: nothing lost or doubled) is a miss if
any run failed it."""

from __future__ import annotations

import statistics
from dataclasses import replace

from bench.common import Row, verdict


def combine(runs: list[list[Row]]) -> list[Row]:
    """One row per (section, what), in the order first seen, from every run's rows."""
    order: list[tuple[str, str]] = []
    found: dict[tuple[str, str], list[Row]] = {}
    for rows in runs:
        for row in rows:
            key = (row.section, row.what)
            if key not in found:
                order.append(key)
                found[key] = []
            found[key].append(row)
    return [_one(found[key]) for key in order]


def _one(rows: list[Row]) -> Row:
    measured = [row for row in rows if row.value is not None]
    if not measured:  # no judged number: the last run's row, a miss if any run missed
        last = rows[-1]
        misses = [row for row in rows if row.verdict == "MISS"]
        spread = f"{len(rows)} runs" if len(rows) > 1 else ""
        return replace(last, verdict="MISS" if misses else last.verdict, spread=spread)
    values = [float(row.value) for row in measured if row.value is not None]
    middle = statistics.median(values)
    # The run nearest the median gives the baseline and notes, so they belong to one run.
    typical = min(measured, key=lambda row: abs(float(row.value or 0.0) - middle))
    every_run = all(row.holds for row in rows)
    result = typical.verdict
    if typical.judge is not None:
        result = verdict(typical.judge(middle) and every_run)
    if any(row.verdict == "not measured" for row in rows):
        result = "MISS" if result == "PASS" else result
    show = typical.show
    spread = f"{show(min(values))} – {show(max(values))} ({len(values)} runs)"
    return replace(typical, figure=show(middle), verdict=result, spread=spread, value=middle)
