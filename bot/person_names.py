"""How a name someone types finds the person they mean, whatever their keyboard.

People type `facilitator sian` for Siân and `@zoe` for Zoë: a phone's keyboard, a screen reader's
dictation or plain habit leaves the accents and capitals out. So names are compared folded: Unicode
compatibility decomposition (NFKD), combining marks dropped, then `casefold` (which also folds
`ß` to `ss`). Scripts without marks to drop (Chinese, Arabic, Cyrillic) compare as they are,
apart from case. A name matches in full, or by its first word alone when no full name matches.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

INVISIBLE = "\u2060\u200b\u200c\u200d\ufeff"
"""Word joiners and zero-width characters: `neutralise` puts one after an `@`, and a pasted name
may carry others; none of them is part of how a name is spelled."""


def fold(name: str) -> str:
    """`name` as it is compared: no accents, no case, single spaces, no invisible characters."""
    decomposed = unicodedata.normalize("NFKD", name)
    kept = "".join(
        char for char in decomposed if not unicodedata.combining(char) and char not in INVISIBLE
    )
    return " ".join(unicodedata.normalize("NFKC", kept).casefold().split())


def first_word(name: str) -> str:
    """The folded first word of a name (`Siân Jones` → `sian`); empty for an empty name."""
    words = fold(name).split()
    return words[0] if words else ""


def matching(typed: str, names: Sequence[str]) -> list[int]:
    """The positions in `names` that `typed` means: every name equal to it folded, or, when none
    is and `typed` is one word, every name whose first word is. Empty when nothing matches."""
    wanted = fold(typed)
    if not wanted:
        return []
    whole = [at for at, name in enumerate(names) if fold(name) == wanted]
    if whole or " " in wanted:
        return whole
    return [at for at, name in enumerate(names) if first_word(name) == wanted]
