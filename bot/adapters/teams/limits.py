"""What Microsoft Teams accepts from a bot, in one place, from Microsoft's documentation.

- Message size: "The bot message size limit is 100 KB", approximate, "encoded as UTF-16", and
  Microsoft recommends keeping a message "within 80 KB to guarantee successful message delivery";
  over the limit the connector answers 413 `MessageSizeTooBig` (Teams platform docs, "Format your
  bot messages"). We measure the whole activity as sent, serialized to JSON, by the larger of its
  UTF-8 bytes and its UTF-16 bytes (ASCII text counts twice in UTF-16), and keep each activity
  within `ACTIVITY_BUDGET`, Microsoft's 80 KB. The strict fake Teams refuses over `ACTIVITY_LIMIT`.
- Adaptive Card version: Teams renders cards up to 1.5 on desktop and web; the bot declares
  `CARD_VERSION` 1.4 (every feature it uses: input labels and `isRequired` since 1.3, `ActionSet`
  since 1.2), which the mobile clients render as well. The fake checks each card at the version it
  declares with Microsoft's Adaptive Cards library (`testkit/adaptivecards`).
- Actions: Teams shows at most 6 actions in a set (Teams' host config `maxActions`); the renderer
  puts at most `ACTIONS_PER_SET` (5, the Adaptive Cards default) in each row of buttons, which
  also fits the width of a phone.
- Text on a button: Teams shares a row's width equally between its buttons and cuts a label that
  does not fit with "…" (five mood buttons on a phone read "1 Str…"); the renderer puts fewer
  buttons in a row when their labels need it (`PHONE_ROW_PX` and the measures beside it).
- Dialog titles: Teams cuts a task module's title; we keep `DIALOG_TITLE` characters. A
  message's `summary` (the line in notifications, not the message itself) keeps `SUMMARY`. Neither
  ever holds anyone's words alone: the card itself carries the whole text.
"""

from __future__ import annotations

import json
from typing import Any

ACTIVITY_LIMIT = 100 * 1024
"""Teams refuses an activity larger than this (413 MessageSizeTooBig)."""

ACTIVITY_BUDGET = 80 * 1024
"""What one activity the bot sends may measure: Microsoft's recommended 80 KB."""

CARD_VERSION = "1.4"
TEAMS_MAX_CARD_VERSION = "1.5"
TEAMS_MAX_ACTIONS = 6
ACTIONS_PER_SET = 5
DIALOG_TITLE = 100
SUMMARY = 200


def activity_size(activity: Any) -> int:
    """The size of a serialized activity (a JSON-ready dict) as Microsoft counts it, taking the
    larger of UTF-8 (what goes over the wire) and UTF-16 (what Microsoft's documentation names)."""
    text = json.dumps(activity, ensure_ascii=False, separators=(",", ":"))
    return max(len(text.encode("utf-8")), len(text.encode("utf-16-le")))


ENVELOPE_ROOM = 2 * 1024
"""Room left in each measured activity for what the connector call adds to the card's message
(conversation, sender, recipient, service URL, ids)."""

CONTINUATION_ROOM = 1024
"""Room kept in each part of a long card for its "continues" or "part 2 of 3" line."""

PHONE_ROW_PX = 300
BUTTON_PADDING_PX = 20
CHAR_PX = 7.5
"""A phone-width card's row of buttons, measured on Teams mobile: about 300 px shared equally by
the buttons in a row, each with about 20 px of padding, text at about 7.5 px a character."""
