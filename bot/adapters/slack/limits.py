"""Slack's limits on what a message, a view and their blocks may hold, in one place.

Where slack_sdk's Block Kit models validate a limit, the number is read from the model class, so
the renderer (`bot.adapters.slack.blocks`) and the strict fake Slack (`testkit.fake_slack`) both
follow the SDK that knows the platform. The rest come from Slack's documentation (Block Kit
reference, `chat.postMessage`): Slack states them but the SDK does not check them.

Every limit here is a count of characters of the text as sent (after escaping `&`, `<`, `>`).
"""

from __future__ import annotations

from typing import Final

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    Option,
    SectionBlock,
)
from slack_sdk.models.blocks.block_elements import InputInteractiveElement, StaticSelectElement
from slack_sdk.models.views import View

BLOCKS_PER_MESSAGE: Final = 50
"""Blocks in one message (Slack documents 50; the SDK does not check messages)."""

BLOCKS_PER_VIEW: Final[int] = View.blocks_max_length
"""Blocks in a modal or the App Home (100)."""

MESSAGE_TEXT: Final = 12_000
"""Characters of text across all blocks of one message. Slack does not publish it, but refuses
more with `msg_blocks_too_long` (slackapi/bolt-js issues 2509 and 2867 measure about 12,000; it is
also the SDK's limit for a `markdown` block), so the renderer stays within it."""

FALLBACK_TEXT: Final = 40_000
"""Slack's limit for a message's top-level `text` (it truncates longer text)."""

FALLBACK_KEPT: Final = 3_000
"""How long the bot lets the notification text be: it is what a phone or screen reader announces,
a summary of the blocks, never the only place the words are."""

SECTION_TEXT: Final[int] = SectionBlock.text_max_length
"""A section's text (3,000)."""

SECTION_FIELDS: Final[int] = SectionBlock.fields_max_length
"""Fields in one section (10)."""

FIELD_TEXT: Final = 2_000
"""One section field's text (Slack documents 2,000; the SDK does not check it)."""

HEADER_TEXT: Final[int] = HeaderBlock.text_max_length
"""A header's plain text (150)."""

ACTIONS_ELEMENTS: Final[int] = ActionsBlock.elements_max_length
"""Elements in one actions block (25)."""

CONTEXT_ELEMENTS: Final[int] = ContextBlock.elements_max_length
"""Elements in one context block (10)."""

CONTEXT_TEXT: Final = 3_000
"""One context element's text (Slack's text-object limit)."""

BUTTON_TEXT: Final[int] = ButtonElement.text_max_length
"""A button's label (75)."""

BUTTON_VALUE: Final[int] = ButtonElement.value_max_length
"""A button's value (2,000): so a button carries a reference, never someone's words."""

ACTION_ID: Final[int] = ButtonElement.action_id_max_length
"""An element's action id (255)."""

OPTION_TEXT: Final[int] = Option.label_max_length
"""An option's label (75)."""

OPTION_VALUE: Final[int] = Option.value_max_length
"""An option's value (150)."""

OPTIONS_PER_SELECT: Final[int] = StaticSelectElement.options_max_length
"""Options in one select (100)."""

PLACEHOLDER: Final[int] = InputInteractiveElement.placeholder_max_length
"""An input's placeholder (150)."""

INPUT_LABEL: Final[int] = InputBlock.label_max_length
"""An input block's label (2,000)."""

INPUT_HINT: Final[int] = InputBlock.hint_max_length
"""An input block's hint (2,000)."""

TEXT_INPUT: Final = 3_000
"""Most characters a plain-text input may be asked to take (`max_length`)."""

VIEW_TITLE: Final[int] = View.title_max_length
"""A modal's title (24)."""

VIEW_BUTTON: Final[int] = View.submit_max_length
"""A modal's submit and close labels (24)."""

PRIVATE_METADATA: Final[int] = View.private_metadata_max_length
"""A view's private metadata (3,000)."""

REFUSALS: Final = frozenset({"invalid_blocks", "msg_blocks_too_long", "invalid_arguments"})
"""Slack's answers for a payload it will never accept as it is: sending it again cannot help."""
