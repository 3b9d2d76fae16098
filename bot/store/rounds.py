"""Queries about sharing rounds: the round, each member's answer, the ledger, prompt history.

Answers are held: the text of a share is stored (cleaned) but no query here is used to show it
before the round is revealed. State changes that must happen once (reveal, close) are conditional
updates, so a second press, a retry or a second process finds nothing left to do.

The summary and trends read rounds through `round_ledger` and `rounds_of_meeting` only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.dialect import insert_or_ignore
from bot.store.schema import members, prompt_uses, round_answers, rounds

OPEN, REVEALED, CLOSED = "open", "revealed", "closed"
SHARE, PASS = "share", "pass"
# The ledger's key for a member who has not said how they take part.
NOT_SAID = "not-said"


@dataclass(frozen=True, slots=True)
class Round:
    """A sharing round. `open`: answers held; `revealed`: shown, late shares welcome; `closed`."""

    id: int
    group_id: int
    meeting_id: int | None
    prompt: str
    status: str
    opened_at: datetime
    revealed_at: datetime | None
    closed_at: datetime | None

    @classmethod
    def from_row(cls, row: RowMapping) -> Round:
        return cls(**{name: row[name] for name in cls.__slots__})


@dataclass(frozen=True, slots=True)
class Answer:
    """One member's answer. `role` is their role when they answered (None: not said)."""

    round_id: int
    member_id: int
    role: str | None
    kind: str
    text: str | None
    consent_summary: bool
    answered_at: datetime
    after_reveal: bool = False
    """Given once the answers were shown, having seen everyone else's (not going first)."""

    @classmethod
    def from_row(cls, row: RowMapping) -> Answer:
        return cls(**{name: row[name] for name in cls.__slots__})


@dataclass(frozen=True, slots=True)
class Counts:
    """How many members of one role shared, passed, or gave no answer at all (silent)."""

    shared: int = 0
    passed: int = 0
    silent: int = 0

    @property
    def total(self) -> int:
        return self.shared + self.passed + self.silent


@dataclass(frozen=True, slots=True)
class RoundReport:
    """What a summary may say about a round: its prompt, its state, and consented words.

    `shares` holds the cleaned (not yet neutralised) text of shares whose author agreed to the
    summary, and only if the round was revealed; a round closed unrevealed has none.
    """

    id: int
    prompt: str
    status: str
    revealed: bool
    shares: tuple[str, ...]
    ledger: dict[str, Counts]


async def get(conn: AsyncConnection, round_id: int) -> Round | None:
    row = (await conn.execute(select(rounds).where(rounds.c.id == round_id))).mappings().first()
    return Round.from_row(row) if row else None


async def active(conn: AsyncConnection, group_id: int) -> Round | None:
    """The group's round that still takes answers (open or revealed), newest first."""
    query = (
        select(rounds)
        .where(rounds.c.group_id == group_id, rounds.c.status.in_((OPEN, REVEALED)))
        .order_by(rounds.c.opened_at.desc(), rounds.c.id.desc())
        .limit(1)
    )
    row = (await conn.execute(query)).mappings().first()
    return Round.from_row(row) if row else None


async def latest(conn: AsyncConnection, group_id: int) -> Round | None:
    """The group's most recent round, whatever its state."""
    query = select(rounds).where(rounds.c.group_id == group_id).order_by(rounds.c.id.desc())
    row = (await conn.execute(query.limit(1))).mappings().first()
    return Round.from_row(row) if row else None


async def unfinished(conn: AsyncConnection, group_id: int) -> list[Round]:
    """Every round of the group not yet closed (normally at most one)."""
    query = (
        select(rounds)
        .where(rounds.c.group_id == group_id, rounds.c.status.in_((OPEN, REVEALED)))
        .order_by(rounds.c.id)
    )
    return [Round.from_row(row) for row in (await conn.execute(query)).mappings()]


async def create(
    conn: AsyncConnection, group_id: int, meeting_id: int | None, prompt: str, *, now: datetime
) -> Round:
    result = await conn.execute(
        insert(rounds)
        .values(group_id=group_id, meeting_id=meeting_id, prompt=prompt, status=OPEN, opened_at=now)
        .returning(rounds.c.id)
    )
    created = await get(conn, result.scalar_one())
    assert created is not None
    return created


