"""The crowd rule: the one place that decides how much of an anonymous aggregate may be shown.

An anonymous aggregate (perspectives on a big elephant, "I see it too", reflection scores, moods,
any breakdown by role) is shown only when at least `k` people contributed, and each role group on
its own too. Whatever can be read more than once (the export, the summary, cards, the home page)
changes only in steps of at least `k`, so that two readings never difference out one person.

`crowd(n, k)` is that rule for a count: nothing below `k`, and above it the largest multiple of
`k` not more than `n`. Every figure shown passes through it, directly or through the helpers
below, which only apply it to lists and to role groups:

- `first_crowd` keeps the first `crowd(n, k)` contributions of a list in a fixed order (arrival),
  so an answer, once counted, stays counted and a later one joins only with `k - 1` others;
- `role_lines` says which line of a breakdown each role group is shown on: its own when it has
  `k`, merged with the other small groups when together they have `k`, else left out (a small
  group shown beside a total could be worked out by subtraction, so totals of the shown lines are
  all that is ever given).

Nothing here reads the database: callers pass what they read, and show only what comes back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

T = TypeVar("T")

OTHER_ROLES = "other roles"
"""The line small role groups are merged into."""


def crowd(n: int, k: int) -> int:
    """How many of `n` contributions may be shown: 0 below `k`, else a multiple of `k`.

    Releasing only whole crowds of `k` means any two readings differ by 0 or at least `k`
    contributions, so comparing them never singles anyone out.
    """
    k = max(1, k)
    return 0 if n < k else n - n % k


def shown(n: int, k: int) -> bool:
    """Whether anything of `n` contributions may be shown at all."""
    return crowd(n, k) > 0


def first_crowd(items: Sequence[T], k: int) -> list[T]:
    """The contributions that may be counted, from a list in a fixed (arrival) order."""
    return list(items[: crowd(len(items), k)])


def role_lines(sizes: Mapping[str, int], k: int, other: str = OTHER_ROLES) -> dict[str, str]:
    """For each role group, the line it is shown on; groups left out are missing.

    A group with `k` or more is its own line. Smaller groups are merged into `other` when together
    they reach `k`; otherwise they are left out, because one or two people in a line of their own
    would be pointed at.
    """
    lines = {role: role for role, n in sizes.items() if n > 0 and shown(n, k)}
    small = [role for role, n in sizes.items() if n > 0 and role not in lines]
    if small and shown(sum(sizes[role] for role in small), k):
        lines.update(dict.fromkeys(small, other))
    return lines


def by_role(labels: Sequence[str], k: int, other: str = OTHER_ROLES) -> dict[str, int] | None:
    """A count of contributions by role label, under the crowd rule; None when nothing shows.

    Each shown line is itself passed through `crowd`, so a line grows only in steps of `k`.
    """
    sizes: dict[str, int] = {}
    for label in labels:
        sizes[label] = sizes.get(label, 0) + 1
    merged: dict[str, int] = {}
    for role, line in role_lines(sizes, k, other).items():
        merged[line] = merged.get(line, 0) + sizes[role]
    counted = {line: crowd(n, k) for line, n in merged.items() if shown(n, k)}
    return dict(sorted(counted.items())) or None
