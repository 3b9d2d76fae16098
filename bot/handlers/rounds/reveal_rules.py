"""When a round may be revealed, and in what order the answers are shown.

Pure functions over answers, so the rules can be read and tested on their own.

The reciprocity lock exists because people with lived experience keep opening up while
professionals rarely do. When a group turns it on, nobody's words are shown until at least one
professional and at least one person with lived experience have shared.

The rule, exactly: the lock opens when two different people have shared, one on the professional
side (a professional, or someone who is "both") and one on the lived-experience side (someone
with lived experience, or someone who is "both"), and at least one of the two is *not* "both".

Why "both" counts only beside someone who is not: one person can never satisfy both sides alone
(revealing a single person's words is exactly the one-sided exposure the lock is there to
prevent), and two people who are both "both" are not a professional and a parent carer taking
the same risk either: with nobody who is only a professional sharing, a room could open up with
0 professionals having shared. So "both" fills a side only together with someone who is plainly
on the other one.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Sharer:
    """Who shared, reduced to what the rules need: a member id and their role when sharing."""

    member_id: int
    role: str | None


PROFESSIONAL, LIVED, BOTH = "professional", "lived-experience", "both"


def _opening_pair(sharers: Sequence[Sharer]) -> tuple[str, str] | None:
    """The roles of two people whose shares open the lock (see the module note), or None.

    A professional with someone with lived experience is preferred, then either of them with
    someone who is "both", so the words shown on the round card are the plainest true ones.
    """
    roles: dict[int, str | None] = {s.member_id: s.role for s in sharers}
    pros = {m for m, role in roles.items() if role == PROFESSIONAL}
    lived = {m for m, role in roles.items() if role == LIVED}
    both = {m for m, role in roles.items() if role == BOTH}
    if pros and lived:
        return PROFESSIONAL, LIVED
    if pros and both:
        return PROFESSIONAL, BOTH
    if lived and both:
        return LIVED, BOTH
    return None


def lock_met(sharers: Sequence[Sharer]) -> bool:
    """Whether two different people have shared, one on each side, not both of them "both"."""
    return _opening_pair(sharers) is not None


_ROLE_WORDS = {
    PROFESSIONAL: "a professional",
    LIVED: "someone with lived experience",
    BOTH: "someone who is both",
}


def opened_by(sharers: Sequence[Sharer]) -> str:
    """What opened the lock, by role and never by name ("" if it is not met): for example
    "a professional and someone with lived experience"."""
    pair = _opening_pair(sharers)
    if pair is None:
        return ""
    first, second = pair
    return f"{_ROLE_WORDS[first]} and {_ROLE_WORDS[second]}"


def waiting_for(sharers: Sequence[Sharer]) -> str:
    """What an unmet lock is waiting for, in plain words and without naming anyone ("" if met)."""
    if lock_met(sharers):
        return ""
    pros = {s.member_id for s in sharers if s.role == PROFESSIONAL}
    lived = {s.member_id for s in sharers if s.role == LIVED}
    both = {s.member_id for s in sharers if s.role == BOTH}
    if not pros and not lived and not both:
        return "waiting for a professional and someone with lived experience to share"
    if pros:
        return "waiting for someone with lived experience to share"
    if lived:
        return "waiting for a professional to share"
    # Only people who are both have shared: one more person from either side is needed.
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
