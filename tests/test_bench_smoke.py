"""The benchmarks (`python -m bench`) run, with tiny sizes: this proves their code works and says
nothing about speed (no figure is asserted; timing belongs to the benchmarks themselves)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from bench import ack, cold_start, fanout, ingest, mixed, pages, scale, summary
from bench.common import Row, Scale, cleanup, judged, ms
from bench.repeats import combine
from bench.report import Round, machine, markdown, plain


async def _ingest_sqlite(sizes: Scale) -> list[Row]:
    return await ingest.run(sizes, postgres=False)


@pytest.mark.parametrize(
    ("name", "bench"),
    [
        ("ack", ack.run),
        ("fanout", fanout.run),
        ("summary", summary.run),
        ("scale", scale.run),
        ("ingest", _ingest_sqlite),
        ("mixed", mixed.run),
        ("cold start", cold_start.run),
        ("pages", pages.run),
    ],
)
async def test_each_benchmark_runs_and_fills_its_rows(
    name: str, bench: Callable[[Scale], Awaitable[list[Row]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("DATABASE_URL", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_API_URL"):
        monkeypatch.delenv(variable, raising=False)
    try:
        rows = await bench(Scale.tiny())
    finally:
        cleanup()
    assert rows
    assert all(
        row.figure and row.figure != "not measured" for row in rows if row.what != "PostgreSQL"
    )
    assert {row.verdict for row in rows} <= {"PASS", "MISS", "", "not measured"}
    # Losing or duplicating a message is a fault of the code, not of a busy machine.
    for row in rows:
        if row.what.startswith("lost / duplicated"):
            assert row.figure == "0 / 0"
        if row.what.startswith("lost / doubled"):
            assert row.figure == "0 / 0, 0 / 0, 0"
    text = markdown(rows, machine(), Scale.tiny(), 1.0, "")
    assert "| What |" in text and "CPU" in text
    assert rows[0].what in plain(rows)


def test_runs_are_combined_into_medians_judged_on_the_median() -> None:
    def run(p99: float, lost: str) -> list[Row]:
        return [
            judged("1. Ack", "p99", p99, ms, lambda v: v < 0.1),
            Row("1. Ack", "lost", lost, verdict="PASS" if lost == "0" else "MISS"),
        ]

    [p99, lost] = combine([run(0.05, "0"), run(0.5, "0"), run(0.08, "1")])
    assert (p99.figure, p99.verdict) == ("80.0 ms", "PASS")  # one slow run does not decide
    assert p99.spread == "50.0 ms – 500.0 ms (3 runs)"
    assert lost.verdict == "MISS"  # but losing anything in any run does
    text = markdown([p99, lost], machine(), Scale.tiny(), 1.0, "", [Round(1, 0.5, 1.5, 2.0)])
    assert "load average 0.5 before, 1.5 after" in text