async def move_to_meeting(conn: AsyncConnection, round_id: int, meeting_id: int) -> None:
    """A round carried past its meeting is reported with the meeting in which it finishes."""
    await conn.execute(update(rounds).where(rounds.c.id == round_id).values(meeting_id=meeting_id))


async def mark_revealed(conn: AsyncConnection, round_id: int, now: datetime) -> bool:
    """Reveal a held round. True only for the first caller, so answers are posted once."""
    result = await conn.execute(
        update(rounds)
        .where(rounds.c.id == round_id, rounds.c.status == OPEN)
        .values(status=REVEALED, revealed_at=now)
    )
    return result.rowcount == 1


async def mark_closed(conn: AsyncConnection, round_id: int, now: datetime) -> bool:
    """Close a round. If it was never revealed, its words are erased: nobody will ever read them.

    The answers' kinds and roles stay, so the ledger still counts who shared and who passed.
    """
    before = await get(conn, round_id)
    result = await conn.execute(
        update(rounds)
        .where(rounds.c.id == round_id, rounds.c.status.in_((OPEN, REVEALED)))
        .values(status=CLOSED, closed_at=now)
    )
    if result.rowcount != 1:
        return False
    if before is not None and before.status == OPEN:
        await conn.execute(
            update(round_answers)
            .where(round_answers.c.round_id == round_id)
            .values(text=None, consent_summary=False)
        )
    return True


# -- answers -------------------------------------------------------------------------------------


async def answers(conn: AsyncConnection, round_id: int) -> list[Answer]:
    query = (
        select(round_answers)
        .where(round_answers.c.round_id == round_id)
        .order_by(round_answers.c.answered_at, round_answers.c.member_id)
    )
    return [Answer.from_row(row) for row in (await conn.execute(query)).mappings()]


async def answer_of(conn: AsyncConnection, round_id: int, member_id: int) -> Answer | None:
    query = select(round_answers).where(
        round_answers.c.round_id == round_id, round_answers.c.member_id == member_id
    )
    row = (await conn.execute(query)).mappings().first()
    return Answer.from_row(row) if row else None


async def put_answer(
    conn: AsyncConnection,
    round_id: int,
    member_id: int,
    *,
    role: str | None,
    kind: str,
    text: str | None,
    consent: bool,
    now: datetime,
    after_reveal: bool = False,
) -> None:
    """Record or replace a member's answer (insert-or-ignore, then update: safe on a retry).

    `after_reveal` marks an answer given once the round's answers were shown."""
    values = {
        "role": role,
        "kind": kind,
        "text": text,
        "consent_summary": consent,
        "after_reveal": after_reveal,
    }
    inserted = await conn.execute(
        insert_or_ignore(conn, round_answers).values(
            round_id=round_id, member_id=member_id, answered_at=now, **values
        )
    )
    if inserted.rowcount != 1:
        await conn.execute(
            update(round_answers)
            .where(round_answers.c.round_id == round_id, round_answers.c.member_id == member_id)
            .values(answered_at=now, **values)
        )


async def withdraw_share(conn: AsyncConnection, round_id: int, member_id: int) -> bool:
    """Delete a member's share, words and all, while the round still holds its answers (not
    revealed, not closed). False when there was no such share to withdraw."""
    held = select(rounds.c.id).where(
        rounds.c.id == round_id, rounds.c.revealed_at.is_(None), rounds.c.closed_at.is_(None)
    )
    result = await conn.execute(
        delete(round_answers).where(
            round_answers.c.round_id == round_id,
            round_answers.c.member_id == member_id,
            round_answers.c.kind == SHARE,
            round_answers.c.round_id.in_(held),
        )
    )
    return result.rowcount == 1


async def set_consent(conn: AsyncConnection, round_id: int, member_id: int, consent: bool) -> bool:
    """Change the summary consent of a member's share. False when they have no share here."""
    result = await conn.execute(
        update(round_answers)
        .where(
            round_answers.c.round_id == round_id,
            round_answers.c.member_id == member_id,
            round_answers.c.kind == SHARE,
        )
        .values(consent_summary=consent)
    )
    return result.rowcount == 1


async def member_count(conn: AsyncConnection, group_id: int) -> int:
    query = select(func.count()).where(members.c.group_id == group_id)
    return int((await conn.execute(query)).scalar_one())


# -- what the summary and trends read ------------------------------------------------------------


def _role_key(role: str | None) -> str:
    return role or NOT_SAID


