"""A group's settings: shown in plain words (`settings`) and changed one at a time (`set`).

Each setting is a line in `SETTINGS` with its allowed range, so the check, the error message and
the settings card can never disagree. Values that weaken privacy (a crowd size below 3, no
anonymity delay) are accepted, because the facilitators know their group, but with a warning that
says what could go wrong; privacy changes are also announced in the channel, so members are never
the last to know how their anonymity is protected.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bot import limits
from bot.cards import Card, Field
from bot.context import Context
from bot.effects import Effect, PostToConversation, ReplyToActor
from bot.errors import UserError
from bot.grammar import CommandError, CommandSpec, Grammar, ParsedCommand, split
from bot.handlers.meeting_dates.dates import next_meeting
from bot.handlers.recognition.announcement import recognition_on_notice
from bot.handlers.setup import schedule
from bot.replies import reply
from bot.routing import Routes
from bot.scheduling import quiet_hours
from bot.scheduling.times import rule_of
from bot.store import groups
from bot.store.groups import Group
from bot.text_safety import clean_text, neutralise

routes = Routes()

Kind = Literal["count", "minutes", "days", "switch", "name", "text"]


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting a facilitator may change with `set <key> <value>`."""

    key: str
    column: str
    label: str
    kind: Kind
    low: int = 0
    high: int = 0
    example: str = ""
    # Said in the settings card after the value: what the setting means for the group.
    explain: Callable[[Group], str] = lambda group: ""
    # Announced in the channel when changed, because it changes how members are protected.
    announce: bool = False


SETTINGS: tuple[Setting, ...] = (
    Setting("name", "name", "Group name", "name", example="Parents Forum"),
    Setting(
        "k",
        "k",
        "Crowd size",
        "count",
        2,
        20,
        "3",
        lambda g: f"anonymous totals and role breakdowns show only once {g.k} or more took part",
        announce=True,
    ),
    Setting(
        "anonymity-delay",
        "anonymity_delay_minutes",
        "Anonymity delay",
        "minutes",
        0,
        720,
        "5",
        lambda g: (
            "anonymous items are posted straight away"
            if g.anonymity_delay_minutes == 0
            else "anonymous items wait before they are posted, so the time doesn't point at anyone"
        ),
        announce=True,
    ),
    Setting(
        "reciprocity-lock",
        "reciprocity_lock",
        "Reciprocity lock",
        "switch",
        example="on",
        explain=lambda g: (
            "round answers are revealed only once both professionals and "
            "lived-experience members have shared"
            if g.reciprocity_lock
            else "round answers can be revealed whoever has shared"
        ),
    ),
    Setting(
        "checkin-lead",
        "checkin_lead_minutes",
        "Check-in",
        "minutes",
        0,
        240,
        "15",
        lambda g: "sent this long before each meeting starts",
    ),
    Setting(
        "reminder",
        "reminder_after_minutes",
        "Check-in reminder",
        "minutes",
        1,
        240,
        "10",
        lambda g: "after the start, only to people who have neither answered nor passed",
    ),
    Setting(
        "reflection-delay",
        "reflection_after_minutes",
        "Reflection question",
        "minutes",
        0,
        1440,
        "60",
        lambda g: "after the meeting ends (“Did you feel heard?”, answered anonymously)",
    ),
    Setting(
        "retention",
        "retention_days",
        "Records kept for",
        "days",
        30,
        3650,
        "365",
        lambda g: "how long the words people write are kept (counts stay)",
        announce=True,
    ),
    Setting(
        "recognition",
        "recognition",
        "Recognition of time",
        "switch",
        example="on",
        explain=lambda g: (
            "members can record preparation time and expenses (`my-time`) and claim, decline "
            "or give them; facilitators see `claims`"
            if g.recognition
            else "no record of members' time or expenses is kept"
        ),
    ),
    Setting(
        "recognition-policy",
        "recognition_policy",
        "Recognition policy",
        "text",
        example="£25 per meeting for parent carers; claim monthly; advice from the council's "
        "benefits team",
        explain=lambda g: "shown to members with their record, in the group's own words",
    ),
    Setting(
        "signal-crowd",
        "signal_crowd",
        "Signals",
        "count",
        1,
        20,
        "2",
        lambda g: (
            "a single person's signal reaches facilitators at once (“slow down”, “jargon”, "
            "“break”), still without a name"
            if g.signal_crowd == 1
            else f"facilitators hear “slow down”, “jargon” and “break” once {g.signal_crowd} "
            "people ask for the same thing within a few minutes"
        ),
    ),
)
SETTING_BY_KEY = {setting.key: setting for setting in SETTINGS}
ALIASES = {
    "crowd": "k",
    "crowd-size": "k",
    "delay": "anonymity-delay",
    "anonymity": "anonymity-delay",
    "lock": "reciprocity-lock",
    "reciprocity": "reciprocity-lock",
    "lead": "checkin-lead",
    "check-in-lead": "checkin-lead",
    "reflection": "reflection-delay",
    "group-name": "name",
    "policy": "recognition-policy",
    "signals": "signal-crowd",
}
# Settings with a command of their own: `set timezone …` works as `timezone …` does.
OWN_COMMANDS = {
    "timezone": "timezone",
    "tz": "timezone",
    "schedule": "schedule",
    "quiet-hours": "quiet-hours",
    "quiethours": "quiet-hours",
}

