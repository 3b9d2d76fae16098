"""Words about a person's access profile: what they see of their own, and what facilitators see
of those that were shared. Shared by the commands, the check-in note and `my-data`."""

from __future__ import annotations

from bot.store.access import Profile, SharedNeed
from bot.text_safety import neutralise

SHARE_WORDS = {
    "named": "facilitators may see them, with your name",
    "anonymous": "facilitators may see them, without your name",
    "no": "nobody else sees them (not even facilitators)",
}


def preferences(profile: Profile) -> str:
    chosen = [
        words
        for on, words in (
            (profile.plain_text, "plain text with numbered options, no buttons"),
            (profile.fewer_messages, "fewer messages"),
            (
                profile.earlier_reminders,
                "earlier reminders (actions two days before they're due, meetings the day before)",
            ),
        )
        if on
    ]
    return ", ".join(chosen) if chosen else "nothing chosen"


def own_lines(profile: Profile) -> list[str]:
    """A person's own profile, in plain words."""
    needs = f"“{neutralise(profile.needs)}”" if profile.needs else "none written yet"
    return [
        f"Your needs: {needs}",
        f"How you like to get things: {preferences(profile)}",
        f"Who sees your needs: {SHARE_WORDS[profile.share]}",
    ]


def shared_lines(shared: list[SharedNeed]) -> list[str]:
    """The shared needs as a list for facilitators: a name only where the person chose it."""
    lines = []
    for need in shared:
        words = neutralise(need.needs) if need.needs else "no needs written"
        if need.earlier_reminders:
            words += " (would like papers and reminders earlier)"
        lines.append(f"- {neutralise(need.name) + ': ' if need.name else ''}{words}")
    return lines


FACILITATOR_INTRO = (
    "Access needs that members agreed to share with facilitators. Names appear only where the "
    "person chose to be named; please don't try to work out who wrote the others."
)