async def round_ledger(conn: AsyncConnection, round_id: int) -> dict[str, Counts]:
    """Per role: how many members shared, passed, or were silent (no answer at all).

    Shares and passes count under the role the member had when answering; silent members under
    their role now. Keys are the role words (`lived-experience`, `professional`, `both`,
    `prefer-not-to-say`) and `not-said`; only roles with somebody in them appear. A pass is an
    answer, never "silent". Members who joined after the round closed are not counted.
    """
    found = await get(conn, round_id)
    if found is None:
        return {}
    tally: dict[str, list[int]] = {}
    answered: set[int] = set()
    for answer in await answers(conn, round_id):
        answered.add(answer.member_id)
        counts = tally.setdefault(_role_key(answer.role), [0, 0, 0])
        counts[0 if answer.kind == SHARE else 1] += 1
    query = select(members.c.id, members.c.role).where(members.c.group_id == found.group_id)
    if found.closed_at is not None:
        query = query.where(members.c.joined_at <= found.closed_at)
    for row in await conn.execute(query):
        if row.id not in answered:
            tally.setdefault(_role_key(row.role), [0, 0, 0])[2] += 1
    return {role: Counts(*numbers) for role, numbers in sorted(tally.items())}


async def rounds_of_meeting(conn: AsyncConnection, meeting_id: int) -> list[RoundReport]:
    """Each round of a meeting, oldest first, with its ledger and its consented, revealed words."""
    query = select(rounds).where(rounds.c.meeting_id == meeting_id).order_by(rounds.c.id)
    found = [Round.from_row(row) for row in (await conn.execute(query)).mappings()]
    reports: list[RoundReport] = []
    for round_ in found:
        revealed = round_.revealed_at is not None
        shares: tuple[str, ...] = ()
        if revealed:
            shares = tuple(
                a.text
                for a in await answers(conn, round_.id)
                if a.kind == SHARE and a.consent_summary and a.text
            )
        reports.append(
            RoundReport(
                id=round_.id,
                prompt=round_.prompt,
                status=round_.status,
                revealed=revealed,
                shares=shares,
                ledger=await round_ledger(conn, round_.id),
            )
        )
    return reports


# -- prompt history ------------------------------------------------------------------------------


async def used_prompt_ids(conn: AsyncConnection, group_id: int, kind: str) -> set[str]:
    query = select(prompt_uses.c.prompt_id).where(
        prompt_uses.c.group_id == group_id, prompt_uses.c.kind == kind
    )
    return {row.prompt_id for row in await conn.execute(query)}


async def record_prompt_use(
    conn: AsyncConnection, group_id: int, kind: str, prompt_id: str, *, now: datetime, reset: bool
) -> None:
    """Remember a library prompt was used; `reset` first forgets the group's earlier uses."""
    if reset:
        await conn.execute(
            delete(prompt_uses).where(
                prompt_uses.c.group_id == group_id, prompt_uses.c.kind == kind
            )
        )
    await conn.execute(
        insert_or_ignore(conn, prompt_uses).values(
            group_id=group_id, kind=kind, prompt_id=prompt_id, used_at=now
        )
    )


async def answers_of_member(conn: AsyncConnection, member_id: int) -> list[RowMapping]:
    """Every round answer of one member, each with its round's prompt, status and opening time,
    oldest round first."""
    query = (
        select(round_answers, rounds.c.prompt, rounds.c.status, rounds.c.opened_at)
        .join(rounds, rounds.c.id == round_answers.c.round_id)
        .where(round_answers.c.member_id == member_id)
        .order_by(rounds.c.opened_at, rounds.c.id)
    )
    return list((await conn.execute(query)).mappings())


async def of_group(conn: AsyncConnection, group_id: int) -> list[Round]:
    """Every round the group has had, oldest first."""
    query = select(rounds).where(rounds.c.group_id == group_id).order_by(rounds.c.opened_at)
    return [Round.from_row(row) for row in (await conn.execute(query)).mappings()]


async def answers_by_time(conn: AsyncConnection, round_id: int) -> list[Answer]:
    """A round's answers in the order they were given."""
    query = (
        select(round_answers)
        .where(round_answers.c.round_id == round_id)
        .order_by(round_answers.c.answered_at)
    )
    return [Answer.from_row(row) for row in (await conn.execute(query)).mappings()]
