"""Group set-up, roles, facilitators, meeting times, nudges and the group's settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.effects import MessageMember
from bot.identity import Who
from bot.store import groups, members
from bot.store.database import Database
from bot.store.groups import Group
from bot.store.members import Member
from bot.store.schema import meetings as meetings_table
from tests.dialogue import Chat, channel, dm, person

ANA = person("Ana")  # the first facilitator
BEN = person("Ben")
CAL = person("Cal")
GUEST = Who("console", "elsewhere", "U-guest", "Guest")


async def the_group(db: Database, name: str = "general") -> Group:
    async with db.read() as conn:
        group = await groups.for_conversation(conn, channel(name))
    assert group is not None
    return group


async def member(db: Database, who: Who, name: str = "general") -> Member | None:
    group = await the_group(db, name)
    async with db.read() as conn:
        return await members.get(conn, group.id, who.user_id)


async def started(chat: Chat) -> None:
    await chat.say(ANA, "setup Parents Forum")
    await chat.say(BEN, "role professional")


# -- setup ------------------------------------------------------------------------------------


async def test_setup_makes_a_group_with_a_welcome_privacy_and_role_picker(
    chat: Chat, db: Database
) -> None:
    outcome = await chat.say(ANA, "setup Parents Forum")
    welcome, picker = outcome.posts
    assert "Welcome to Parents Forum" in welcome
    assert "as equals" in welcome
    assert "stored with no name at all" in welcome and "at least 3 people" in welcome
    assert "Ana is the facilitator" in welcome
    assert "How do you take part?" in picker
    for label in ("Lived experience", "Professional", "Both", "Prefer not to say"):
        assert outcome.button(label).action == "setup.role"
    assert "first facilitator" in outcome.reply and "schedule weekly tue" in outcome.reply
    group = await the_group(db)
    assert (group.name, group.timezone, group.k) == ("Parents Forum", "Europe/London", 3)
    ana = await member(db, ANA)
    assert ana is not None and ana.is_facilitator and ana.role is None


async def test_setup_without_a_name_uses_a_sensible_one(chat: Chat, db: Database) -> None:
    outcome = await chat.say(ANA, "setup")
    assert "Welcome to Co-production group" in outcome.posts[0]
    assert (await the_group(db)).name == "Co-production group"


async def test_setup_name_is_cleaned_and_stored_neutralised(chat: Chat, db: Database) -> None:
    outcome = await chat.say(ANA, "setup   *Carers*   @here  ")
    assert (await the_group(db)).name == "\u2217Carers\u2217   @\u2060here"
    assert "*Carers*" not in outcome.text() and "@here" not in outcome.text()


async def test_setup_name_too_long_is_refused_and_given_back(chat: Chat, db: Database) -> None:
    name = "x" * 81
    outcome = await chat.say(ANA, f"setup {name}")
    assert "The group name is 81 characters; the limit is 80" in outcome.reply
    assert name in outcome.reply
    async with db.read() as conn:
        assert await groups.for_conversation(conn, channel()) is None


async def test_setup_in_a_direct_message_is_refused(chat: Chat) -> None:
    outcome = await chat.say(ANA, "setup", where=dm(ANA))
    assert "Please type `setup` in the channel you want to use." in outcome.reply


async def test_setup_by_a_guest_from_another_workspace_is_refused(chat: Chat) -> None:
    outcome = await chat.say(GUEST, "setup")
    assert "Only someone from this channel's own workspace can set it up" in outcome.reply
    assert not outcome.posts


@pytest.mark.parametrize("who", [ANA, BEN])
async def test_a_second_setup_says_who_facilitates(chat: Chat, who: Who) -> None:
    await chat.say(ANA, "setup Parents Forum")
    outcome = await chat.say(who, "setup Another")
    assert "already a co-production group: Parents Forum, facilitated by Ana" in outcome.reply
    assert not outcome.posts
    assert ("`set name`" in outcome.reply) == (who == ANA)


# -- roles ------------------------------------------------------------------------------------


async def test_role_without_argument_offers_the_picker(chat: Chat) -> None:
    await started(chat)
    outcome = await chat.say(BEN, "role")
    assert "How do you take part?" in outcome.reply
    assert "At the moment you've said: professional" in outcome.reply
    assert "lived experience: 4 of 5 shared" in outcome.reply
    assert outcome.button("Both").action == "setup.role"


@pytest.mark.parametrize(
    ("word", "said"),
    [
        ("lived-experience", "lived experience"),
        ("professional", "professional"),
        ("both", "both lived experience and professional"),
        ("prefer-not-to-say", "prefer not to say"),
    ],
)
async def test_role_with_argument_is_stored_and_confirmed(
    chat: Chat, db: Database, word: str, said: str
) -> None:
    await chat.say(ANA, "setup")
    outcome = await chat.say(CAL, f"role {word}")
    assert f"as: {said}" in outcome.reply
    assert "self-declared" in outcome.reply and "only for counts" in outcome.reply
    cal = await member(db, CAL)
    assert cal is not None and cal.role == word


async def test_role_again_says_it_is_already_noted(chat: Chat) -> None:
    await started(chat)
    outcome = await chat.say(BEN, "role professional")
    assert "You've already said you take part as: professional" in outcome.reply


async def test_an_unknown_role_lists_the_choices(chat: Chat) -> None:
    await started(chat)
    outcome = await chat.say(BEN, "role doctor")
    assert "is not one of the roles" in outcome.reply and "`lived-experience`" in outcome.reply


async def test_pressing_a_role_button_in_the_channel_joins_you(chat: Chat, db: Database) -> None:
    setup = await chat.say(ANA, "setup")
    outcome = await chat.press(CAL, setup.button("Lived experience"))
    assert "as: lived experience" in outcome.reply
    cal = await member(db, CAL)
    assert cal is not None and cal.role == "lived-experience" and not cal.is_facilitator


async def test_a_tampered_role_button_is_refused(chat: Chat, db: Database) -> None:
    setup = await chat.say(ANA, "setup")
    button = setup.button("Both")
    forged = type(button)(button.label, button.action, button.value.split("|")[0] + "|admin")
    outcome = await chat.press(ANA, forged)
    assert "That button no longer works. Please type `role` instead." in outcome.reply
    ana = await member(db, ANA)
    assert ana is not None and ana.role is None


async def test_role_in_a_direct_message_from_someone_outside_any_group(chat: Chat) -> None:
    outcome = await chat.say(CAL, "role", where=dm(CAL))
    assert "You're not in a co-production group yet" in outcome.reply


# -- newcomers --------------------------------------------------------------------------------


async def test_joining_the_channel_greets_privately_and_makes_a_member(
    chat: Chat, db: Database
) -> None:
    await chat.say(ANA, "setup Parents Forum")
    outcome = await chat.join(CAL)
    (greeting,) = outcome.messages_to(CAL)
    assert "welcome to Parents Forum" in greeting
    assert "stored with no name at all" in greeting
    assert "How do you take part?" in greeting
    assert not outcome.posts and not outcome.replies
    cal = await member(db, CAL)
    assert cal is not None and cal.role is None and cal.nudges
    # the picker works from the direct message, where the core will not auto-join anyone
    pressed = await chat.press(CAL, outcome.button("Professional"), where=dm(CAL))
    assert "as: professional" in pressed.reply


async def test_rejoining_mentions_the_role_already_given(chat: Chat) -> None:
    await started(chat)
    outcome = await chat.join(BEN)
    assert "You've said you take part as: professional" in outcome.messages_to(BEN)[0]


async def test_joining_a_channel_that_is_not_a_group_does_nothing(chat: Chat) -> None:
    assert (await chat.join(CAL)).effects == []


async def test_a_guest_from_another_workspace_is_not_greeted(chat: Chat, db: Database) -> None:
    await chat.say(ANA, "setup")
    assert (await chat.join(GUEST)).effects == []
    assert await member(db, GUEST) is None


# -- facilitators -----------------------------------------------------------------------------


async def test_sharing_facilitation_posts_a_note_and_tells_them(chat: Chat, db: Database) -> None:
    await started(chat)
    outcome = await chat.say(ANA, "facilitator @Ben")
    assert "Ben is now a facilitator too" in outcome.reply
    assert outcome.posts == ["Ben is now a facilitator. Facilitators: Ana and Ben."]
    assert "You're now a facilitator of Parents Forum" in outcome.messages_to(BEN)[0]
    ben = await member(db, BEN)
    assert ben is not None and ben.is_facilitator


async def test_facilitator_by_platform_mention(chat: Chat, db: Database) -> None:
    await started(chat)
    outcome = await chat.say(ANA, f"facilitator add <@{BEN.user_id}>")
    assert "Ben is now a facilitator" in outcome.reply


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("facilitator @Zed", "I can't find “Zed” among the members of Parents Forum"),
        ("facilitator <@U-zed>", "I can't find that person among the members"),
        ("facilitator remove @Zed", "I can't find “Zed”"),
        ("facilitator @Ana", "Ana is already a facilitator of Parents Forum"),
        ("facilitator remove @Ben", "Ben isn't a facilitator, so there's nothing to remove"),
        ("facilitator", "Please say who"),
        (
            "facilitator remove @Ana",
            "the last facilitator cannot remove themselves",
        ),
    ],
)
async def test_facilitator_mistakes(chat: Chat, line: str, expected: str) -> None:
    await started(chat)
    outcome = await chat.say(ANA, line)
    assert expected in outcome.reply
    assert not outcome.posts


async def test_the_last_facilitator_is_told_how_to_hand_over(chat: Chat, db: Database) -> None:
    await started(chat)
    outcome = await chat.say(ANA, "facilitator remove Ana")
    assert "make someone else a facilitator with `facilitator @name`" in outcome.reply
    ana = await member(db, ANA)
    assert ana is not None and ana.is_facilitator


async def test_a_name_with_markup_characters_is_found_as_typed(chat: Chat) -> None:
    """Names are stored made safe (`jo_smith` keeps no underscore that could make italics), yet
    typing the name as it looks still finds the person."""
    await started(chat)
    await chat.say(Who("console", "local", "U-jo", "jo_smith"), "role both")
    outcome = await chat.say(ANA, "facilitator @jo_smith")
    assert "is now a facilitator" in outcome.reply


async def test_an_ambiguous_display_name_asks_for_a_mention(chat: Chat) -> None:
    await started(chat)
    await chat.say(Who("console", "local", "U-ben-2", "Ben"), "role both")
    outcome = await chat.say(ANA, "facilitator Ben")
    assert "More than one member is called “Ben”. Please @mention the one you mean." in (
        outcome.reply
    )


async def test_handing_over_facilitation(chat: Chat, db: Database) -> None:
    await started(chat)
    await chat.say(ANA, "facilitator @Ben")
    outcome = await chat.say(ANA, "facilitator remove @Ana")
    assert "You're no longer a facilitator, and still a member" in outcome.reply
    assert outcome.posts == ["Ana has handed over facilitation. Facilitators now: Ben."]
    ana = await member(db, ANA)
    assert ana is not None and not ana.is_facilitator
    removed = await chat.say(BEN, "facilitator remove @Ana")
    assert "Ana isn't a facilitator" in removed.reply


async def test_removing_another_facilitator(chat: Chat) -> None:
    await started(chat)
    await chat.say(ANA, "facilitator @Ben")
    outcome = await chat.say(ANA, "facilitator remove @Ben")
    assert "Ben is no longer a facilitator, and still a member" in outcome.reply
    assert outcome.posts == ["Ben is no longer a facilitator. Facilitators now: Ana."]


# -- time zone and schedule -------------------------------------------------------------------


async def planned(db: Database) -> list[tuple[datetime, str, bool]]:
    """Every meeting row of the group: (start, status, check-in sent), by start."""
    group = await the_group(db)
    async with db.read() as conn:
        query = (
            select(meetings_table)
            .where(meetings_table.c.group_id == group.id)
            .order_by(meetings_table.c.starts_at)
        )
        rows = (await conn.execute(query)).mappings().all()
    return [(r["starts_at"], r["status"], r["checkin_sent_at"] is not None) for r in rows]


async def mark_checkin_sent(db: Database, starts_at: datetime) -> None:
    async with db.write() as conn:
        await conn.execute(
            meetings_table.update()
            .where(meetings_table.c.starts_at == starts_at)
            .values(checkin_sent_at=starts_at - timedelta(minutes=15))
        )


TUE_3_MARCH_10 = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)  # 10:00 in London
WED_11_MARCH_14 = datetime(2026, 3, 11, 14, 0, tzinfo=UTC)


async def test_schedule_is_stored_described_and_announced(chat: Chat, db: Database) -> None:
    await started(chat)
    outcome = await chat.say(ANA, "schedule weekly tue 10:00 90m")
    assert "every Tuesday at 10:00 for 1 hour 30 minutes" in outcome.reply
    assert (
        "Next meetings:\n• Tuesday 3 March at 10:00\n• Tuesday 10 March at 10:00\n"
        "• Tuesday 17 March at 10:00\n(Times are Europe/London time.)"
    ) in outcome.reply
    assert "Next meetings:\n• Tuesday 3 March at 10:00" in outcome.posts[0]
    assert "check-in 15 minutes before" in outcome.reply
    assert "This group now meets every Tuesday at 10:00" in outcome.posts[0]
    assert (await the_group(db)).schedule_rule == "weekly tue 10:00 1h30m"
    assert await planned(db) == [(TUE_3_MARCH_10, "scheduled", False)]


async def test_a_new_schedule_replaces_planned_meetings_not_yet_under_way(
    chat: Chat, db: Database
) -> None:
    await started(chat)
    await chat.say(ANA, "schedule weekly tue 10:00 90m")
    outcome = await chat.say(ANA, "schedule monthly 2nd wed 14:00 2h")
    assert "on the second Wednesday of each month at 14:00 for 2 hours" in outcome.reply
    assert "Next meetings:\n• Wednesday 11 March at 14:00" in outcome.reply
    assert await planned(db) == [(WED_11_MARCH_14, "scheduled", False)]


async def test_a_meeting_whose_check_in_went_out_is_left_alone(chat: Chat, db: Database) -> None:
    await started(chat)
    await chat.say(ANA, "schedule weekly tue 10:00 90m")
    await mark_checkin_sent(db, TUE_3_MARCH_10)
    outcome = await chat.say(ANA, "schedule monthly 2nd wed 14:00 2h")
    assert "• Wednesday 11 March at 14:00" in outcome.reply
    # the scheduler writes the new rule's meetings down in its own time
    assert (TUE_3_MARCH_10, "scheduled", True) in await planned(db)


async def test_the_same_schedule_again_changes_nothing(chat: Chat, db: Database) -> None:
    await started(chat)
    await chat.say(ANA, "schedule weekly tue 10:00 90m")
    before = await planned(db)
    outcome = await chat.say(ANA, "schedule weekly tuesday 10:00 1h30m")
    assert "The group already meets every Tuesday at 10:00" in outcome.reply
    assert "Next meetings:\n• Tuesday 3 March at 10:00" in outcome.reply
    assert not outcome.posts
    assert await planned(db) == before


async def test_a_bad_schedule_passes_on_the_examples_and_the_text(chat: Chat, db: Database) -> None:
    await started(chat)
    outcome = await chat.say(ANA, "schedule weekly someday 10:00 90m")
    assert "A schedule looks like one of these" in outcome.reply
    assert "weekly someday 10:00 90m" in outcome.reply
    assert (await the_group(db)).schedule_rule is None
    assert await planned(db) == []


async def test_schedule_off(chat: Chat, db: Database) -> None:
    await started(chat)
    await chat.say(ANA, "schedule weekly tue 10:00 90m")
    outcome = await chat.say(ANA, "schedule off")
    assert "There are no scheduled meetings now" in outcome.reply
    assert "`meeting start`" in outcome.reply
    assert "no regular meeting time" in outcome.posts[0]
    assert (await the_group(db)).schedule_rule is None
    assert await planned(db) == []
    again = await chat.say(ANA, "schedule off")
    assert "There's no schedule to turn off" in again.reply


async def test_timezone_is_validated_and_moves_the_meetings(chat: Chat, db: Database) -> None:
    await started(chat)
    await chat.say(ANA, "schedule weekly tue 10:00 90m")
    outcome = await chat.say(ANA, "timezone america/new_york")
    assert "The group's time zone is now America/New_York, where it's Tuesday 04:00" in (
        outcome.reply
    )
    assert "Meetings keep their local time" in outcome.reply
    assert "The next meeting is Tuesday 3 March at 10:00 (America/New_York time)" in outcome.reply
    assert "Meeting times are now in America/New_York time" in outcome.posts[0]
    assert (await the_group(db)).timezone == "America/New_York"
    # 10:00 in New York, which is five hours behind London until the clocks change on 8 March
    assert await planned(db) == [(TUE_3_MARCH_10 + timedelta(hours=5), "scheduled", False)]


async def test_timezone_without_a_schedule_and_with_quiet_hours(chat: Chat) -> None:
    await started(chat)
    await chat.say(ANA, "quiet-hours 21:00-08:00")
    outcome = await chat.say(ANA, "timezone Asia/Kolkata")
    assert "now Asia/Kolkata, where it's Tuesday 14:30" in outcome.reply
    assert "Quiet hours are now 21:00 to 08:00 (Asia/Kolkata time)" in outcome.reply
    assert not outcome.posts


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("timezone Europe/Londn", "I don't know the time zone “Europe/Londn”. Did you mean "
         "Europe/London?"),
        ("timezone Mars/Olympus", "for example Europe/London, Europe/Dublin, America/New_York"),
        ("timezone Europe/London", "The time zone is already Europe/London, where it's 09:00"),
        ("timezone", "Please give one time zone name"),
    ],
)  # fmt: skip
async def test_timezone_mistakes(chat: Chat, db: Database, line: str, expected: str) -> None:
    await started(chat)
    outcome = await chat.say(ANA, line)
    assert expected in outcome.reply
    assert (await the_group(db)).timezone == "Europe/London"


async def test_timezone_error_gives_the_text_back(chat: Chat) -> None:
    await started(chat)
    outcome = await chat.say(ANA, "timezone Nowhere/Atall")
    assert "Your text:\nNowhere/Atall" in outcome.reply


# -- quiet hours ------------------------------------------------------------------------------


async def test_quiet_hours_set_and_off(chat: Chat, db: Database) -> None:
    await started(chat)
    outcome = await chat.say(ANA, "quiet-hours 21:00-08:00")
    assert "Quiet hours are 21:00 to 08:00 (Europe/London time)" in outcome.reply
    group = await the_group(db)
    assert (group.quiet_start, group.quiet_end) == ("21:00", "08:00")
    same = await chat.say(ANA, "quiet-hours 21:00 - 08:00")
    assert "Quiet hours are already 21:00 to 08:00" in same.reply
    off = await chat.say(ANA, "quiet-hours off")
    assert "Quiet hours are off" in off.reply
    group = await the_group(db)
    assert (group.quiet_start, group.quiet_end) == (None, None)
    again = await chat.say(ANA, "quiet-hours off")
    assert "There are no quiet hours set" in again.reply


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("quiet-hours 9pm-7am", "Please use the 24-hour clock"),
        ("quiet-hours 25:00-08:00", "isn't a time of day"),
        ("quiet-hours late", "Please give quiet hours as a start and an end time"),
        ("quiet-hours", "Please give the hours"),
    ],
)
async def test_quiet_hours_mistakes(chat: Chat, db: Database, line: str, expected: str) -> None:
    await started(chat)
    outcome = await chat.say(ANA, line)
    assert expected in outcome.reply
    assert (await the_group(db)).quiet_start is None


# -- nudges -----------------------------------------------------------------------------------


async def test_nudges_are_each_persons_own(chat: Chat, db: Database) -> None:
    await started(chat)
    outcome = await chat.say(BEN, "nudges off")
    assert "your nudges are off" in outcome.reply
    assert "`nudges on`" in outcome.reply
    ben = await member(db, BEN)
    ana = await member(db, ANA)
    assert ben is not None and not ben.nudges
    assert ana is not None and ana.nudges
    again = await chat.say(BEN, "nudges off")
    assert "Your nudges are already off" in again.reply
    back = await chat.say(BEN, "nudges on")
    assert "your nudges are on" in back.reply and "Never in quiet hours" in back.reply


async def test_nudges_needs_on_or_off(chat: Chat) -> None:
    await started(chat)
    assert "Please say `nudges on` or `nudges off`." in (await chat.say(BEN, "nudges")).reply


# -- settings ---------------------------------------------------------------------------------


async def test_settings_shows_every_setting_in_plain_words(chat: Chat) -> None:
    await started(chat)
    await chat.say(ANA, "schedule weekly tue 10:00 90m")
    reply = (await chat.say(ANA, "settings")).reply
    for phrase in (
        "Settings for Parents Forum",
        "Group name (`name`): Parents Forum",
        "Meetings (`schedule`): every Tuesday at 10:00 for 1 hour 30 minutes",
        "Next meeting: Tuesday 3 March at 10:00; `schedule` shows the next three",
        "Time zone (`timezone`): Europe/London",
        "Quiet hours (`quiet-hours`): none set",
        "Crowd size (`k`): 3: anonymous totals",
        "Anonymity delay (`anonymity-delay`): 5 minutes",
        "Reciprocity lock (`reciprocity-lock`): off",
        "Check-in (`checkin-lead`): 15 minutes",
        "Check-in reminder (`reminder`): 10 minutes",
        "Reflection question (`reflection-delay`): 60 minutes",
        "Records kept for (`retention`): 365 days",
        "`set k 4`",
    ):
        assert phrase in reply


@pytest.mark.parametrize(
    ("line", "column", "value", "expected"),
    [
        ("set k 4", "k", 4, "Crowd size is now 4"),
        ("set anonymity-delay 20", "anonymity_delay_minutes", 20, "Anonymity delay is now 20 "),
        ("set anonymity-delay 1h", "anonymity_delay_minutes", 60, "is now 60 minutes"),
        ("set reciprocity-lock on", "reciprocity_lock", True, "Reciprocity lock is now on"),
        ("set checkin-lead 30m", "checkin_lead_minutes", 30, "Check-in is now 30 minutes"),
        ("set checkin-lead 0", "checkin_lead_minutes", 0, "Check-in is now 0 minutes"),
        ("set reminder 20", "reminder_after_minutes", 20, "reminder is now 20 minutes"),
        ("set reflection-delay 1h 30m", "reflection_after_minutes", 90, "now 90 minutes"),
        ("set retention 90 days", "retention_days", 90, "Records kept for is now 90 days"),
        ("set name Carers Together", "name", "Carers Together", "Group name is now Carers"),
        ("set lock on", "reciprocity_lock", True, "Reciprocity lock is now on"),
    ],
)
async def test_set_changes_one_setting(
    chat: Chat, db: Database, line: str, column: str, value: object, expected: str
) -> None:
    await started(chat)
    outcome = await chat.say(ANA, line)
    assert expected in outcome.reply
    assert "Please take care" not in outcome.reply
    assert getattr(await the_group(db), column) == value


@pytest.mark.parametrize(
    ("line", "post"),
    [
        ("set k 5", "Ana changed a privacy setting. Crowd size is now 5"),
        ("set anonymity-delay 30", "Anonymity delay is now 30 minutes"),
        ("set retention 60", "Records kept for is now 60 days"),
        ("set name Carers Together", "Ana renamed this group to “Carers Together”."),
    ],
)
async def test_privacy_changes_are_announced_in_the_channel(
    chat: Chat, line: str, post: str
) -> None:
    await started(chat)
    outcome = await chat.say(ANA, line)
    assert any(post in p for p in outcome.posts)


async def test_other_changes_are_not_announced(chat: Chat) -> None:
    await started(chat)
    assert not (await chat.say(ANA, "set reminder 20")).posts


@pytest.mark.parametrize(
    ("line", "warning", "column", "value"),
    [
        ("set k 2", "with a crowd size of 2, anonymous totals appear once just 2 people", "k", 2),
        (
            "set anonymity-delay 0",
            "the time of posting can point at the author",
            "anonymity_delay_minutes",
            0,
        ),
    ],
)
async def test_risky_values_are_accepted_with_a_warning(
    chat: Chat, db: Database, line: str, warning: str, column: str, value: int
) -> None:
    await started(chat)
    outcome = await chat.say(ANA, line)
    assert "Done." in outcome.reply and "Please take care" in outcome.reply
    assert warning in outcome.reply
    assert getattr(await the_group(db), column) == value


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("set k 1", "Crowd size (`k`) takes a whole number from 2 to 20. For example: "
         "`set k 3`."),
        ("set k 21", "a whole number from 2 to 20"),
        ("set k three", "a whole number from 2 to 20"),
        ("set k 3m", "a whole number from 2 to 20"),
        ("set anonymity-delay 721", "a number of minutes from 0 to 720"),
        ("set anonymity-delay soon", "a number of minutes from 0 to 720"),
        ("set checkin-lead 241", "a number of minutes from 0 to 240"),
        ("set checkin-lead 2 days", "a number of minutes from 0 to 240"),
        ("set reminder 0", "a number of minutes from 1 to 240"),
        ("set reflection-delay 2000", "a number of minutes from 0 to 1440"),
        ("set retention 10", "a number of days from 30 to 3650. For example: `set retention 365`"),
        ("set retention 2h", "a number of days from 30 to 3650"),
        ("set reciprocity-lock maybe", "takes `on` or `off`"),
        ("set name " + "n" * 81, "The group name is 81 characters; the limit is 80"),
        ("set kk 4", "There's no setting called “kk”. Did you mean `k`?"),
        ("set anonimity-delay 4", "Did you mean `anonymity-delay`?"),
        ("set colour blue", "The settings are `name`, `k`, `anonymity-delay`, "
         "`reciprocity-lock`, `checkin-lead`, `reminder`, `reflection-delay`, `retention`"),
        ("set k", "Please give a setting and a value"),
    ],
)  # fmt: skip
async def test_set_mistakes_say_what_is_allowed(
    chat: Chat, db: Database, line: str, expected: str
) -> None:
    await started(chat)
    before = await the_group(db)
    outcome = await chat.say(ANA, line)
    assert expected in outcome.reply
    assert await the_group(db) == before
    assert not outcome.posts


async def test_set_mistakes_give_the_text_back(chat: Chat) -> None:
    await started(chat)
    outcome = await chat.say(ANA, "set k lots")
    assert "Your text:\nset k lots" in outcome.reply


async def test_set_the_same_value_changes_nothing(chat: Chat) -> None:
    await started(chat)
    outcome = await chat.say(ANA, "set k 3")
    assert "Crowd size is already 3. Nothing changed." in outcome.reply


@pytest.mark.parametrize(
    ("line", "expected", "column", "value"),
    [
        ("set timezone Europe/Paris", "time zone is now Europe/Paris", "timezone", "Europe/Paris"),
        ("set quiet-hours 22:00-07:00", "Quiet hours are 22:00 to 07:00", "quiet_start", "22:00"),
        ("set schedule weekly mon 18:00 1h", "every Monday at 18:00", "schedule_rule",
         "weekly mon 18:00 1h"),
    ],
)  # fmt: skip
async def test_set_passes_time_settings_to_their_commands(
    chat: Chat, db: Database, line: str, expected: str, column: str, value: str
) -> None:
    await started(chat)
    outcome = await chat.say(ANA, line)
    assert expected in outcome.reply
    assert getattr(await the_group(db), column) == value


async def test_set_schedule_off(chat: Chat, db: Database) -> None:
    await started(chat)
    await chat.say(ANA, "schedule weekly tue 10:00 90m")
    outcome = await chat.say(ANA, "set schedule off")
    assert "There are no scheduled meetings now" in outcome.reply
    assert (await the_group(db)).schedule_rule is None


async def test_greeting_is_a_private_message_on_the_groups_workspace(chat: Chat) -> None:
    await chat.say(ANA, "setup")
    (message,) = (await chat.join(CAL)).messages
    assert isinstance(message, MessageMember)
    assert (message.platform, message.workspace, message.user_id) == ("console", "local", "U-cal")


@pytest.mark.parametrize(
    ("typed", "role"),
    [
        ("role lived experience", "lived-experience"),
        ("role Lived Experience", "lived-experience"),
        ("role  prefer not to say", "prefer-not-to-say"),
        ("role Prefer not to say.", "prefer-not-to-say"),
        ("role lived_experience", "lived-experience"),
        ("role lived", "lived-experience"),
        ("role Pro", "professional"),
        ("role prefer", "prefer-not-to-say"),
    ],
)
async def test_a_role_may_be_typed_as_its_button_says_it(
    chat: Chat, db: Database, typed: str, role: str
) -> None:
    await chat.say(ANA, "setup Parents Forum")
    outcome = await chat.say(BEN, typed)
    assert "is not one of the roles" not in outcome.reply
    async with db.read() as conn:
        group = await groups.for_conversation(conn, channel())
        assert group is not None
        ben = await members.get(conn, group.id, BEN.user_id)
    assert ben is not None and ben.role == role


@pytest.mark.parametrize("typed", ["role li", "role p", "role lived-exp-erience"])
async def test_a_role_too_short_to_tell_is_refused(chat: Chat, db: Database, typed: str) -> None:
    await chat.say(ANA, "setup Parents Forum")
    assert "is not one of the roles" in (await chat.say(BEN, typed)).reply
