"""Decisions and actions in the privacy answers: `my-data`, `export` and `forget-me`.

They are named records of the group, so they are shown and exported with names, as the group saw
them in the channel. On `forget-me` the person's name comes off them and the records stay: the
actions they owned are open again with nobody on them ("unassigned") or, if done, done without a
name; the decisions and actions they noted stay without saying who noted them. The words stay too
(they are the group's record, and the group's retention period erases them in time).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.handlers.actions.lines import action_line, decision_line, done_line
from bot.store import actions, decisions
from bot.store.database import Connection
from bot.store.groups import Group
from bot.store.members import Member
from bot.text_safety import neutralise

FORGET_WORDS = (
    "Decisions and actions stay as the group's record, without your name: actions you had "
    "taken on that are still open go back to the group with nobody on them."
)


def _when(moment: datetime | None, zone: ZoneInfo) -> str | None:
    return moment.astimezone(zone).isoformat() if moment else None


def _name(name: str | None) -> str | None:
    return neutralise(name) if name else None


async def export_part(conn: Connection, group: Group) -> dict[str, list[dict[str, Any]]]:
    """The group's decisions and actions for `export`: what the channel was told of each."""
    zone = group.zone
    made = [
        {
            "number": d.number,
            "text": neutralise(d.text),
            "noted_by": _name(d.recorder_name),
            "noted_at": _when(d.recorded_at, zone),
        }
        for d in await decisions.of_group(conn, group.id)
    ]
    noted = [
        {
            "number": a.number,
            "text": neutralise(a.text),
            "owner": _name(a.owner_name),
            "accepted": a.accepted_at is not None,
            "due_on": a.due_on.isoformat() if a.due_on else None,
            "status": a.status,
            "done_at": _when(a.done_at, zone) if a.status == actions.DONE else None,
            "done_note": neutralise(a.done_note) if a.done_note else None,
            "noted_by": _name(a.recorder_name),
            "noted_at": _when(a.recorded_at, zone),
        }
        for a in await actions.of_group(conn, group.id)
    ]
    return {"decisions": made, "actions": noted}


async def my_data_parts(conn: Connection, member: Member, today: date) -> list[str]:
    """The paragraphs of `my-data` about the person's actions and decisions."""
    mine = await actions.of_member(conn, member.id)
    owned = [a for a in mine if a.owner_id == member.id]
    noted = [a for a in mine if a.recorded_by == member.id and a.owner_id != member.id]
    made = await decisions.recorded_by(conn, member.id)

    def said(action: actions.Action) -> str:
        if action.status == actions.DONE:
            return "- " + done_line(action, today)
        if action.status == actions.DROPPED:
            return f"- {action_line(action, today)} (dropped)"
        return "- " + action_line(action, today)

    return [
        "Actions you took on:\n" + "\n".join(said(a) for a in owned)
        if owned
        else "Actions you took on: none.",
        "Actions you noted for others:\n" + "\n".join(said(a) for a in noted)
        if noted
        else "Actions you noted for others: none.",
        "Decisions you noted:\n" + "\n".join("- " + decision_line(d) for d in made)
        if made
        else "Decisions you noted: none.",
    ]


async def forget(conn: Connection, member_id: int) -> None:
    """Take the person's name off every decision and action (see the module note)."""
    await actions.forget_member(conn, [member_id])
    await decisions.forget_member(conn, [member_id])
