"""Adds up a fault-injection run for `docs/reliability.md`:

    COMMONGROUND_FAULT_REPORT=/tmp/faults.jsonl python3 dev.py test tests/faults
    .venv/bin/python -m tests.faults.tally /tmp/faults.jsonl

prints one Markdown row per kind of fault (how many times it was tried, requests sent, and what
was lost, doubled, answered 5xx or let in without a signature), and a total.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

COLUMNS = ("requests", "posts", "lost", "doubled", "errors", "let_in")


def tally(lines: list[str]) -> str:
    rows: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(("tried", *COLUMNS), 0))
    for line in lines:
        if not line.strip():
            continue
        entry = json.loads(line)
        row = rows[entry["fault"]]
        row["tried"] += 1
        for column in COLUMNS:
            row[column] += int(entry.get(column, 0))
    out = [
        "| fault | tried | requests in | posts owed | lost | doubled | 5xx | let in unsigned |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    total = dict.fromkeys(("tried", *COLUMNS), 0)
    for fault, row in rows.items():
        out.append(_line(fault, row))
        for column in total:
            total[column] += row[column]
    out.append(_line("**all**", total))
    return "\n".join(out)


def _line(fault: str, row: dict[str, int]) -> str:
    figures = " | ".join(str(row[column]) for column in ("tried", *COLUMNS))
    return f"| {fault} | {figures} |"


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    print(tally(Path(argv[0]).read_text(encoding="utf-8").splitlines()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
