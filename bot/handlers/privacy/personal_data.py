"""A member's own data in one group: shown by `my-data`, erased by `forget-me`.

Only rows that name the person can be shown or erased: their membership, their check-ins, their
round answers and the agenda items they added with their name (`forget-me` deletes those items:
the group saw the name on them, so leaving the words without it would not make them anyone
else's). Anonymous things (elephants, anonymous agenda items, perspectives, reflections, "I see it
too") were
stored with no link to anyone, so they can be neither shown as theirs nor erased as theirs; both
answers say so plainly rather than leave people wondering.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.cards import Card
from bot.handlers.access import record as access_record
from bot.handlers.actions import record as actions_record
from bot.handlers.recognition import record as recognition_record
from bot.handlers.verdicts.commands import PURPOSE as VERDICT_PURPOSE
from bot.identity import Who, anonymous_token
from bot.store import access as access_store
from bot.store import (
    agenda,
    checkins,
    elephants,
    ladder,
    meetings,
    page_access,
    reflections,
    rounds,
    signals,
    verdicts,
)
from bot.store import members as member_store
from bot.store.database import Connection
from bot.store.groups import Group
from bot.store.members import Member
from bot.store.signals import TOKEN_PURPOSE as SIGNAL_PURPOSE
from bot.text_safety import neutralise

MOODS = {1: "Struggling", 2: "Low", 3: "Okay", 4: "Good", 5: "Great"}
SEEN_BY = {
    "group": "seen by the group",
    "facilitators": "seen by the facilitators only",
    "nobody": "seen by nobody (just for you)",
}
ROLE_WORDS = {
    "lived-experience": "lived experience",
    "professional": "professional",
    "both": "both lived experience and professional",
    "prefer-not-to-say": "prefer not to say",
}
ANONYMOUS_NOTE = (
    "What I can't show you: elephants, agenda items added anonymously, perspectives on big "
    "elephants, reflections, where on the ladder a meeting felt, “I see it too”, answers to "
    "“does this feel addressed?” and “slow down”, “jargon” and “break” signals are "
    "anonymous. I never recorded who sent them, so I can't tell which are yours, and nobody "
    "else can either."
)


def _day(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local:%A} {local.day} {local:%B %Y}"


async def _checkin_lines(conn: Connection, member: Member, zone: ZoneInfo) -> list[str]:
    lines = []
    for row in await checkins.of_member(conn, member.id):
        if row["passed"] or row["mood"] is None:
            answer = "you passed"
        else:
            answer = f"{MOODS.get(row['mood'], row['mood'])} ({row['mood']} of 5)"
        if row["words"]:
            seen = SEEN_BY.get(row["visibility"], row["visibility"])
            answer += f"; your words, {seen}: “{neutralise(row['words'])}”"
        lines.append(f"- {_day(row['starts_at'], zone)}: {answer}")
    return lines


async def _round_lines(conn: Connection, member: Member, zone: ZoneInfo) -> list[str]:
    lines = []
    for row in await rounds.answers_of_member(conn, member.id):
        head = f"- {_day(row['opened_at'], zone)}, “{neutralise(row['prompt'])}”: "
        if row["kind"] != "share":
            lines.append(head + "you passed")
            continue
        consent = "may go in the summary" if row["consent_summary"] else "kept out of the summary"
        held = " (held until the round is revealed)" if row["status"] == "open" else ""
        if row["after_reveal"]:  # recorded for the ledger, so shown here too
            held = " after the answers were revealed"
        text = neutralise(row["text"] or "")
        lines.append(f"{head}you shared “{text}”{held}; {consent}")
    return lines


async def _agenda_lines(conn: Connection, member: Member, zone: ZoneInfo) -> list[str]:
    lines = []
    for item in await agenda.of_member(conn, member.id):
        state = {"open": "waiting on the agenda", "merged": "merged into another item"}
        what = state.get(item.status, item.status)
        papers = f", papers: {item.papers}" if item.papers else ""
        lines.append(f"- {_day(item.shown_from, zone)}: “{neutralise(item.text)}” ({what}{papers})")
    return lines


async def _pages_part(conn: Connection, group: Group, member: Member, now: datetime) -> str:
    """Open visits to the group's pages: a scrambled code of each is kept until it ends."""
    person = page_access.Person(group.platform, group.workspace, member.user_id)
    ends = await page_access.open_sessions(conn, person, now)
    if not ends:
        return "Your visits to the group's pages (`dashboard`): none open."
    last = ends[-1].astimezone(group.zone).strftime("%a %d %b %H:%M")
    return (
        f"Your visits to the group's pages (`dashboard`): {len(ends)} open, until {last}. Only a "
        "scrambled code of each is kept, and it is deleted when the visit ends."
    )


