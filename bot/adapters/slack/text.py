"""Slack's own syntax in the text the bot posts: written out as what it shows, then escaped.

Text from the core has been through `bot.text_safety.neutralise`, which knows no platform, so a
Slack sequence someone typed (`<!channel>`, `<@U123|bob>`, `<#C1|general>`, `<http://x|click>`) is
still in it as written. `readable` writes each one out as what Slack would show, made harmless the
same way as all user text (`@channel` with a word joiner, `click (http://x)`), and `mrkdwn` then
escapes `&`, `<` and `>`, so no control sequence, mention or link can form in a message. Every
string the Slack adapter puts in a message goes through one of the two (in `blocks`).
"""

from __future__ import annotations

import re

from bot.text_safety import (
    ANGLE,
    MARKUP_LOOKALIKES,
    MENTION_ID,
    WORD_JOINER,
    link_text,
    mention,
    neutralise,
    until_stable,
)

BROADCASTS = frozenset({"channel", "here", "everyone", "group"})
_LINK = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*:[^\s|]+)\|(.*)", re.DOTALL)


def readable(text: str) -> str:
    """Slack's sequences written out as what they show; anything else as it is."""
    if "<" not in text:
        return text
    return until_stable(lambda t: ANGLE.sub(_sequence, t), text)


def escape(text: str) -> str:
    """Make plain text safe for Slack's mrkdwn and message text: no links, pings or markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn(text: str) -> str:
    """Text from the core as it goes into a mrkdwn field or a message's text."""
    return escape(readable(text))


def _sequence(match: re.Match[str]) -> str:
    """One `<…>`: a Slack broadcast, mention, channel or labelled link; anything else stays."""
    # `neutralise` put a word joiner after any `@` inside and a look-alike for `|` outside
    # addresses; Slack would have read them as `@` and `|`.
    inside = match.group(1).replace(WORD_JOINER, "").replace(MARKUP_LOOKALIKES["|"], "|")
    if inside.startswith("!"):
        body, _, label = inside[1:].partition("|")
        name, _, team = body.partition("^")
        if name.lower() in BROADCASTS:
            return mention(name.lower())
        if name.lower() == "subteam":
            return mention(label.lstrip("@") or team)
        return neutralise(label or body)  # dates (`<!date^…|fallback>`) and anything newer
    if inside[:1] in ("@", "#"):
        sigil = inside[0]
        ident, _, label = inside[1:].partition("|")
        if not MENTION_ID.fullmatch(ident):
            return match.group(0)
        shown = label.lstrip(sigil) or ident
        return mention(shown) if sigil == "@" else "#" + neutralise(shown)
    link = _LINK.fullmatch(inside)
    if link:
        return neutralise(link_text(link.group(2), link.group(1)))
    return match.group(0)
