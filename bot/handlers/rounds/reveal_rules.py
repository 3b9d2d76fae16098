"""When a round may be revealed, and in what order the answers are shown.

Pure functions over answers, so the rules can be read and tested on their own.

The reciprocity lock exists because people with lived experience keep opening up while
professionals rarely do. When a group turns it on, nobody's words are shown until at least one
professional and at least one person with lived experience have shared. Someone who is "both"
counts for either side, but one person can never satisfy both sides alone: revealing a single
person's words is exactly the one-sided exposure the lock is there to prevent.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

PROFESSIONAL_SIDE = frozenset({"professional", "both"})
LIVED_SIDE = frozenset({"lived-experience", "both"})

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Sharer:
    """Who shared, reduced to what the rules need: a member id and their role when sharing."""

    member_id: int
    role: str | None


def lock_met(sharers: Sequence[Sharer]) -> bool:
    """Whether a professional and a lived-experience member (two people) have both shared."""
    pros = {s.member_id for s in sharers if s.role in PROFESSIONAL_SIDE}
    lived = {s.member_id for s in sharers if s.role in LIVED_SIDE}
    return any(p != q for p in pros for q in lived)


def waiting_for(sharers: Sequence[Sharer]) -> str:
    """What an unmet lock is waiting for, in plain words and without naming anyone ("" if met)."""
    if lock_met(sharers):
        return ""
    pros = {s.member_id for s in sharers if s.role in PROFESSIONAL_SIDE}
    lived = {s.member_id for s in sharers if s.role in LIVED_SIDE}
    if not pros and not lived:
        return "waiting for a professional and someone with lived experience to share"
    if not pros:
        return "waiting for a professional to share"
    if not lived:
        return "waiting for someone with lived experience to share"
    # One person who is both has shared: one more from either side is needed.
    return "waiting for one more person, a professional or someone with lived experience, to share"


def role_class(role: str | None) -> str:
    """The strand an answer is interleaved in: the role, with "not said" answers together."""
    if role in ("lived-experience", "professional", "both"):
        return role
    return "other"


def interleave(items: Sequence[T], role_of: dict[int, str], rng: random.Random) -> list[T]:
    """Order answers so that no two neighbours share a role where that is possible.

    `role_of` maps the index of each item to its role class. Answers are shuffled within each
    role, then dealt out always from the role with the most left that differs from the last one
    dealt (ties broken at random), which avoids neighbours of one role whenever any order can.
    """
    strands: dict[str, list[T]] = {}
    for index, item in enumerate(items):
        strands.setdefault(role_of[index], []).append(item)
    for strand in strands.values():
        rng.shuffle(strand)
    ordered: list[T] = []
    last: str | None = None
    while any(strands.values()):
        candidates = [name for name, left in strands.items() if left and name != last]
        if not candidates:
            candidates = [name for name, left in strands.items() if left]
        most = max(len(strands[name]) for name in candidates)
        best = sorted(name for name in candidates if len(strands[name]) == most)
        chosen = rng.choice(best)
        ordered.append(strands[chosen].pop())
        last = chosen
    return ordered
