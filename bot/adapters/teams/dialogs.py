"""Dialogs (Teams task modules): how a person answers a card in a channel privately.

Teams has no message only one person in a channel can see. So buttons on channel cards send an
`invoke` named `task/fetch` (see `cards.button_action`), and the core's answer for the person
who pressed (a reply, or a form) is shown in a dialog right where they pressed, through the invoke's
HTTP answer. A form in a dialog comes back as `task/submit`; its errors are shown in the same
dialog, with everything typed kept. Whatever else the core asks for (channel posts, updated counts,
messages to other people) is delivered as usual.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from botbuilder.schema import Activity

from bot.adapters.teams import limits
from bot.adapters.teams.cards import (
    Json,
    adaptive_card,
    attachment,
    card_content,
    errors_content,
    form_content,
    submitted_values,
    unpack_form,
)
from bot.adapters.teams.text import readable
from bot.cards import Card, Form
from bot.effects import Effect, FormErrors, OpenForm, ReplyToActor
from bot.events import Choice, Event, FormSubmitted
from bot.identity import Where, Who

DIALOG_INVOKES = ("task/fetch", "task/submit")
FORM_SENT = "Sent. Thank you."
SENT_PRIVATELY = "That is a long answer, so I've sent it to our 1:1 chat."


def dialog_card(content: Json, title: str) -> Json:
    """An invoke answer that shows (or keeps showing) a card in the dialog."""
    return {
        "task": {
            "type": "continue",
            "value": {
                "title": readable(title)[: limits.DIALOG_TITLE] or "Common Ground",
                "width": "medium",
                "height": "medium",
                "card": attachment(content),
            },
        }
    }


def dialog_message(text: str) -> Json:
    """An invoke answer that closes the dialog with a short plain message."""
    return {"task": {"type": "message", "value": text}}


def cards_content(cards: list[Card]) -> Json:
    """Several cards as one (a dialog shows one card)."""
    body: list[Json] = []
    for card in cards:
        body.extend(card_content(card)["body"])
    return adaptive_card(body)


def dialog_event(activity: Activity, who: Who, where: Where) -> tuple[Event, Json] | None:
    """The event a dialog invoke carries, with its data; None for invokes that are not ours."""
    value = activity.value if isinstance(activity.value, dict) else {}
    data = value.get("data")
    if activity.name not in DIALOG_INVOKES or not isinstance(data, dict):
        return None
    if data.get("form_id"):
        values = submitted_values(data)
        form_id, context = str(data["form_id"]), str(data.get("context", ""))
        return FormSubmitted(who, where, form_id, values, context), data
    if data.get("action"):
        return Choice(who, where, str(data["action"]), str(data.get("value", ""))), data
    return None


def dialog_answer(event: Event, data: Json, effects: Sequence[Effect]) -> tuple[Any, list[Effect]]:
    """The invoke's answer for the person, and the effects left to carry out (replies among them
    when the answer is too long for a dialog, and a file, which goes to the 1:1 chat)."""
    errors: dict[str, str] = {}
    forms: list[Form] = []
    replies: list[Card] = []
    later: list[Effect] = []
    for effect in effects:
        if isinstance(effect, FormErrors):
            errors.update(effect.errors)
        elif isinstance(effect, OpenForm):
            forms.append(effect.form)
        elif isinstance(effect, ReplyToActor):
            replies.append(effect.card)
        else:
            later.append(effect)
    if errors and isinstance(event, FormSubmitted):
        form = unpack_form(data.get("form"), event.form_id, event.context)
        content = errors_content(form, event.values, errors)
        return dialog_card(content, form.title if form else "Please check the form"), []
    if forms:
        return dialog_card(form_content(forms[0]), forms[0].title), later
    if replies:
        answer = dialog_card(cards_content(replies), replies[0].title or "Common Ground")
        if limits.activity_size(answer) + limits.ENVELOPE_ROOM > limits.ACTIVITY_BUDGET:
            # Too long for one card: it goes to the 1:1 chat, in as many cards as it needs.
            return dialog_message(SENT_PRIVATELY), [*later, *(ReplyToActor(c) for c in replies)]
        return answer, later
    return (dialog_message(FORM_SENT) if isinstance(event, FormSubmitted) else None), later
