"""The reciprocity ledger: who shared, by role, across a meeting's rounds and across meetings.

Pure functions over rows the store has read, so the counting rules can be read and tested alone.

Across one meeting each person counts once: they *shared* if they shared in any round, else they
*passed* if they passed in any, else they were *quiet* (no answer at all). Passing is an answer and
is never folded into "quiet". A person counts under the role they gave when they last answered, or
their role now if they did not answer. Members who joined after a round closed are not counted for
it.

Someone who shared only after a round's answers were shown (having seen everyone else's) counts
as having shared, and is also counted apart, by role, as having shared after the reveal: like the
share counts, that was seen by the room (a late share is posted with its author's name).

A round still holding its answers (neither revealed nor closed) is not counted yet: until then
anyone may withdraw their share (`share withdraw`), and a ledger read before and after would
tell that someone of a role took theirs back. It is counted once revealed or closed, when its
answers can no longer change.

Small crowds are never shown: the crowd rule (`bot.handlers.privacy.crowd_rule.role_lines`) says
which line each role group is shown on. A role group with at least `k` people has its own line;
smaller ones are merged into one "Other roles" line when together they have `k`, and otherwise
left out, with no total across everyone (which would give the left-out ones away by subtraction).
Every line shown has at least `k` people, so its shares, passes and silence are shown together.
The summary, the home page and the export all use this one ledger.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.handlers.privacy.crowd_rule import role_lines, shown
from bot.store.meeting_records import MemberRole, RoundAnswerRow, RoundInfo

SHARE, PASS = "share", "pass"
OTHER = "other"
LIVED, PROFESSIONAL = "lived-experience", "professional"

ROLE_LABELS: dict[str, str] = {
    LIVED: "Lived experience",
    PROFESSIONAL: "Professionals",
    "both": "Both lived experience and professional",
    "not-said": "Role not said",
    OTHER: "Other roles",
}
"""Ledger lines, in the order shown. "prefer-not-to-say" and no role share the last line."""


def role_group(role: str | None) -> str:
    return role if role in (LIVED, PROFESSIONAL, "both") else "not-said"


@dataclass(frozen=True, slots=True)
class RoleTally:
    """One role's people across a meeting's rounds; each person counted once."""

    label: str
    people: int
    shared: int
    passed: int
    quiet: int
    after_reveal: int = 0
    """Of those who shared, how many shared only after a reveal, having seen the others' words:
    counted apart because going first is the harder thing the lock asks for."""


@dataclass(frozen=True, slots=True)
class Ledger:
    """The ledger for a meeting: only lines of at least `k` people. `left_out` says some role
    groups were too small to show, even together."""

    roles: tuple[RoleTally, ...]
    left_out: bool


def _eligible(
    info: RoundInfo, members: Sequence[MemberRole], answered: set[int], now: datetime
) -> set[int]:
    """Who could have answered a round: whoever did, and members who had joined before it closed."""
    cutoff = info.closed_at or now
    return answered | {m.id for m in members if m.joined_at <= cutoff}


def meeting_ledger(
    round_infos: Sequence[RoundInfo],
    answers: Sequence[RoundAnswerRow],
    members: Sequence[MemberRole],
    *,
    k: int,
    now: datetime,
) -> Ledger | None:
    """Each person's best answer across the meeting's rounds, by role. None without rounds
    (rounds still holding their answers are not counted yet: see the module note)."""
    round_infos = [info for info in round_infos if not info.held]
    if not round_infos:
        return None
    current_role = {m.id: m.role for m in members}
    by_round: dict[int, list[RoundAnswerRow]] = {}
    for answer in answers:
        by_round.setdefault(answer.round_id, []).append(answer)
    best: dict[int, str] = {}
    shared_first: set[int] = set()
    answered_role: dict[int, str | None] = {}
    for info in sorted(round_infos, key=lambda r: r.id):
        rows = by_round.get(info.id, [])
        for person in _eligible(info, members, {a.member_id for a in rows}, now):
            best.setdefault(person, "quiet")
        for answer in rows:
            answered_role[answer.member_id] = answer.role
            if answer.kind == SHARE:
                best[answer.member_id] = SHARE
                if not answer.after_reveal:
                    shared_first.add(answer.member_id)
            elif answer.kind == PASS and best[answer.member_id] != SHARE:
                best[answer.member_id] = PASS
    counts: dict[str, list[int]] = {}
    late: dict[str, int] = {}
    for person, outcome in best.items():
        role = answered_role[person] if person in answered_role else current_role.get(person)
        tally = counts.setdefault(role_group(role), [0, 0, 0])
        tally[(SHARE, PASS, "quiet").index(outcome)] += 1
        if outcome == SHARE and person not in shared_first:
            late[role_group(role)] = late.get(role_group(role), 0) + 1
    lines = role_lines({key: sum(tally) for key, tally in counts.items()}, k, OTHER)
    merged: dict[str, list[int]] = {}
    for key, tally in counts.items():
        if key in lines:
            line = merged.setdefault(lines[key], [0, 0, 0, 0])
            for i, n in enumerate((*tally, late.get(key, 0))):
                line[i] += n
    roles = tuple(
        RoleTally(
            label,
            people=sum(merged[key][:3]),
            shared=merged[key][0],
            passed=merged[key][1],
            quiet=merged[key][2],
            after_reveal=merged[key][3],
        )
        for key, label in ROLE_LABELS.items()
        if key in merged and shown(sum(merged[key]), k)
    )
    return Ledger(roles=roles, left_out=len(lines) < len(counts))


@dataclass(frozen=True, slots=True)
class SideRate:
    """How often one side shared over some rounds: shares out of chances (one per person-round)."""

    shares: int
    chances: int
    people: int

    @property
    def rate(self) -> float:
        return self.shares / self.chances if self.chances else 0.0


def share_rates(
    round_infos: Sequence[RoundInfo],
    answers: Sequence[RoundAnswerRow],
    members: Sequence[MemberRole],
    *,
    now: datetime,
) -> dict[str, SideRate]:
    """Share rates of lived-experience members and professionals over the given rounds.

    Every person who could have answered a round is one chance for their side; a share uses it,
    a pass or silence does not. "Both" and unsaid roles are left out of this comparison.
    """
    current_role = {m.id: m.role for m in members}
    by_round: dict[int, list[RoundAnswerRow]] = {}
    for row in answers:
        by_round.setdefault(row.round_id, []).append(row)
    tallies = {LIVED: [0, 0], PROFESSIONAL: [0, 0]}
    people: dict[str, set[int]] = {LIVED: set(), PROFESSIONAL: set()}
    for info in round_infos:
        if info.held:
            continue  # its answers may still be withdrawn: counted once revealed or closed
        rows = {a.member_id: a for a in by_round.get(info.id, [])}
        for person in _eligible(info, members, set(rows), now):
            answer = rows.get(person)
            role = answer.role if answer is not None else current_role.get(person)
            if role is None or role not in tallies:
                continue
            tallies[role][1] += 1
            people[role].add(person)
            if answer is not None and answer.kind == SHARE:
                tallies[role][0] += 1
    return {side: SideRate(s, c, len(people[side])) for side, (s, c) in tallies.items()}
