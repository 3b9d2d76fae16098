"""The benchmarks (`python -m bench`) run, with tiny sizes: this proves their code works and says
nothing about speed (no figure is asserted; timing belongs to the benchmarks themselves)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from bench import ack, fanout, ingest, scale, summary
from bench.common import Row, Scale, cleanup
from bench.report import machine, markdown, plain


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
    text = markdown(rows, machine(), Scale.tiny(), 1.0, "")
    assert "| What |" in text and "CPU" in text
    assert rows[0].what in plain(rows)
