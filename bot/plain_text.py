"""Plain-text mode: a person who asked for it (`plain-text on`, `access prefer plain-text`) gets
every card sent to them privately as text, with each button written out as a numbered option
and the words to type for it, and no buttons or forms at all. It serves screen readers, clients
that cannot show cards, and anyone who would rather type.

It is applied once, where the core finishes an event or a job (`for_readers`), so every feature
gets it without knowing about it: a feature only has to say, on each `Button`, what typing it is
(`Button.typed`), and on each `Form` how to send it by typing (`Form.typed`). Only private
effects change (a message to one member, a reply to the actor, a form opened for the actor);
posts in the channel are seen by everyone and stay as they are.
"""

from __future__ import annotations

from dataclasses import replace

from bot.cards import Card, Form
from bot.effects import Effect, MessageMember, OpenForm, ReplyToActor
from bot.identity import Who
from bot.store import access
from bot.store.database import Connection

NO_TYPED_WORDS = "type `help` to find the command"
TYPING_HINT = "To answer by typing:"
"""Opens a paragraph a card may carry for people who see its buttons; in plain text the numbered
options say the same, so the paragraph is left out rather than said twice."""


def as_text(card: Card) -> Card:
    """The card with its buttons written out as numbered options to type, and no buttons."""
    if not card.buttons:
        return card
    lines = [
        f"{number}. {button.label}: type `{button.typed}`"
        if button.typed
        else f"{number}. {button.label} ({NO_TYPED_WORDS})"
        for number, button in enumerate(card.buttons, start=1)
    ]
    options = "To answer, type the words after your choice:\n" + "\n".join(lines)
    kept = [part for part in card.text.split("\n\n") if not part.startswith(TYPING_HINT)]
    body = "\n\n".join(kept)
    text = f"{body}\n\n{options}" if body else options
    return replace(card, text=text, buttons=())


def form_as_text(form: Form) -> Card:
    """A form, as a message saying what to type instead, with any choices it offers."""
    parts = [form.intro] if form.intro else []
    for field in form.inputs:
        line = f"{field.label}{' (optional)' if field.optional else ''}"
        if field.options:
            line += ": " + ", ".join(option.label for option in field.options)
        parts.append(f"- {line}")
    how = (
        f"To send this, type `{form.typed}`." if form.typed else f"To send this, {NO_TYPED_WORDS}."
    )
    parts.append(how)
    return Card(title=form.title, text="\n".join(parts))


async def for_readers(conn: Connection, effects: list[Effect], actor: Who | None) -> list[Effect]:
    """The effects, with the private ones rewritten for the people who asked for plain text."""
    private = [e for e in effects if isinstance(e, (MessageMember, ReplyToActor, OpenForm))]
    if not private:
        return effects
    users = {(e.platform, e.workspace, e.user_id) for e in private if isinstance(e, MessageMember)}
    if actor is not None and any(isinstance(e, (ReplyToActor, OpenForm)) for e in private):
        users.add((actor.platform, actor.workspace, actor.user_id))
    readers = await access.plain_text_readers(conn, users)
    if not readers:
        return effects
    actor_reads = actor is not None and (actor.platform, actor.workspace, actor.user_id) in readers
    out: list[Effect] = []
    for effect in effects:
        if isinstance(effect, MessageMember) and (
            (effect.platform, effect.workspace, effect.user_id) in readers
        ):
            out.append(replace(effect, card=as_text(effect.card)))
        elif isinstance(effect, ReplyToActor) and actor_reads:
            out.append(ReplyToActor(as_text(effect.card)))
        elif isinstance(effect, OpenForm) and actor_reads:
            out.append(ReplyToActor(form_as_text(effect.form)))
        else:
            out.append(effect)
    return out
