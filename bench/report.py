"""The table: plain text for the terminal, Markdown for docs/benchmarks.md, and the machine."""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from pathlib import Path

from bench.common import Row, Scale

COLUMNS = ("What", "Figure", "Baseline (same run)", "Bar", "Result")


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


def _cells(row: Row) -> tuple[str, str, str, str, str]:
    return (row.what, row.figure, row.baseline, row.bar, row.verdict)


def plain(rows: list[Row]) -> str:
    out: list[str] = []
    section = None
    for row in rows:
        if row.section != section:
            section = row.section
            out.append(section)
        what, figure, baseline, bar, result = _cells(row)
        out.append(f"  {result:<13} {what:<62} {figure:>16}  {baseline}  [{bar}]")
        if row.note:
            out.append(f"  {'':<13} {row.note}")
    return "\n".join(out)


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def markdown(rows: list[Row], about: dict[str, str], sizes: Scale, took: float, note: str) -> str:
    lines = [
        "# Benchmarks",
        "",
        "Made by `python3 dev.py bench` (or `.venv/bin/python -m bench`; `--quick` for small "
        "sizes). Each figure is compared with a baseline measured in the same run: ratios carry "
        "across machines, absolute times on a shared machine do not. Bars are those of issue 6.",
        "",
        "## Machine",
        "",
        *(f"- {name}: {value}" for name, value in about.items() if value),
        f"- Sizes: {'quick (small)' if sizes.quick else 'full (as in the issue)'}; "
        f"the run took {took:.0f} s",
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
