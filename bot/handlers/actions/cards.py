"""The cards and forms of decisions and actions: the owner's private question, the reminder, and
the two small forms ("not me", with an optional reason; "done", with an optional note).

Every button has a typed equivalent, printed on the card itself (`action 4 accept`), so nobody on
a screen reader or a phone is stuck.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot import limits
from bot.cards import Button, Card, Form, FormInput
from bot.routing import encode
from bot.scheduling.spoken_dates import describe_day
from bot.store.actions import Action
from bot.text_safety import neutralise, shortened

ACCEPT = "actions.accept"
NOT_ME = "actions.not-me"
DONE = "actions.done"
PICK_OWNER = "actions.pick-owner"
DECLINE_FORM = "actions.decline-form"
DONE_FORM = "actions.done-form"


def _value(group_id: int, action: Action) -> str:
    return encode(group_id, str(action.id))


def _due(action: Action, today: date) -> str:
    return f"By: {describe_day(action.due_on, today)}." if action.due_on else "No set day."


def ask_card(group_id: int, group_name: str, action: Action, recorder: str, today: date) -> Card:
    """Asked privately: will you take this on? Accept / Not me, or typed."""
    n = action.number
    return Card(
        title=f"Action #{n} for you",
        text=(
            f"{neutralise(recorder)} noted an action for you in {neutralise(group_name)}:\n"
            f"“{shortened(action.text, limits.ACTION)}”\n{_due(action, today)}\n\n"
            "Will you take it on? It's fine to say no."
        ),
        buttons=(
            Button(
                "Accept", ACCEPT, _value(group_id, action), "primary", typed=f"action {n} accept"
            ),
            Button("Not me", NOT_ME, _value(group_id, action), typed=f"action {n} decline"),
        ),
        footer=f"Or type `action {n} accept`, or `action {n} decline` and a reason if you like.",
    )


def reminder_card(group_id: int, group_name: str, action: Action, today: date) -> Card:
    """The owner's reminder before the due day, with Done (and Not me, to hand it back)."""
    n = action.number
    assert action.due_on is not None
    return Card(
        title=f"A reminder: action #{n}",
        text=(
            f"In {neutralise(group_name)} you took on:\n“{shortened(action.text, limits.ACTION)}”\n"
            f"It's due {_when_due(action.due_on, today)}.\n\n"
            "If it's done, press Done and add a short note if you like. If it can't happen, "
            "that's all right: press Not me and it goes back to the group."
        ),
        buttons=(
            Button("Done", DONE, _value(group_id, action), "primary", typed=f"action {n} done"),
            Button("Not me", NOT_ME, _value(group_id, action), typed=f"action {n} decline"),
        ),
        footer=f"Or type `action {n} done <a short note>`. To stop reminders: `nudges off`.",
    )


def _when_due(due_on: date, today: date) -> str:
    """The due day, with "today" or "tomorrow" first when it is one of them."""
    said = describe_day(due_on, today)
    near = {today: "today", today + timedelta(days=1): "tomorrow"}.get(due_on)
    return f"{near}, {said}" if near else said


def decline_form(group_id: int, action: Action) -> Form:
    return Form(
        form_id=DECLINE_FORM,
        typed=f"action {action.number} decline <a reason, if you like>",
        title="Not me",
        intro=f"Action #{action.number}: “{shortened(action.text, 300)}”",
        inputs=(
            FormInput(
                "reason",
                "Why, if you'd like to say (optional)",
                kind="multiline",
                optional=True,
                max_length=limits.ACTION_NOTE,
            ),
        ),
        submit_label="Hand it back",
        context=_value(group_id, action),
        notes=("Whoever noted it will be told, with your reason if you give one.",),
    )


def done_form(group_id: int, action: Action) -> Form:
    return Form(
        form_id=DONE_FORM,
        typed=f"action {action.number} done <a short note, if you like>",
        title="Mark it done",
        intro=f"Action #{action.number}: “{shortened(action.text, 300)}”",
        inputs=(
            FormInput(
                "note",
                "A short note on what happened (optional)",
                kind="multiline",
                optional=True,
                max_length=limits.ACTION_NOTE,
            ),
        ),
        submit_label="Done",
        context=_value(group_id, action),
    )
