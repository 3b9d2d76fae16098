"""3. Summary cost against history: the summary of a 200-member meeting, with 1, 52 and 260 past
meetings of data in the group. The cost should follow the meeting, not the history."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from sqlalchemy import insert, update

from bench.common import (
    Row,
    Scale,
    add_groups,
    add_meeting,
    add_members,
    fresh_bot,
    group_row,
    judged,
    median,
    ms,
    sqlite_url,
    workdir,
)
from bot.app import CommonGround
from bot.context import Context
from bot.effects import Effect
from bot.handlers.summary.commands import post_summary
from bot.store import meetings as meeting_store
from bot.store.schema import checkins, elephants, meetings, reflections, round_answers, rounds

BAR_MS = 50.0
BAR_RATIO = 1.5


async def _fill_meeting(
    bot: CommonGround,
    group_id: int,
    meeting_id: int,
    member_ids: list[int],
    number: int,
    at: datetime,
    *,
    current: bool = False,
) -> None:
    """Check-ins from everyone, one round answered by everyone, two elephants (settled in past
    meetings, still open in the current one), a quarter of the members' reflections."""
    async with bot.db.write() as conn:
        await conn.execute(
            insert(checkins),
            [
                {
                    "meeting_id": meeting_id,
                    "member_id": member,
                    "mood": None if n % 10 == 0 else 1 + n % 5,
                    "passed": n % 10 == 0,
                    "words": f"arriving with thought {n}" if n % 4 == 0 else None,
                    "visibility": ("group", "facilitators", "nobody")[n % 3],
                    "answered_at": at,
                }
                for n, member in enumerate(member_ids)
            ],
        )
        round_id = (
            await conn.execute(
                insert(rounds).returning(rounds.c.id),
                [
                    {
                        "group_id": group_id,
                        "meeting_id": meeting_id,
                        "prompt": "What is one thing that went well?",
                        "status": "closed",
                        "opened_at": at,
                        "revealed_at": at + timedelta(minutes=30),
                        "closed_at": at + timedelta(minutes=60),
                    }
                ],
            )
        ).scalar_one()
        await conn.execute(
            insert(round_answers),
            [
                {
                    "round_id": round_id,
                    "member_id": member,
                    "role": ("lived-experience", "professional", "both")[n % 3],
                    "kind": "pass" if n % 7 == 0 else "share",
                    "text": None if n % 7 == 0 else f"something went well {n}",
                    "consent_summary": n % 2 == 0,
                    "answered_at": at + timedelta(minutes=5),
                }
                for n, member in enumerate(member_ids)
            ],
        )
        await conn.execute(
            insert(elephants),
            [
                {
                    "group_id": group_id,
                    "number": number * 2 + e + 1,
                    "size": ("little", "big")[e],
                    "text": f"an elephant {number}-{e}",
                    "status": (("open", "discussed") if current else ("addressed", "parked"))[e],
                    "post_after": at,
                    "posted_at": at,
                    "status_changed_at": at + timedelta(minutes=40),
                }
                for e in range(2)
            ],
        )
        await conn.execute(
            insert(reflections),
            [
                {"meeting_id": meeting_id, "heard": 1 + n % 5, "change": None}
                for n in range(len(member_ids) // 4)
            ],
        )


async def _prepare(scale: Scale, history: int) -> tuple[CommonGround, int, int]:
    """A group with `history` ended meetings and one just ended: (bot, group id, meeting id)."""
    directory = workdir(f"summary{history}")
    bot = await fresh_bot(sqlite_url(directory), directory)
    [group_id] = await add_groups(bot.db, [group_row(1, rule=None)])
    member_ids = await add_members(bot.db, group_id, scale.summary_members, facilitators=2)
    now = bot.services.clock()
    for number in range(history):
        at = now - timedelta(weeks=history - number, minutes=90)
        past = await add_meeting(bot.db, group_id, at, status="ended")
        await _fill_meeting(bot, group_id, past, member_ids, number, at)
    at = now - timedelta(minutes=90)
    current = await add_meeting(bot.db, group_id, at, status="ended")
    await _fill_meeting(bot, group_id, current, member_ids, history, at, current=True)
    return bot, group_id, current


async def _time_summary(bot: CommonGround, group_id: int, meeting_id: int) -> float:
    """One run of the whole summary job (its transaction included), made due again first."""

    async def job(ctx: Context) -> list[Effect]:
        meeting = await meeting_store.get(ctx.conn, meeting_id)
        assert meeting is not None
        effects = await post_summary(ctx, meeting)
        if not effects:
            raise RuntimeError("the summary job posted nothing")
        return effects

    async with bot.db.write() as conn:
        await conn.execute(
            update(meetings).where(meetings.c.id == meeting_id).values(summary_posted_at=None)
        )
    start = time.perf_counter()
    await bot.core.run_job(job, group_id=group_id)
    return time.perf_counter() - start


async def run(scale: Scale) -> list[Row]:
    prepared = {history: await _prepare(scale, history) for history in scale.summary_histories}
    samples: dict[int, list[float]] = {history: [] for history in prepared}
    try:
        # Round-robin, so a busy moment of a shared machine falls on every case alike.
        for turn in range(scale.summary_repeats + 2):  # two warm-ups
            for history, (bot, group_id, meeting_id) in prepared.items():
                took = await _time_summary(bot, group_id, meeting_id)
                if turn >= 2:
                    samples[history].append(took)
    finally:
        for bot, _, _ in prepared.values():
            await bot.close()
    results = {history: median(times) for history, times in samples.items()}
    fastest = {history: min(times) for history, times in samples.items()}
    first, *_, last = scale.summary_histories
    base = results[first]
    rows: list[Row] = []
    section = "3. Summary cost"
    for history, seconds in results.items():
        rows.append(
            judged(
                section,
                f"summary, {scale.summary_members} members, {history} past meetings",
                seconds,
                ms,
                lambda v: v * 1000 < BAR_MS,
                baseline=f"{seconds / base:.2f}x the {first}-meeting case"
                if history != first
                else "",
                bar=f"< {BAR_MS:.0f} ms",
                note=f"median of {scale.summary_repeats} runs of the whole job (reads, card, "
                f"once-only mark, commit); fastest {ms(fastest[history])}",
            )
        )
    rows.append(
        judged(
            section,
            f"{last}-meeting case / {first}-meeting case",
            results[last] / base,
            lambda v: f"{v:.2f}x",
            lambda v: v <= BAR_RATIO,
            baseline=ms(base),
            bar=f"<= {BAR_RATIO}x",
        )
    )
    return rows
