"""Slack's limits kept without losing a word: long cards become several messages, each within
every limit that slack_sdk's models and Slack's documentation state."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.adapters.slack import limits
from bot.adapters.slack.blocks import (
    card_messages,
    form_view,
    plain_messages,
    short_title,
    split_text,
    text_length,
)
from bot.cards import Button, Card, Field, Form, FormInput


def _valid(blocks: list[dict[str, object]]) -> None:
    assert len(blocks) <= limits.BLOCKS_PER_MESSAGE
    assert text_length(blocks) <= limits.MESSAGE_TEXT
    for block in Block.parse_all(blocks):
        assert block is not None
        block.validate_json()


def _words(text: str) -> list[str]:
    return re.findall(r"\S+", text)


def test_limits_come_from_slack_sdk_where_it_states_them() -> None:
    assert limits.SECTION_TEXT == 3000
    assert limits.HEADER_TEXT == 150
    assert limits.BUTTON_VALUE == 2000
    assert limits.BUTTON_TEXT == 75
    assert limits.VIEW_TITLE == 24
    assert limits.BLOCKS_PER_VIEW == 100


def test_text_splits_between_paragraphs_lines_sentences_then_words() -> None:
    text = "One two. Three four.\nFive six\n\nSeven"
    assert split_text(text, 100) == [text]
    assert split_text(text, 30) == ["One two. Three four.\nFive six", "Seven"]
    assert split_text(text, 25) == ["One two. Three four.", "Five six", "Seven"]
    assert split_text("One two. Three four.", 12) == ["One two.", "Three four."]
    assert split_text("aaaa bbbb cccc", 9) == ["aaaa bbbb", "cccc"]
    assert split_text("x" * 10, 4) == ["xxxx", "xxxx", "xx"]


def test_a_huge_card_becomes_several_messages_each_within_every_limit() -> None:
    paragraphs = [f"Paragraph {i} " + " ".join(f"w{i}x{j}" for j in range(500)) for i in range(60)]
    card = Card(
        title="T " * 200,
        text="\n\n".join(paragraphs),
        fields=tuple(Field(f"L{i}", "v") for i in range(25)),
        buttons=tuple(Button(f"B{i}" * 50, "a.b", "v") for i in range(30)),
        footer="the end",
    )
    messages = card_messages(card)
    assert len(messages) > 2
    for message in messages:
        _valid(message.blocks)
    head = messages[0].blocks
    assert head[0]["type"] == "header"
    assert sum(len(b["elements"]) for b in head if b["type"] == "actions") == 30
    assert head[-1]["elements"][0]["text"] == (
        f"Continued in the thread below ({len(messages) - 1} more parts)."
    )
    assert messages[1].blocks[0]["elements"][0]["text"].endswith(f"part 2 of {len(messages)}")
    shown = " ".join(
        b["text"]["text"]
        for m in messages
        for b in m.blocks
        if b["type"] == "section" and "text" in b
    )
    # every word arrives, in order, the long title included
    assert _words(card.title + " " + card.text) == [w for w in _words(shown)]


def test_an_ephemeral_card_says_the_rest_is_in_the_next_messages() -> None:
    card = Card(text="\n\n".join("word " * 500 for _ in range(10)))
    messages = card_messages(card, "following")
    assert messages[0].blocks[-1]["elements"][0]["text"] == (
        f"Continued in the next {len(messages) - 1} messages ({len(messages) - 1} more parts)."
    )


def test_plain_parts_keep_every_word_without_blocks() -> None:
    card = Card(
        title="Title", text=" ".join(f"w{i}" for i in range(3000)), buttons=(Button("Yes", "a"),)
    )
    messages = plain_messages(card)
    assert all(not m.blocks and len(m.text) <= 3200 for m in messages)
    joined = " ".join(m.text for m in messages)
    assert all(f"w{i}" in _words(joined) for i in range(3000))
    assert "Choices: Yes" in joined


def test_modal_titles_are_shortened_with_sense_and_kept_whole_in_the_body() -> None:
    assert short_title("Your view on elephant #10") == "View on elephant #10"
    assert short_title("Share with the group") == "Share with the group"
    assert len(short_title("A very long title about elephants and everything #123")) <= 24
    form = Form("f", "Your view on elephant #10", (FormInput("x", "X"),))
    view = form_view(form, {})
    assert view["title"]["text"] == "View on elephant #10"
    assert view["blocks"][0]["text"]["text"] == "*Your view on elephant #10*"
    View(**view).validate_json()


def test_the_home_tab_keeps_whole_cards_within_100_blocks_and_says_what_is_left() -> None:
    from bot.adapters.slack.home import home_view

    cards = [Card(title=f"Group {i}", text="Open round", footer="f") for i in range(40)]
    view = home_view(cards)
    View(**view).validate_json()
    assert len(view["blocks"]) <= limits.BLOCKS_PER_VIEW
    headers = [b for b in view["blocks"] if b["type"] == "header"]
    note = view["blocks"][-2]["elements"][0]["text"]
    assert note.startswith(f"{40 - len(headers)} more items did not fit on this page")


_WORD = st.text(alphabet="ab&<>é .\n", min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(
    title=st.text(alphabet="T &<", max_size=200),
    paragraphs=st.lists(
        st.builds(" ".join, st.lists(_WORD, max_size=600)), min_size=1, max_size=12
    ),
    buttons=st.integers(min_value=0, max_value=30),
    continuation=st.sampled_from(["thread", "following"]),
)
def test_any_card_becomes_messages_slack_accepts_with_every_word(
    title: str, paragraphs: list[str], buttons: int, continuation: str
) -> None:
    from testkit.slack_rules import message_problem

    card = Card(
        title=title,
        text="\n\n".join(paragraphs),
        buttons=tuple(Button(f"B{i}", "a.b", "v") for i in range(buttons)),
    )
    messages = card_messages(card, continuation)  # type: ignore[arg-type]
    for message in messages:
        assert message_problem({"text": message.text, "blocks": message.blocks}) is None
    sections = " ".join(
        b["text"]["text"]
        for m in messages
        for b in m.blocks
        if b["type"] == "section" and "text" in b
    )
    shown = sections.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    assert "".join(card.text.split()) in "".join(shown.split())
