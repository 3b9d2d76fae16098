"""Plain-text rendering of cards, used by the console adapter and by tests to read replies."""

from __future__ import annotations

from bot.cards import Card


def card_text(card: Card, *, numbered_buttons: bool = True) -> str:
    """A card as a few lines of text; buttons become a numbered list a person can choose from."""
    lines: list[str] = []
    if card.title:
        lines.append(f"== {card.title} ==")
    if card.text:
        lines.append(card.text)
    for field in card.fields:
        lines.append(f"{field.label}: {field.value}")
    if card.buttons:
        if numbered_buttons:
            lines.extend(f"  [{i}] {b.label}" for i, b in enumerate(card.buttons, start=1))
        else:
            lines.append("  " + " | ".join(b.label for b in card.buttons))
    if card.footer:
        lines.append(card.footer)
    return "\n".join(lines)
