"""A person's home: their groups, how they take part, what they can answer now, and (for
facilitators) the group's recent reciprocity ledger. Platform-neutral cards, drawn by any adapter
that has a home page (Slack's App Home tab; Teams could show the same cards).

It only reads. The check-in and round cards are the ones members are sent, with the same buttons,
so pressing one here is the same as pressing it in a direct message. The ledger is the summary's,
with the same rule for small crowds (`bot.handlers.rounds.reciprocity_ledger`): nothing here names
anyone.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.cards import Card, Field
from bot.handlers.checkin.cards import MOODS, checkin_card
from bot.handlers.dashboard.commands import open_button
from bot.handlers.rounds.cards import invitation
from bot.handlers.rounds.reciprocity_ledger import meeting_ledger
from bot.handlers.summary.builder import ledger_text
from bot.identity import Who
from bot.store import checkins, groups, meeting_records, meetings, members, rounds
from bot.store.database import Connection
from bot.store.groups import Group
from bot.store.members import Member
from bot.text_safety import neutralise

RECENT_MEETINGS = 3
ROLE_NAMES = {
    "lived-experience": "Lived experience",
    "professional": "Professional",
    "both": "Both",
    "prefer-not-to-say": "Prefer not to say",
}
NO_GROUP = (
    "You're not in a co-production group yet. In your group's channel, type `role` to say how "
    "you take part, or `setup` to make a channel a group."
)
NO_LEDGER = "No sharing rounds in recent meetings yet."


async def home_cards(conn: Connection, who: Who, now: datetime) -> list[Card]:
    """For each of the person's groups: their part, anything open to answer, and for
    facilitators the ledger; or one card saying how to join a group."""
    cards: list[Card] = []
    found = await members.groups_of_user(conn, who.platform, who.workspace, who.user_id)
    for group_id, _name in found:
        group = await groups.get(conn, group_id)
        member = await members.get(conn, group_id, who.user_id)
        if group is None or member is None:
            continue
        cards.append(await _membership(conn, group, member))
        cards.extend(await _to_answer(conn, group, member))
        if member.is_facilitator:
            cards.append(await _ledger(conn, group, now))
    if not cards:
        cards.append(Card(title="Common Ground", text=NO_GROUP))
    return cards


async def _membership(conn: Connection, group: Group, member: Member) -> Card:
    fields = [
        Field("Your role", ROLE_NAMES.get(member.role or "", "Not said yet")),
        Field("Reminders", "On" if member.nudges else "Off"),
    ]
    if member.is_facilitator:
        fields.append(Field("You are", "A facilitator"))
    under_way = await meetings.current(conn, group.id)
    text = "A meeting is under way." if under_way is not None else "No meeting just now."
    return Card(
        title=neutralise(group.name),
        text=text,
        fields=tuple(fields),
        buttons=(open_button(group.id),),
    )


async def _to_answer(conn: Connection, group: Group, member: Member) -> list[Card]:
    """The meeting's check-in, if one was sent, and the open round: each with its buttons."""
    cards: list[Card] = []
    meeting = await meetings.current(conn, group.id)
    if meeting is not None and meeting.checkin_sent_at is not None:
        question = await checkins.question_of(conn, meeting.id) or ""
        answered = await checkins.count(conn, meeting.id)
        total = await checkins.member_count(conn, group.id)
        card = checkin_card(group.id, meeting.id, question, answered, total)
        mine = await checkins.get(conn, meeting.id, member.id)
        if mine is not None:
            said = "Passed" if mine.passed else f"{mine.mood} {MOODS.get(mine.mood or 0, '')}"
            card = replace(card, fields=(*card.fields, Field("Your answer", said.strip())))
        cards.append(card)
    round_ = await rounds.active(conn, group.id)
    if round_ is not None:
        card = invitation(round_, group.name, lock=group.reciprocity_lock)
        answer = await rounds.answer_of(conn, round_.id, member.id)
        if answer is not None:
            said = "You shared" if answer.kind == "share" else "You passed"
            card = replace(card, fields=(*card.fields, Field("Your answer", said)))
        cards.append(card)
    return cards


async def _ledger(conn: Connection, group: Group, now: datetime) -> Card:
    """Who shared, by role, in each of the group's recent meetings that had rounds."""
    latest = await meetings.current(conn, group.id) or await meetings.latest_ended(conn, group.id)
    sections: list[str] = []
    if latest is not None:
        roster = await meeting_records.member_roles(conn, group.id)
        for meeting in await meeting_records.recent_meetings(conn, latest, RECENT_MEETINGS):
            infos = await meeting_records.rounds_of(conn, [meeting.id])
            answers = await meeting_records.answers_of(conn, [r.id for r in infos])
            until = meeting.ends_at or now
            ledger = meeting_ledger(infos, answers, roster, k=group.k, now=until)
            text = ledger_text(ledger)
            if text:
                day = meeting.starts_at.astimezone(group.zone).strftime("%a %d %b")
                sections.append(f"Meeting of {day}\n{text}")
    return Card(
        title=f"Reciprocity in {neutralise(group.name)} (facilitators)",
        text="\n\n".join(sections) or NO_LEDGER,
    )