_AMOUNT = re.compile(
    r"^(?:(?P<h>\d{1,4})\s*(?:h|hr|hrs|hour|hours))?\s*"
    r"(?:(?P<n>\d{1,5})\s*(?P<unit>m|min|mins|minute|minutes|d|day|days)?)?$"
)


def show_value(setting: Setting, group: Group) -> str:
    """A setting's current value in words: "15 minutes", "on", "365 days"."""
    value = getattr(group, setting.column)
    if setting.kind == "switch":
        return "on" if value else "off"
    if setting.kind == "name":
        return neutralise(str(value))
    if setting.kind == "text":
        return f"“{neutralise(str(value))}”" if value else "not written yet"
    if setting.kind == "minutes":
        return _plural(int(value), "minute")
    if setting.kind == "days":
        return _plural(int(value), "day")
    return str(value)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


NOT_SCHEDULED = "not scheduled yet (a facilitator can type `schedule weekly tue 10:00 90m`)"


async def settings_card(group: Group, ctx: Context) -> Card:
    """Every setting of the group, each with what it means, and how to change one."""
    fields = [Field("Group name (`name`)", neutralise(group.name))]
    rule = rule_of(group, today_from=ctx.now)
    described = rule.describe() if rule else NOT_SCHEDULED
    fields.append(Field("Meetings (`schedule`)", described))
    following = await next_meeting(ctx.conn, group, ctx.now)
    if following:
        fields.append(Field("Next meeting", f"{following}; `schedule` shows the next three"))
    fields.append(Field("Time zone (`timezone`)", group.timezone))
    quiet = quiet_hours.describe(group)
    quiet_words = f"{quiet}: no nudges then" if quiet != "off" else "none set"
    fields.append(Field("Quiet hours (`quiet-hours`)", quiet_words))
    for setting in SETTINGS[1:]:
        explain = setting.explain(group)
        value = show_value(setting, group)
        fields.append(
            Field(f"{setting.label} (`{setting.key}`)", f"{value}: {explain}" if explain else value)
        )
    return Card(
        title=f"Settings for {neutralise(group.name)}",
        fields=tuple(fields),
        footer="Change one with `set <setting> <value>`, for example `set k 4` or "
        "`set reciprocity-lock on`.",
    )


def find_setting(word: str, original: str) -> Setting:
    """The setting a facilitator named, or a UserError with the closest one and the list."""
    key = word.strip().lower()
    key = ALIASES.get(key, key)
    if key in SETTING_BY_KEY:
        return SETTING_BY_KEY[key]
    names = [*SETTING_BY_KEY, *ALIASES]
    guesses = difflib.get_close_matches(key, names, n=1, cutoff=0.5)
    shown = key if len(key) <= 30 else key[:30] + "…"
    hint = ""
    if guesses:
        hint = f" Did you mean `{ALIASES.get(guesses[0], guesses[0])}`?"
    every = ", ".join(f"`{s.key}`" for s in SETTINGS)
    raise UserError(
        f"There's no setting called “{shown}”.{hint} The settings are {every}, and "
        "`timezone`, `schedule` and `quiet-hours` have commands of their own.",
        original=original,
    )


def allowed(setting: Setting) -> str:
    """What values a setting takes, in words, for error messages."""
    if setting.kind == "switch":
        return "`on` or `off`"
    if setting.kind == "count":
        return f"a whole number from {setting.low} to {setting.high}"
    if setting.kind == "name":
        return f"a name of up to {limits.GROUP_NAME} characters"
    if setting.kind == "text":
        return f"words of up to {limits.RECOGNITION_POLICY} characters"
    unit = "minutes" if setting.kind == "minutes" else "days"
    return f"a number of {unit} from {setting.low} to {setting.high}"


def parse_value(setting: Setting, text: str, original: str) -> object:
    """The value to store, or a UserError saying what is allowed (with an example)."""
    if setting.kind == "name":
        return clean_text(text, limit=limits.GROUP_NAME, what="the group name")
    if setting.kind == "text":
        return clean_text(text, limit=limits.RECOGNITION_POLICY, what="the policy")
    word = text.strip().lower()
    problem = UserError(
        f"{setting.label} (`{setting.key}`) takes {allowed(setting)}. "
        f"For example: `set {setting.key} {setting.example}`.",
        original=original,
    )
    if setting.kind == "switch":
        if word in {"on", "yes", "true"}:
            return True
        if word in {"off", "no", "false"}:
            return False
        raise problem
    number = _number(word, setting.kind)
    if number is None or not setting.low <= number <= setting.high:
        raise problem
    return number