async def my_data_card(
    conn: Connection, group: Group, member: Member, *, now: datetime | None = None
) -> Card:
    """Everything held about `member` in `group`, in plain words (`now` dates their actions)."""
    zone = group.zone
    role = ROLE_WORDS.get(member.role or "", "not given")
    about = (
        f"Your membership: your name here is “{neutralise(member.display_name)}”; you joined on "
        f"{_day(member.joined_at, zone)}; role: {role}; facilitator: "
        f"{'yes' if member.is_facilitator else 'no'}; nudges: {'on' if member.nudges else 'off'}."
    )
    checkin_lines = await _checkin_lines(conn, member, zone)
    round_lines = await _round_lines(conn, member, zone)
    today = (now or member.joined_at).astimezone(zone).date()
    agenda_lines = await _agenda_lines(conn, member, zone)
    parts = [
        f"This is everything I hold about you in {neutralise(group.name)}. Each group keeps its "
        "own record: use `my-data` in your other groups to see theirs.",
        about,
        "Your check-ins:\n" + "\n".join(checkin_lines)
        if checkin_lines
        else "Your check-ins: none.",
        "Your answers in sharing rounds:\n" + "\n".join(round_lines)
        if round_lines
        else "Your answers in sharing rounds: none.",
        *await actions_record.my_data_parts(conn, member, today),
        *await recognition_record.my_data_parts(conn, member),
        "Agenda items you added with your name (`forget-me` deletes them):\n"
        + "\n".join(agenda_lines)
        if agenda_lines
        else "Agenda items you added with your name: none.",
        await access_record.my_data_part(conn, member),
        await _pages_part(conn, group, member, now or member.joined_at),
        ANONYMOUS_NOTE,
    ]
    return Card(
        title="Your data",
        text="\n\n".join(parts),
        footer="To erase all of this, type `forget-me` (I'll ask you to confirm).",
    )


async def erase(conn: Connection, member: Member) -> None:
    """Delete every row that names `member`: their named agenda items, check-ins, round answers
    and membership.

    Each table is cleared explicitly rather than trusting cascades, so the erasure is complete on
    any database whatever its foreign-key settings. The caller's transaction makes it all or
    nothing. Decisions and actions stay, as the group's record, with the person's name taken off
    (`bot.handlers.actions.record`); so does a paid claim's amount and date, for the
    organisation's accounts (`bot.handlers.recognition.record`).
    """
    await actions_record.forget(conn, member.id)
    await recognition_record.forget(conn, member.id)
    await access_store.clear(conn, member.id)
    await agenda.erase_member(conn, member.id)
    await member_store.delete_with_answers(conn, member.id)


# Every purpose a once-per-person token is made for, by the store function that unlinks it.
ELEPHANT_TOKEN_PURPOSES = (
    (elephants.scramble_marks, "see-too"),
    (elephants.scramble_perspective_tokens, "perspective"),
)
MEETING_TOKEN_PURPOSES = ("reflection", "reflection-change", ladder.TOKEN_PURPOSE)


async def erase_tokens(conn: Connection, group_id: int, who: Who, secret: bytes) -> int:
    """Unlink the person's once-per-person tokens ("I see it too", perspectives, reflections,
    ladder answers, answers to "does this feel addressed?", "slow down", "jargon" and "break"
    signals).

    The tokens never name anyone, but whoever holds the server's key could test a guess with
    them, so forgetting a person must break that link. Deleting them would change the "I see it
    too" counts (a mark is its token), and the group could then tell which elephant the person
    had marked. So each token is replaced by a random value instead: the count stays as it was,
    and no key can recompute the new value, so no guess can be tested against it. The anonymous
    items themselves stay, unlinked. Returns how many tokens were replaced.
    """
    elephant_ids = await elephants.ids_of_group(conn, group_id)
    meeting_ids = await meetings.ids_of_group(conn, group_id)
    replaced = 0
    for scramble, purpose in ELEPHANT_TOKEN_PURPOSES:
        mine = [anonymous_token(secret, purpose, item, who) for item in elephant_ids]
        replaced += await scramble(conn, mine)
    mine = [
        anonymous_token(secret, purpose, item, who)
        for item in meeting_ids
        for purpose in MEETING_TOKEN_PURPOSES
    ]
    replaced += await reflections.scramble_tokens(conn, mine)
    # An answer to "does this feel addressed?" stays counted, like a mark: only its token and
    # the seal of the answer are replaced, so it can no longer be found or changed by anyone.
    mine = [
        anonymous_token(secret, VERDICT_PURPOSE, item, who)
        for item in await verdicts.ids_of_group(conn, group_id)
    ]
    replaced += await verdicts.scramble_tokens(conn, mine)
    mine = [
        anonymous_token(secret, SIGNAL_PURPOSE, item, who)
        for item in await signals.crowd_ids(conn, meeting_ids)
    ]
    replaced += await signals.scramble_tokens(conn, mine)
    return replaced
