""" "Does this feel addressed?": the askings, the anonymous answers and once-per-person tokens.

Nothing here takes a member, a user id or a name. An answer is a row of its own (`verdict_answers`)
with no author and no token, under a random id, so neither a column nor the order of the rows
says who gave it. Each person has one row in `verdict_tokens` per asking, a keyed-hash token
(salted with the asking) that says only "has answered", so each person answers once.

One answer each, not a changeable one, as on the ladder (`bot.store.ladder`): changing an answer
would need something beside the token that finds it again (a keyed seal of the answer, say), and
anyone holding the key could test that against the three answers. So nothing beside the token
says which answer it was, and an answer is neither changed nor taken back.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store import elephants
from bot.store.dialect import insert_or_ignore
from bot.store.schema import verdict_answers, verdict_tokens, verdicts

ASKING, REOPENED, CLOSED = "asking", "reopened", "closed"
YES, PARTLY, NOT_REALLY = "yes", "partly", "not-really"
ANSWERS = (YES, PARTLY, NOT_REALLY)
MAX_ID = 2**31 - 1  # fits PostgreSQL's INTEGER as well as SQLite's


@dataclass(frozen=True, slots=True)
class Verdict:
    """One asking of "does this feel addressed?" about one subject."""

    id: int
    group_id: int
    kind: str
    subject_id: int
    number: int
    title: str
    what_was_done: str | None
    state: str
    asked_at: datetime
    reopened_at: datetime | None
    figures_shown: str

    @classmethod
    def from_row(cls, row: RowMapping) -> Verdict:
        return cls(**{name: row[name] for name in cls.__slots__})

    @property
    def is_asking(self) -> bool:
        return self.state == ASKING


async def create(
    conn: AsyncConnection,
    group_id: int,
    *,
    kind: str,
    subject_id: int,
    number: int,
    title: str,
    what_was_done: str | None,
    now: datetime,
) -> Verdict:
    result = await conn.execute(
        insert(verdicts)
        .values(
            group_id=group_id,
            kind=kind,
            subject_id=subject_id,
            number=number,
            title=title,
            what_was_done=what_was_done,
            state=ASKING,
            asked_at=now,
        )
        .returning(verdicts.c.id)
    )
    found = await get(conn, int(result.scalar_one()))
    assert found is not None
    return found


async def get(conn: AsyncConnection, verdict_id: int) -> Verdict | None:
    row = (await conn.execute(select(verdicts).where(verdicts.c.id == verdict_id))).mappings()
    first = row.first()
    return Verdict.from_row(first) if first else None


async def of_group(conn: AsyncConnection, group_id: int, verdict_id: int) -> Verdict | None:
    """The asking `verdict_id` if it belongs to `group_id` (a button's value is checked here)."""
    found = await get(conn, verdict_id)
    return found if found is not None and found.group_id == group_id else None


async def latest_by_number(
    conn: AsyncConnection, group_id: int, kind: str, number: int
) -> Verdict | None:
    """The latest asking about the subject people call `<kind> <number>`."""
    query = (
        select(verdicts)
        .where(
            verdicts.c.group_id == group_id,
            verdicts.c.kind == kind,
            verdicts.c.number == number,
        )
        .order_by(verdicts.c.id.desc())
        .limit(1)
    )
    first = (await conn.execute(query)).mappings().first()
    return Verdict.from_row(first) if first else None


async def next_number(conn: AsyncConnection, group_id: int, kind: str) -> int:
    """One more than the highest number an asking of `kind` has in the group (for subjects whose
    own numbers change, such as places on the agenda)."""
    query = select(func.max(verdicts.c.number)).where(
        verdicts.c.group_id == group_id, verdicts.c.kind == kind
    )
    return int((await conn.execute(query)).scalar_one() or 0) + 1


async def latest_of_kind(conn: AsyncConnection, group_id: int, kind: str) -> dict[int, Verdict]:
    """The latest asking about each subject of `kind` in the group, by subject id."""
    query = (
        select(verdicts)
        .where(verdicts.c.group_id == group_id, verdicts.c.kind == kind)
        .order_by(verdicts.c.id)
    )
    return {
        row["subject_id"]: Verdict.from_row(row) for row in (await conn.execute(query)).mappings()
    }


async def about(conn: AsyncConnection, group_id: int, kind: str, subject_id: int) -> list[Verdict]:
    """Every asking about one subject, oldest first."""
    query = (
        select(verdicts)
        .where(
            verdicts.c.group_id == group_id,
            verdicts.c.kind == kind,
            verdicts.c.subject_id == subject_id,
        )
        .order_by(verdicts.c.id)
    )
    return [Verdict.from_row(row) for row in (await conn.execute(query)).mappings()]


async def close(conn: AsyncConnection, verdict_id: int, *, forget_words: bool) -> Verdict:
    """Stop taking answers; `forget_words` also blanks the subject's words and what was done
    (its subject was hidden, so its words must not be shown again anywhere)."""
    values: dict[str, object] = {"state": CLOSED}
    if forget_words:
        values.update(title="", what_was_done=None)
    await conn.execute(update(verdicts).where(verdicts.c.id == verdict_id).values(**values))
    found = await get(conn, verdict_id)
    assert found is not None
    return found


# -- answers --------------------------------------------------------------------------------------


async def has_answered(conn: AsyncConnection, verdict_id: int, token: str) -> bool:
    query = select(verdict_tokens.c.token).where(
        verdict_tokens.c.verdict_id == verdict_id, verdict_tokens.c.token == token
    )
    return (await conn.execute(query)).first() is not None


async def _random_id(conn: AsyncConnection, rng: random.Random) -> int:
    for _ in range(20):
        row_id = rng.randint(1, MAX_ID)
        taken = await conn.execute(
            select(verdict_answers.c.id).where(verdict_answers.c.id == row_id)
        )
        if taken.first() is None:
            return row_id
    raise RuntimeError("could not find a free answer id")  # pragma: no cover - 20 in 2 billion


async def answer(
    conn: AsyncConnection, verdict_id: int, *, token: str, new: str, rng: random.Random
) -> bool:
    """Record this token's one answer `new`; False (and nothing stored) when it answered
    already. The answer row is kept apart from the token, under a random id."""
    claimed = await conn.execute(
        insert_or_ignore(conn, verdict_tokens).values(verdict_id=verdict_id, token=token)
    )
    if claimed.rowcount != 1:
        return False
    row_id = await _random_id(conn, rng)
    await conn.execute(insert(verdict_answers).values(id=row_id, verdict_id=verdict_id, answer=new))
    await note_changed(conn, verdict_id)
    return True


async def answers_given(conn: AsyncConnection, verdict_id: int) -> list[str]:
    """Every answer to one asking, in the order of their random ids (which says nothing)."""
    query = (
        select(verdict_answers.c.answer)
        .where(verdict_answers.c.verdict_id == verdict_id)
        .order_by(verdict_answers.c.id)
    )
    return list((await conn.execute(query)).scalars())


# -- the sweep ------------------------------------------------------------------------------------


async def note_changed(conn: AsyncConnection, verdict_id: int) -> None:
    """Ask the next sweep to look at this asking's answers (not who answered)."""
    await conn.execute(update(verdicts).where(verdicts.c.id == verdict_id).values(changed=True))


async def to_redraw(conn: AsyncConnection) -> list[Verdict]:
    """Askings of any group whose answers changed since the last sweep."""
    query = select(verdicts).where(verdicts.c.changed.is_(True)).order_by(verdicts.c.id)
    return [Verdict.from_row(row) for row in (await conn.execute(query)).mappings()]


async def set_shown(conn: AsyncConnection, verdict_id: int, shown: str) -> bool:
    """Record the figure now on the card. True only for the sweep that did it (a second clock
    finds the flag cleared and draws nothing)."""
    result = await conn.execute(
        update(verdicts)
        .where(verdicts.c.id == verdict_id, verdicts.c.changed.is_(True))
        .values(figures_shown=shown, changed=False)
    )
    return result.rowcount == 1


async def claim_reopen(conn: AsyncConnection, verdict_id: int, now: datetime) -> bool:
    """Mark an asking reopened; True only the first time (so facilitators are told once)."""
    result = await conn.execute(
        update(verdicts)
        .where(verdicts.c.id == verdict_id, verdicts.c.state == ASKING)
        .values(state=REOPENED, reopened_at=now)
    )
    return result.rowcount == 1


# -- privacy --------------------------------------------------------------------------------------


async def ids_of_group(conn: AsyncConnection, group_id: int) -> list[int]:
    query = select(verdicts.c.id).where(verdicts.c.group_id == group_id)
    return list((await conn.execute(query)).scalars())


async def of_group_all(conn: AsyncConnection, group_id: int) -> list[Verdict]:
    """Every asking in the group, oldest first (for the export)."""
    query = select(verdicts).where(verdicts.c.group_id == group_id).order_by(verdicts.c.id)
    return [Verdict.from_row(row) for row in (await conn.execute(query)).mappings()]


async def scramble_tokens(conn: AsyncConnection, tokens: Sequence[str]) -> int:
    """Unlink the answers made with any of `tokens`: each token becomes a random value, so no
    key can recompute it or test a guess against it. The answer rows stay, so every count stays
    the same."""
    return await elephants.scramble_tokens(conn, verdict_tokens, tokens)
