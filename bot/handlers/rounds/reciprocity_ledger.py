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

Small crowds are never shown. Share counts are shown for every role (shares are attributed when a
round is revealed, so "1 of 2 professionals shared" tells nobody anything the room did not see).
Passes and silence are different: in a role with one or two people they would point at someone
who chose not to share. So passes and silence are shown per role only when *every* role shown has
at least `k` people; otherwise they are shown once, added up across everyone, and only when the
whole group in the rounds has at least `k` people. Folding just the small roles into an "others"
line would not protect them: the others line could be worked out by subtraction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.store.meeting_records import MemberRole, RoundAnswerRow, RoundInfo

SHARE, PASS = "share", "pass"
LIVED, PROFESSIONAL = "lived-experience", "professional"

ROLE_LABELS: dict[str, str] = {
    LIVED: "Lived experience",
    PROFESSIONAL: "Professionals",
    "both": "Both lived experience and professional",
    "not-said": "Role not said",
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
    """The ledger for a meeting. `show_detail_by_role` says whether passes and silence may be
    shown per role; otherwise only `passed_total` and `quiet_total` (when `show_totals`)."""

    roles: tuple[RoleTally, ...]
    show_detail_by_role: bool
    show_totals: bool
    passed_total: int
    quiet_total: int


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
    """Each person's best answer across the meeting's rounds, by role. None without rounds."""
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
    roles = tuple(
        RoleTally(
            label,
            sum(counts[key]),
            counts[key][0],
            counts[key][1],
            counts[key][2],
            after_reveal=late.get(key, 0),
        )
        for key, label in ROLE_LABELS.items()
        if key in counts
    )
    everyone = sum(r.people for r in roles)
    return Ledger(
        roles=roles,
        show_detail_by_role=all(r.people >= k for r in roles),
        show_totals=everyone >= k,
        passed_total=sum(r.passed for r in roles),
        quiet_total=sum(r.quiet for r in roles),
    )


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
