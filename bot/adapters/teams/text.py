"""Teams's own syntax in the text the bot shows: `<at>Name</at>` written out as what it shows.

Text from the core has been through `bot.text_safety.neutralise`, which knows no platform, so a
Teams mention someone typed as markup is still in it as written. `readable` writes it out as a
mention that cannot ping (`@Name` with a word joiner, the name made safe) and drops a stray `<at>`
tag. Adaptive Cards render no HTML, so `<`, `>` and `&` need no escaping; every string the Teams
adapter shows goes through `readable` (`bot.adapters.teams.cards`).
"""

from __future__ import annotations

import re

from bot.text_safety import mention, until_stable

_AT_TAG = re.compile(r"<at\b[^<>]{0,200}>(.{0,300}?)</at\s*>", re.IGNORECASE | re.DOTALL)
_STRAY_AT_TAG = re.compile(r"</?at\b[^<>]{0,200}>", re.IGNORECASE)


def readable(text: str) -> str:
    """Teams mentions written out as what they show; anything else as it is."""
    if "<" not in text:
        return text
    text = until_stable(lambda t: _AT_TAG.sub(lambda m: mention(m.group(1).strip()), t), text)
    return _STRAY_AT_TAG.sub("", text)
