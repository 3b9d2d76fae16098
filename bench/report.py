"""The table: plain text for the terminal, Markdown for docs/benchmarks.md, and the machine."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.common import Row, Scale

COLUMNS = ("What", "Median", "Min – max", "Baseline (run nearest the median)", "Bar", "Result")


def machine() -> dict[str, str]:
    """CPU model and cores from /proc/cpuinfo, memory, Python, the date."""
    model, cores = "unknown", os.cpu_count() or 0
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        lines = cpuinfo.read_text().splitlines()
        names = [line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")]
        model = names[0] if names else model
        cores = len(names) or cores
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        total = meminfo.read_text().splitlines()[0].split()
        memory = f"{int(total[1]) / 1024 / 1024:.1f} GiB"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else ""
    return {
        "CPU": f"{model}, {cores} cores",
        "Memory": memory,
        "Python": platform.python_version(),
        "OS": platform.platform(),
        "Date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "Load average at the end": load,
    }


def _cells(row: Row) -> tuple[str, str, str, str, str, str]:
    return (row.what, row.figure, row.spread, row.baseline, row.bar, row.verdict)


def plain(rows: list[Row]) -> str:
    out: list[str] = []
    section = None
    for row in rows:
        if row.section != section:
            section = row.section
            out.append(section)
        what, figure, spread, baseline, bar, result = _cells(row)
        spread = f" ({spread})" if spread else ""
        out.append(f"  {result:<13} {what:<62} {figure:>16}{spread}  {baseline}  [{bar}]")
        if row.note:
            out.append(f"  {'':<13} {row.note}")
    return "\n".join(out)


def _md(text: str) -> str:
    return text.replace("|", "\\|")


@dataclass
class Round:
    """One pass over the chosen benchmarks, and how busy the machine was around it."""

    number: int
    load_before: float
    load_after: float
    seconds: float


def load_now() -> float:
    """The one-minute load average (0 where the system does not say)."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0


def markdown(
    rows: list[Row],
    about: dict[str, str],
    sizes: Scale,
    took: float,
    note: str,
    rounds: list[Round] | None = None,
) -> str:
    rounds = rounds or []
    lines = [
        "# Benchmarks",
        "",
        "Made by `python3 dev.py bench` (or `.venv/bin/python -m bench`; `--quick` for small "
        "sizes, `--runs N` for the number of runs). Every benchmark runs several times, one "
        "round of all of them after another; each figure is the median of the runs, with the "
        "smallest and largest beside it, and each bar is judged on the median. Bars are ratios "
        "to a baseline measured in the same run wherever there is one (issue 17): ratios carry "
        "across machines and busy days, absolute times on a shared machine do not.",
        "",
        "## Machine",
        "",
        *(f"- {name}: {value}" for name, value in about.items() if value),
        f"- Sizes: {'quick (small)' if sizes.quick else 'full (as in the issue)'}; "
        f"{len(rounds) or 1} run(s) of each benchmark; the whole run took {took:.0f} s",
        *(
            f"- Run {r.number}: one-minute load average {r.load_before:.1f} before, "
            f"{r.load_after:.1f} after ({r.seconds:.0f} s)"
            for r in rounds
        ),
    ]
    if note:
        lines.append(f"- {note}")
    lines += ["", "## Results"]
    section = None
    for row in rows:
        if row.section != section:
            section = row.section
            lines += [
                "",
                f"### {section}",
                "",
                "| " + " | ".join(COLUMNS) + " | Notes |",
                "|" + "---|" * (len(COLUMNS) + 1),
            ]
        lines.append("| " + " | ".join(_md(c) for c in (*_cells(row), row.note)) + " |")
    notes = Path(__file__).with_name("notes.md")
    if notes.exists():
        lines += ["", notes.read_text().strip()]
    return "\n".join(lines) + "\n"
