"""Plain-text mode: a person who asked for it (`plain-text on`, `access prefer plain-text`) gets
every card sent to them privately as text, with each button written out as a numbered option
and the words to type for it, and no buttons or forms at all. It serves screen readers, clients
that cannot show cards, and anyone who would rather type.

It is applied once, where the core finishes an event or a job (`for_readers`), so every feature
gets it without knowing about it: a feature only has to say, on each `Button`, what typing it is
(`Button.typed`), and on each `Form` how to send it by typing (`Form.typed`). Only private
effects change (a message to one member, a reply to the actor, a form opened for the actor);
posts in the channel are seen by everyone and stay as they are.

A number typed alone in a direct message answers the last card with numbered options sent to the
person privately, within a day, as if they had typed that option's words; the card says so
("Or type just its number"). So the rule is one sentence: the number answers the newest card,
until they do something else. Three things keep it predictable and safe:
- the card is kept (`plain_text_cards`) when it is sent, and forgotten as soon as the person
  does anything else that is not anonymous (answering it included), so a later number never
  reaches an old card by surprise;
- an anonymous act never writes or deletes the row (that would show who took part), so after
  answering an anonymous question by number, the same number answers it again (a change of
  answer, as its buttons allow);
- a card with a button that erases (`style="danger"`, `forget-me`) is never answered by a
  number, and neither is the "which group?" picker, whose options are numbers already: a
  number then picks the group, as before. An option that needs the person's own words
  (`jargon <word>`) says what to type instead.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.cards import Card, Form
from bot.effects import Effect, MessageMember, OpenForm, ReplyToActor
from bot.errors import UserError
from bot.identity import Who
from bot.store import access, plain_text_cards
from bot.store.database import Connection

NO_TYPED_WORDS = "type `help` to find the command"
TYPING_HINT = "To answer by typing:"
"""Opens a paragraph a card may carry for people who see its buttons; in plain text the numbered
options say the same, so the paragraph is left out rather than said twice."""


BY_NUMBER = "Or type just its number, like `1`."
NEEDS_WORDS = ("<", "…")
"""An option whose words hold a blank to fill in (`jargon <word>`) cannot be typed as a number."""

Person = tuple[str, str, str]


def answerable_by_number(card: Card) -> list[str] | None:
    """The words of each option when a number alone may answer the card (see the module note),
    else None: no buttons, an option with no words, an erasing button, or numbered already."""
    buttons = card.buttons
    if not buttons or any(not b.typed or b.style == "danger" for b in buttons):
        return None
    if any(b.typed.strip().isdigit() for b in buttons):
        return None
    return [b.typed for b in buttons]


def as_text(card: Card, *, by_number: bool = False) -> Card:
    """The card with its buttons written out as numbered options to type, and no buttons; with
    `by_number`, it also says a number alone answers it."""
    if not card.buttons:
        return card
    lines = [
        f"{number}. {button.label}: type `{button.typed}`"
        if button.typed
        else f"{number}. {button.label} ({NO_TYPED_WORDS})"
        for number, button in enumerate(card.buttons, start=1)
    ]
    if by_number:
        lines.append(BY_NUMBER)
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


def _person(effect: Effect, actor: Who | None) -> Person | None:
    """Whom a private effect reaches."""
    if isinstance(effect, MessageMember):
        return (effect.platform, effect.workspace, effect.user_id)
    if isinstance(effect, (ReplyToActor, OpenForm)) and actor is not None:
        return (actor.platform, actor.workspace, actor.user_id)
    return None


async def for_readers(
    conn: Connection,
    effects: list[Effect],
    actor: Who | None,
    *,
    now: datetime | None = None,
    group_id: int | None = None,
    remember: bool = False,
) -> list[Effect]:
    """The effects, with the private ones rewritten for the people who asked for plain text.

    With `remember` (and `now`), each reader's last numbered card is kept so a number alone
    answers it, and an actor who did something else has theirs forgotten (see the module note).
    The caller passes `remember=False` for anonymous acts: then no row is touched."""
    private = [e for e in effects if isinstance(e, (MessageMember, ReplyToActor, OpenForm))]
    if not private:
        return effects
    users = {(e.platform, e.workspace, e.user_id) for e in private if isinstance(e, MessageMember)}
    if actor is not None and any(isinstance(e, (ReplyToActor, OpenForm)) for e in private):
        users.add((actor.platform, actor.workspace, actor.user_id))
    readers = await access.plain_text_readers(conn, users)
    if not readers:
        return effects
    # Each reader's last private card with buttons: the one a number would answer.
    last: dict[Person, int] = {}
    for at, effect in enumerate(effects):
        person = _person(effect, actor)
        card = getattr(effect, "card", None)
        if person in readers and isinstance(card, Card) and card.buttons:
            last[person] = at
    numbered = {
        person: options
        for person, at in last.items()
        if (options := answerable_by_number(getattr(effects[at], "card", Card()))) is not None
    }
    out: list[Effect] = []
    for at, effect in enumerate(effects):
        person = _person(effect, actor)
        if person not in readers:
            out.append(effect)
            continue
        hint = remember and person in numbered and last.get(person) == at
        if isinstance(effect, MessageMember):
            out.append(replace(effect, card=as_text(effect.card, by_number=hint)))
        elif isinstance(effect, ReplyToActor):
            out.append(ReplyToActor(as_text(effect.card, by_number=hint)))
        elif isinstance(effect, OpenForm):
            out.append(ReplyToActor(form_as_text(effect.form)))
        else:  # pragma: no cover - `_person` only names the three kinds above
            out.append(effect)
    if remember and now is not None:
        await _keep_or_forget(conn, readers, numbered, set(last), actor, group_id, now)
    return out


async def _keep_or_forget(
    conn: Connection,
    readers: set[Person],
    numbered: dict[Person, list[str]],
    with_buttons: set[Person],
    actor: Who | None,
    group_id: int | None,
    now: datetime,
) -> None:
    """Keep each reader's new numbered card; forget the card of a reader who got one that a
    number must not answer, and of the actor when they did something else."""
    mover = (actor.platform, actor.workspace, actor.user_id) if actor is not None else None
    for person in sorted(readers):
        if person in numbered:
            await plain_text_cards.remember(conn, person, group_id, numbered[person], now)
        elif person in with_buttons or person == mover:
            await plain_text_cards.forget(conn, person)


async def option_for_number(
    conn: Connection, who: Who, number: int, now: datetime
) -> tuple[str, int | None] | None:
    """The words of option `number` on the person's waiting card and the card's group, or None
    when no card is waiting (the number is then for the "which group?" picker)."""
    found = await plain_text_cards.waiting(conn, (who.platform, who.workspace, who.user_id), now)
    if found is None:
        return None
    count = len(found.options)
    if not 1 <= number <= count:
        raise UserError(
            f"The last card I sent you has choices 1 to {count}. Type the number of one, or "
            "the words after it."
        )
    words = found.options[number - 1]
    if any(mark in words for mark in NEEDS_WORDS):
        raise UserError(f"Choice {number} needs your own words: type `{words}`.")
    return words, found.group_id
