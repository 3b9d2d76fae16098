"""`python -m bench [--quick] [--runs N] [--only N ...] [--no-write]`: run the benchmarks of
issues 6, 16 and 17 several times, print the table and write it to docs/benchmarks.md with the
machine it ran on and how busy it was.

Every figure is printed beside a baseline measured in the same run, since ratios hold across
machines while absolute times on a shared machine do not. Each benchmark runs `--runs` times (one
round of all of them after another, so a busy spell does not fall on one benchmark's every run),
and each bar is judged on the median of the runs (`bench.repeats`).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from bench import ack, cold_start, fanout, ingest, mixed, pages, scale, summary
from bench.common import ROOT, Row, Scale, cleanup
from bench.repeats import combine
from bench.report import Round, load_now, machine, markdown, plain

BENCHMARKS: dict[int, tuple[str, Callable[[Scale], Awaitable[list[Row]]]]] = {
    1: ("acknowledgement under load", ack.run),
    2: ("fan-out at the platform's limit", fanout.run),
    3: ("summary cost against history", summary.run),
    4: ("scheduler at scale", scale.run),
    5: ("ingest", ingest.run),
    6: ("mixed load: fan-out, summaries and people answering at once", mixed.run),
    7: ("cold start", cold_start.run),
    8: ("the group's pages against three years of history", pages.run),
}


async def run_all(sizes: Scale, chosen: list[int], runs: int) -> tuple[list[Row], list[Round]]:
    """Every chosen benchmark, `runs` rounds; the combined rows and each round's load."""
    results: list[list[Row]] = []
    rounds: list[Round] = []
    for number in range(1, runs + 1):
        before, start = load_now(), time.perf_counter()
        print(f"== run {number} of {runs} (load average {before:.1f}) ==", flush=True)
        results.append(await run_round(sizes, chosen))
        rounds.append(Round(number, before, load_now(), time.perf_counter() - start))
    return combine(results), rounds


async def run_round(sizes: Scale, chosen: list[int]) -> list[Row]:
    rows: list[Row] = []
    for number in chosen:
        name, bench = BENCHMARKS[number]
        print(f"[{number}] {name} …", flush=True)
        start = time.perf_counter()
        try:
            found = await bench(sizes)
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            logging.getLogger("bench").exception("benchmark %d failed", number)
            found = [
                Row(
                    f"{number}. {name}",
                    "(failed)",
                    "not measured",
                    "",
                    "",
                    "not measured",
                    f"{type(exc).__name__}: {exc}"[:200],
                )
            ]
        rows.extend(found)
        print(plain(found), f"   ({time.perf_counter() - start:.0f} s)", sep="\n", flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Run the benchmarks of issues 6, 16 and 17 and write docs/benchmarks.md.",
    )
    parser.add_argument("--quick", action="store_true", help="small sizes (a minute or two)")
    parser.add_argument(
        "--runs", type=int, default=None, help="runs of each benchmark (3; 1 with --quick)"
    )
    parser.add_argument(
        "--only",
        type=int,
        action="append",
        choices=sorted(BENCHMARKS),
        help="run only this benchmark (repeatable)",
    )
    parser.add_argument("--no-write", action="store_true", help="do not write docs/benchmarks.md")
    parser.add_argument(
        "--output", default="docs/benchmarks.md", help="where to write the table (from the root)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases and server logs")
    parser.add_argument("--note", default="", help="a line to add under the machine description")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    sizes = Scale.small() if args.quick else Scale.full()
    chosen = args.only or sorted(BENCHMARKS)
    started = time.perf_counter()
    try:
        runs = args.runs or (1 if args.quick else 3)
        rows, rounds = asyncio.run(run_all(sizes, chosen, max(1, runs)))
    finally:
        if not args.keep:
            cleanup()
    took = time.perf_counter() - started
    print("\n" + plain(rows))
    misses = [r for r in rows if r.verdict == "MISS"]
    print(f"\n{len(misses)} bar(s) missed; {took:.0f} s in all.")
    if not args.no_write:
        path = ROOT / args.output
        path.parent.mkdir(exist_ok=True)
        path.write_text(markdown(rows, machine(), sizes, took, args.note, rounds))
        print(f"Written to {path}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
