"""The signals card (a button for each signal) and the form that asks which word was jargon."""

from __future__ import annotations

from bot import limits, routing
from bot.cards import Button, Card, Form, FormInput

SEND = "signal.send"
"""A "Slow down" or "I need a break" button: the payload is the signal's kind."""
ASK_WORD = "signal.jargon"
"""The "Too much jargon" button: opens the form that asks which word."""
JARGON_FORM = "signal.jargon_form"

WINDOW_MINUTES = 5
"""Signals of one kind (and word) count together when they come within this many minutes."""


def crowd_words(crowd_size: int) -> str:
    """When facilitators hear, in plain words."""
    if crowd_size <= 1:
        return (
            "The group chose to pass on every signal: facilitators are told straight away, "
            "without your name."
        )
    return (
        f"Facilitators are told, without any names, once {crowd_size} people ask for the same "
        f"thing within {WINDOW_MINUTES} minutes."
    )


def signals_card(group_id: int, crowd_size: int) -> Card:
    """The card people press during a meeting. Pressing is private: others see nothing."""
    return Card(
        title="Need something during the meeting?",
        text=(
            "Press a button at any time. Nobody sees who pressed, not even the facilitators. "
            f"{crowd_words(crowd_size)}"
        ),
        buttons=(
            Button("Slow down", SEND, routing.encode(group_id, "slow"), typed="slow down"),
            Button("Too much jargon", ASK_WORD, routing.encode(group_id), typed="jargon <word>"),
            Button("I need a break", SEND, routing.encode(group_id, "break"), typed="break"),
        ),
        footer="Or send me `slow down`, `jargon <word>` or `break` in a direct message.",
    )


def jargon_form(group_id: int) -> Form:
    """Which word was hard to follow: facilitators hear of it in whole crowds, and the glossary
    gets it only once enough people asked (`commands.glossary_crowd`)."""
    return Form(
        form_id=JARGON_FORM,
        title="Too much jargon",
        intro="Which word or phrase was hard to follow? Nobody will know it was you.",
        inputs=(
            FormInput(
                "word",
                "The word or phrase",
                max_length=limits.GLOSSARY_WORD,
                hint="For example: EHCP",
            ),
        ),
        context=routing.encode(group_id),
        typed="jargon <word>",
        notes=(
            "Nobody sees that you asked. If enough people ask about the same word, it goes into "
            "the group's glossary to be explained, without any names.",
        ),
    )