def _number(word: str, kind: Kind) -> int | None:
    """A whole number, allowing a unit that fits the setting ("90m", "1h 30m", "30 days")."""
    if word.isdigit():
        return int(word)
    if kind == "count":
        return None
    match = _AMOUNT.match(word)
    if match is None or not (match["h"] or match["n"]):
        return None
    unit = (match["unit"] or "").rstrip("s")
    if kind == "days":
        return (
            int(match["n"]) if match["n"] and not match["h"] and unit in {"", "d", "day"} else None
        )
    if unit in {"d", "day"}:
        return None
    return int(match["h"] or 0) * 60 + int(match["n"] or 0)


def warning_for(setting: Setting, value: object) -> str:
    """A caution for a value that weakens privacy; empty when the value is safe."""
    if setting.key == "k" and isinstance(value, int) and value < 3:
        return (
            f"Please take care: with a crowd size of {value}, anonymous totals appear once just "
            f"{value} people have taken part, and in a small group that can be enough to tell "
            "who said what. 3 or more is safer."
        )
    if setting.key == "anonymity-delay" and value == 0:
        return (
            "Please take care: with no delay, an anonymous item is posted the moment it's sent, "
            "so the time of posting can point at the author (for example, if only one person "
            "was on their phone just then). A few minutes is safer."
        )
    if setting.key == "signal-crowd" and value == 1:
        return (
            "Please note: with 1, a single person's signal reaches facilitators at once, still "
            "without a name. In a small meeting that can be enough to guess who asked. The "
            "glossary still waits until the group's crowd size have asked about a word."
        )
    return ""


async def change_setting(ctx: Context, setting: Setting, text: str, original: str) -> list[Effect]:
    """Validate and store one setting, confirm it, and announce privacy changes in the channel."""
    group = ctx.require_group()
    value = parse_value(setting, text, original)
    if getattr(group, setting.column) == value:
        return [reply(f"{setting.label} is already {show_value(setting, group)}. Nothing changed.")]
    group = await groups.change(ctx.conn, group.id, **{setting.column: value})
    shown = show_value(setting, group)
    explain = setting.explain(group)
    lines = [f"Done. {setting.label} is now {shown}" + (f": {explain}." if explain else ".")]
    warning = warning_for(setting, value)
    if warning:
        lines.append(warning)
    effects: list[Effect] = [reply("\n\n".join(lines))]
    actor = neutralise(ctx.require_member().display_name)
    if setting.kind == "name":
        effects.append(
            PostToConversation(group.where, Card(text=f"{actor} renamed this group to “{shown}”."))
        )
    elif setting.key == "recognition" and group.recognition:
        name = ctx.require_member().display_name
        effects.append(PostToConversation(group.where, recognition_on_notice(group, name)))
    elif setting.announce:
        effects.append(
            PostToConversation(
                group.where,
                Card(
                    text=f"{actor} changed a privacy setting. {setting.label} is now {shown}: "
                    f"{explain}. Type `privacy` to see how your privacy is protected."
                ),
            )
        )
    return effects


@routes.command(
    "settings",
    "facilitator",
    usage="settings",
    summary="show the group's settings",
    rank=180,
)
async def show_settings(ctx: Context, command: ParsedCommand) -> list[Effect]:
    """`settings`: every group setting, in plain words, to the facilitator who asked."""
    return [ReplyToActor(await settings_card(ctx.require_group(), ctx))]


def _read_set(spec: CommandSpec, rest: str) -> ParsedCommand:
    sub, tail = split(rest)
    if not sub or not tail:
        raise CommandError(
            "Please give a setting and a value, for example `set k 4` or "
            "`set reciprocity-lock on`. Type `settings` to see them all."
        )
    return spec.parsed(arg=sub, value=tail)


@routes.command(
    "set",
    "facilitator",
    usage="set <setting> <value>",
    summary="change a setting",
    rank=190,
    grammar=Grammar((), _read_set),
)
async def set_setting(ctx: Context, command: ParsedCommand) -> list[Effect]:
    """`set <setting> <value>`; the settings with commands of their own are passed to them."""
    original = f"set {command.arg} {command.value}"
    word = command.arg.lower()
    own = OWN_COMMANDS.get(word)
    if own == "timezone":
        return await schedule.set_timezone(ctx, ParsedCommand("timezone", command.value))
    if own == "quiet-hours":
        return await schedule.set_quiet_hours(ctx, ParsedCommand("quiet-hours", command.value))
    if own == "schedule":
        if command.value.strip().lower() == "off":
            return await schedule.schedule_off(ctx, ParsedCommand("schedule.off"))
        return await schedule.schedule_set(ctx, ParsedCommand("schedule.set", command.value))
    setting = find_setting(word, original)
    return await change_setting(ctx, setting, command.value, original)
