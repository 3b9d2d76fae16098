"""The glossary as a card: explained words with their meanings, then the words asked about."""

from __future__ import annotations

from collections.abc import Sequence

from bot.cards import Card
from bot.store.glossary import Entry
from bot.text_safety import neutralise

ADD_HINT = (
    "Add a word: `glossary add <word> <plain meaning>` (a phrase goes in quotes: "
    '`glossary add "care plan" …`).'
)


def glossary_card(group_name: str, entries: Sequence[Entry]) -> Card:
    """Every entry, alphabetically; words asked about but not explained are listed apart."""
    title = f"Glossary of {neutralise(group_name)}"
    if not entries:
        return Card(title=title, text=f"The glossary is empty so far.\n{ADD_HINT}")
    explained = [e for e in entries if e.meaning]
    asked = [e for e in entries if not e.meaning]
    parts = []
    if explained:
        parts.append(
            "\n".join(f"{neutralise(e.word)}: {neutralise(e.meaning or '')}" for e in explained)
        )
    if asked:
        words = ", ".join(neutralise(e.word) for e in asked)
        parts.append(f"Asked, not yet explained: {words}")
    return Card(title=title, text="\n\n".join(parts), footer=ADD_HINT)
