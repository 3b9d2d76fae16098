"""Check-in words reach exactly the audience their author chose."""

from __future__ import annotations

from bot.identity import Who
from tests.dialogue import Chat, person

FAY = person("Fay")  # facilitator
ANN = person("Ann")
BOB = person("Bob")


async def test_words_for_facilitators_reach_them_privately_and_nobody_else(chat: Chat) -> None:
    await chat.group_of(FAY, [(ANN, "lived-experience"), (BOB, "professional")])
    await chat.say(FAY, "checkin")
    for who, words, visibility in (
        (ANN, "I had a rough night with my son", "facilitators"),
        (BOB, "Glad to be here", "group"),
    ):
        form = (await chat.say(who, "checkin")).forms[0]
        await chat.submit(who, form, {"mood": "3", "words": words, "visibility": visibility})
    ended = await chat.say(FAY, "meeting end")
    channel_text = "\n".join(ended.posts)
    assert "Glad to be here" in channel_text
    assert "rough night" not in channel_text
    to_fay = "\n".join(ended.messages_to(FAY))
    assert "Ann: “I had a rough night with my son”" in to_fay
    assert "Glad to be here" not in to_fay  # group words are already in the summary
    assert not any("rough night" in text for text in ended.messages_to(BOB))
    assert not any("rough night" in text for text in ended.messages_to(ANN))


async def test_words_for_facilitators_reach_them_even_when_someone_said_the_same_openly(
    chat: Chat,
) -> None:
    """Two people called Sam both write "Tired": one for everyone, one for the facilitators only.
    The private one is still passed on privately; it is not the same answer as the open one."""
    sam_one = Who(ANN.platform, ANN.workspace, "U-sam-1", "Sam")
    sam_two = Who(ANN.platform, ANN.workspace, "U-sam-2", "Sam")
    await chat.group_of(FAY, [(sam_one, "lived-experience"), (sam_two, "professional")])
    await chat.say(FAY, "checkin")
    for who, visibility in ((sam_one, "group"), (sam_two, "facilitators")):
        form = (await chat.say(who, "checkin")).forms[0]
        await chat.submit(who, form, {"mood": "3", "words": "Tired", "visibility": visibility})
    ended = await chat.say(FAY, "meeting end")
    assert "Sam: “Tired”" in "\n".join(ended.messages_to(FAY))
