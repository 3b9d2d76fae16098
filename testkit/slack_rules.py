"""What Slack accepts, checked as strictly as the fake can: slack_sdk's own Block Kit models
(every block parsed and serialised, which runs each model's validators) plus Slack's documented
limits that the SDK does not check (blocks and text per message, field text, unique action ids).

Each check returns Slack's own error code for a payload it would refuse, or None. The limits are
Slack's; they are written here again on purpose, not imported from the bot, so a mistake in the
bot's limits cannot hide itself in the fake.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
MESSAGE_BLOCK_TEXT = 12_000
MESSAGE_TEXT = 40_000
FIELD_TEXT = 2_000
CONTEXT_TEXT = 3_000
TEXT_INPUT = 3_000


def text_in(node: Any) -> int:
    """Characters of text in a block tree (every string under a `text` key)."""
    if isinstance(node, dict):
        return sum(
            len(v) if k == "text" and isinstance(v, str) else text_in(v) for k, v in node.items()
        )
    if isinstance(node, list):
        return sum(text_in(item) for item in node)
    return 0


def _block_problem(block: Any) -> bool:
    """True when slack_sdk cannot parse this block or its validators refuse it."""
    if not isinstance(block, dict):
        return True
    try:
        parsed = Block.parse(block)
        if parsed is None:
            return True
        parsed.to_dict()
    except (SlackObjectFormationError, KeyError, TypeError, ValueError, AttributeError):
        return True
    for item in block.get("fields") or []:
        if len(item.get("text", "")) > FIELD_TEXT:
            return True
    elements = block.get("elements") or []
    if block.get("type") == "context" and any(
        len(e.get("text", "")) > CONTEXT_TEXT for e in elements
    ):
        return True
    if block.get("type") == "actions" and any(e.get("type") is None for e in elements):
        return True
    element = block.get("element") or {}
    if int(element.get("max_length") or 0) > TEXT_INPUT:
        return True
    text = block.get("text")
    return isinstance(text, dict) and not str(text.get("text", "")).strip()


def _action_ids(blocks: list[Any]) -> list[str]:
    found: list[str] = []
    for block in blocks:
        if not isinstance(block, dict):
            continue
        for element in [*(block.get("elements") or []), block.get("element") or {}]:
            if isinstance(element, dict) and "action_id" in element:
                found.append(str(element["action_id"]))
    return found


def blocks_problem(blocks: Any, *, most: int) -> str | None:
    """Slack's error code for these blocks, or None when it would take them."""
    if not isinstance(blocks, list) or len(blocks) > most:
        return "invalid_blocks"
    if any(_block_problem(block) for block in blocks):
        return "invalid_blocks"
    ids = _action_ids(blocks)
    if len(ids) != len(set(ids)):
        return "invalid_blocks"
    return None


def message_problem(args: dict[str, Any]) -> str | None:
    """What Slack answers a `chat.postMessage`, `chat.update`, `chat.postEphemeral` or
    response_url payload with, if it refuses it."""
    text = args.get("text")
    blocks = args.get("blocks")
    if not text and not blocks:
        return "no_text"
    if text is not None and not isinstance(text, str):
        return "invalid_arguments"
    if isinstance(text, str) and len(text) > MESSAGE_TEXT:
        return "msg_too_long"
    if blocks is None:
        return None
    problem = blocks_problem(blocks, most=MESSAGE_BLOCKS)
    if problem:
        return problem
    if text_in(blocks) > MESSAGE_BLOCK_TEXT:
        return "msg_blocks_too_long"
    return None


def view_problem(view: Any) -> str | None:
    """What Slack answers `views.open` or `views.publish` with, if it refuses the view."""
    if not isinstance(view, dict):
        return "invalid_arguments"
    problem = blocks_problem(view.get("blocks"), most=VIEW_BLOCKS)
    if problem:
        return "invalid_arguments"
    try:
        View(**view).to_dict()
    except (SlackObjectFormationError, TypeError, ValueError, KeyError, AttributeError):
        return "invalid_arguments"
    return None
