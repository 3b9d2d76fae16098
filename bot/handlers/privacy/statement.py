"""What the bot tells people about their privacy, in plain words, with the group's own numbers.

The same promises appear in three places (the welcome when a group is set up, the private
greeting when someone joins, and the `privacy` command), so they are written once, here, and
filled in with the group's settings: a statement that quotes the wrong crowd size or delay would
be a broken promise.
"""

from __future__ import annotations

from bot.cards import Card
from bot.handlers.recognition import record as recognition_record
from bot.store.groups import (
    DEFAULT_ANONYMITY_DELAY_MINUTES,
    DEFAULT_RETENTION_DAYS,
    Group,
)
from bot.text_safety import neutralise


def _minutes(n: int) -> str:
    return "1 minute" if n == 1 else f"{n} minutes"


def _delay_words(delay: int) -> str:
    if delay == 0:
        return (
            "This group has turned the posting delay off, so an anonymous item appears as soon "
            "as it's sent."
        )
    return (
        f"They're posted after a delay (up to about {_minutes(delay)} here), so the time they "
        "appear doesn't point at whoever sent them."
    )


def short_statement(group: Group) -> str:
    """The privacy promise in one paragraph, for the welcome and the greeting."""
    return (
        "Your privacy, in short: anonymous things (elephants, perspectives and reflections) are "
        "stored with no name at all, and totals are shown only once at least "
        f"{group.k} people have taken part. You can always pass. You choose who sees your "
        "check-in words and whether your shares go in the summary. `my-data` shows what I hold "
        "about you and `forget-me` erases it. Type `privacy` for the details."
    )


def full_statement(group: Group | None, default_k: int) -> Card:
    """The `privacy` answer: what is stored, who sees what, for how long, and your rights."""
    k = group.k if group else default_k
    delay = group.anonymity_delay_minutes if group else DEFAULT_ANONYMITY_DELAY_MINUTES
    days = group.retention_days if group else DEFAULT_RETENTION_DAYS
    where = f"in {neutralise(group.name)}" if group else "in each group"
    paragraphs = (
        f"What I keep about you {where}: your name as the platform shows it, the role you chose "
        "(if any), whether you're a facilitator, and whether you want nudges. Also your "
        "check-in answers (your mood, any words, and who you said may see them) and your "
        "answers to sharing rounds (what you shared, or that you passed, and whether your words "
        "may go in the summary), and the agenda items you added with your name on them.",
        "Who sees what: check-in words are seen only by the people you chose: the group, the "
        "facilitators, or nobody. The facilitators see how each person is arriving (the mood, "
        "or that they passed) as the answers come, to look out for anyone having a hard day; "
        f"the group sees moods only added up, once at least {k} have answered. Round answers "
        "are held until the round is revealed, then the "
        "group sees them. Only words you agreed to share go in the meeting summary. A "
        "facilitator's export never holds more than facilitators could already see.",
        "What anonymous means here: elephants, agenda items added anonymously, perspectives on "
        "big elephants, reflections, where on the ladder a meeting felt, “I see it too”, "
        "answers to “does this feel addressed?” and “slow down”, “jargon” and “break” "
        "signals are stored with no author at all: I never record who sent them, and nobody "
        "in the group can find out, facilitators included. To count each person once, I keep "
        "a scrambled code made with a secret key held by whoever runs me, apart from "
        "the words; it cannot be read back into a name, and `forget-me` replaces yours with a "
        "random one, so nothing can link it to you and no count changes (an answer to “does "
        "this feel addressed?” then stays counted as it was). I keep only a code that says "
        "you left and when, so that if you come back nothing is counted twice. "
        f"{_delay_words(delay)} Totals and any breakdown by role are shown only once at least "
        f"{k} people have taken part.",
        "Where on the ladder a meeting felt is anonymous too. So that the group can see whether "
        "people with lived experience and professionals saw the same meeting differently, "
        "each answer keeps one thing beside the rung: which of those two sides it came from "
        "(nothing for other roles). Because that narrows who it could be, answers are only "
        f"ever added up, once the question has closed: a rung only when {k} or more chose it, "
        f"by role only once each side has at least {k} answers, and in steps of {k}, so no one "
        "answer can be picked out by comparing two readings. One answer "
        "each: a second is not kept, since changing it would mean keeping a way back to yours.",
        "Decisions and actions are named, not anonymous: the group sees who noted each one and "
        "who has taken an action on. If you use `forget-me`, your name comes off them and "
        "they stay as the group's record: an action you had taken on that is still open goes "
        "back to the group with nobody on it.",
        recognition_record.PRIVACY_WORDS,
        "“Slow down”, “jargon” and “break” reach the facilitators only once enough people "
        "asked for the same thing within a few minutes, and are deleted a day later. The "
        "glossary is the group's shared list of words: a word asked about goes into it only "
        f"once at least {k} people asked, with no time beside it; no entry says who added or "
        "asked about it, and it is kept while the group exists.",
        "The group's pages (`dashboard`) show what the group already sees in chat, and your "
        "own data. The link I send works once, for 15 minutes, and only for you; opening it "
        "keeps your browser signed in for 12 hours. I keep only a scrambled code of each link "
        "and each visit, never the link itself; both are deleted once they run out, when you "
        "leave, and by `forget-me`.",
        "Passing is an answer. You can pass on anything. Passing is never shown as "
        "“not responded”, and I never nudge someone who passed.",
        "How long: the words people write here (check-in words, round answers, elephants, "
        "agenda items, perspectives, reflections, decisions and actions) are kept for "
        f"{days} days, then erased. Moods, passes and other counts stay, so the group's totals "
        "still add up. The same goes for time and expenses: what they were for is erased then, "
        "and the hours and amounts stay. Summaries already posted stay in the channel like any "
        "other message.",
        "Your rights: `my-data` shows everything I hold about you. `forget-me` erases it (I ask "
        "you to confirm first), including the agenda items you added with your name: they are "
        "deleted, not left without it. Items you added anonymously belong to the group and "
        "stay, since nothing links them to you. Each group is separate, so use them in each "
        "group you're in.",
    )
    return Card(title="Your privacy", text="\n\n".join(paragraphs))
