"""How a name someone types finds the person they mean, whatever their keyboard.

People type `facilitator sian` for Siân and `@zoe` for Zoë: a phone's keyboard, a screen reader's
dictation or plain habit leaves the accents and capitals out. So names are compared folded:
Unicode compatibility decomposition (NFKD), the accents of Latin, Greek, Cyrillic, Arabic and
Hebrew letters dropped (in those scripts they are optional marks on the same letter), a few
letters that Unicode does not decompose spelled plainly (`Ł` as `l`, `Ø` as `o`, `Æ` as `ae`),
then `casefold` (which also folds `ß` to `ss`). In other scripts a mark makes a different
letter (Japanese `ジ` is not `シ`, a Devanagari vowel sign is part of the syllable), so their
marks are kept and those names compare as written, apart from width and case. A name matches in
full, or by its first word alone when no full name matches.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

INVISIBLE = "\u2060\u200b\u200c\u200d\ufeff"
"""Word joiners and zero-width characters: `neutralise` puts one after an `@`, and a pasted name
may carry others; none of them is part of how a name is spelled."""

ACCENTED_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC", "ARABIC", "HEBREW")
"""Scripts whose combining marks are accents on the same letter, safe to drop for matching."""

PLAIN_LETTERS = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ħ": "h",
        "ŧ": "t",
        "ı": "i",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
        "ŀ": "l",
    }
)
"""Letters Unicode does not decompose that people type without their stroke (after casefold)."""


def _script(char: str) -> str:
    """The script a letter belongs to, as the first word of its Unicode name ("" for none)."""
    return unicodedata.name(char, "").split(" ", 1)[0] if len(char) == 1 else ""


def fold(name: str) -> str:
    """`name` as it is compared: no accents, no case, single spaces, no invisible characters."""
    kept: list[str] = []
    base = ""
    for char in unicodedata.normalize("NFKD", name):
        if char in INVISIBLE:
            continue
        if unicodedata.combining(char):
            if _script(base) in ACCENTED_SCRIPTS:
                continue
        else:
            base = char
        kept.append(char)
    folded = unicodedata.normalize("NFKC", "".join(kept)).casefold().translate(PLAIN_LETTERS)
    return " ".join(folded.split())


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
