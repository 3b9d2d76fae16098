"""Small builders for the most common effects, so handlers read like the conversation they have."""

from __future__ import annotations

from bot.cards import Button, Card
from bot.effects import Effect, FormErrors, ReplyToActor
from bot.text_safety import neutralise


def reply(text: str, *, title: str = "", buttons: tuple[Button, ...] = ()) -> ReplyToActor:
    """Answer only the person who acted."""
    return ReplyToActor(Card(title=title, text=text, buttons=buttons))


def worth_handing_back(text: str) -> bool:
    """Whether a refused command's text should come back in the reply: anything longer than a
    couple of words took effort to write, and a refusal must never lose it."""
    return len(text.split()) > 2


def with_their_text(message: str, original: str) -> ReplyToActor:
    """A refusal that hands the person's text back to them, so nothing they wrote is lost."""
    if not original:
        return reply(message)
    return ReplyToActor(Card(text=message, footer=f"Your text:\n{neutralise(original)}"))


def as_typed(effects: list[Effect], original: str) -> list[Effect]:
    """A form handler's effects, for when the same answer was typed as a command: there is no
    form to show errors beside, so each becomes a plain reply with the person's words handed
    back. Everything else is kept as it is, so typing and pressing do exactly the same."""
    typed: list[Effect] = []
    for effect in effects:
        if isinstance(effect, FormErrors):
            typed.append(with_their_text(" ".join(effect.errors.values()), original))
        else:
            typed.append(effect)
    return typed
