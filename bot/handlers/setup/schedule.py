"""When the group meets: `schedule`, `timezone` and `quiet-hours`, for facilitators.

A change to when the group meets is posted in the channel too, because everyone needs to know;
the reply to the facilitator adds what they may want to check next.
"""

from __future__ import annotations

from bot.cards import Card
from bot.context import Context
from bot.effects import Effect, PostToConversation
from bot.errors import UserError
from bot.grammar import CommandError, CommandSpec, Grammar, ParsedCommand, split
from bot.handlers.meeting_dates.dates import follow_rule, follow_zone, next_three
from bot.replies import reply
from bot.routing import Routes
from bot.scheduling import quiet_hours
from bot.scheduling.rule import ScheduleRuleError, parse_rule
from bot.scheduling.times import resolve_zone, rule_of, upcoming_meeting, when_local
from bot.scheduling.upcoming import apply_schedule
from bot.store import groups
from bot.store.groups import Group

routes = Routes()


async def _next_line(group: Group, ctx: Context) -> str:
    upcoming = await upcoming_meeting(ctx.conn, group, ctx.now)
    if upcoming is None:
        return ""
    return f"The next meeting is {when_local(upcoming, group.zone)} ({group.timezone} time)."


async def _dates_ahead(group: Group, ctx: Context) -> str:
    """The next three dates (skipped ones marked), so a meeting on a holiday is noticed."""
    three = await next_three(ctx.conn, group, ctx.now)
    return f"{three}\n(Times are {group.timezone} time.)" if three else ""


def _read_schedule(spec: CommandSpec, rest: str) -> ParsedCommand:
    if not rest:
        return spec.parsed("schedule.show")
    sub, tail = split(rest)
    if sub == "off" and not tail:
        return spec.parsed("schedule.off")
    return spec.parsed("schedule.set", arg=rest)


def _read_zone(spec: CommandSpec, rest: str) -> ParsedCommand:
    if not rest or " " in rest:
        raise CommandError(
            "Please give one time zone name, for example `timezone Europe/London` "
            "or `timezone America/New_York`."
        )
    return spec.parsed(arg=rest)


def _read_hours(spec: CommandSpec, rest: str) -> ParsedCommand:
    if not rest:
        raise CommandError(
            "Please give the hours, for example `quiet-hours 21:00-08:00`, or `quiet-hours off`."
        )
    return spec.parsed(arg=rest)


@routes.command(
    "schedule",
    "facilitator",
    usage="schedule  /  schedule weekly tue 10:00 90m  /  schedule off",
    summary="see the next three meeting dates, or set when the group meets",
    rank=50,
    grammar=Grammar(("schedule.show", "schedule.set", "schedule.off"), _read_schedule),
    action="schedule.set",
)
async def schedule_set(ctx: Context, command: ParsedCommand) -> list[Effect]:
    """Set the repeating meeting rule; future planned meetings move to the new rule."""
    group = ctx.require_group()
    today = ctx.now.astimezone(group.zone).date()
    try:
        rule = parse_rule(command.arg, today=today)
    except ScheduleRuleError as exc:
        raise UserError(str(exc), original=command.arg) from None
    canonical = rule.canonical()
    if canonical == group.schedule_rule:
        dates = await _dates_ahead(group, ctx)
        return [reply(f"The group already meets {rule.describe()}.\n{dates}")]
    group = await groups.change(ctx.conn, group.id, schedule_rule=canonical)
    # Planned meetings follow the new rule; one already under way is left as it is. Skipped
    # dates stay skipped where the new rule meets on the same day.
    await follow_rule(ctx.conn, group, ctx.now)
    await apply_schedule(ctx.conn, group.id, ctx.now)
    dates = await _dates_ahead(group, ctx)
    lead = group.checkin_lead_minutes
    checkin = (
        f"I'll send the check-in {lead} minutes before each meeting."
        if lead
        else "I'll send the check-in as each meeting starts."
    )
    return [
        reply(
            f"Done. The group now meets {rule.describe()}.\n{dates}\n\n"
            f"{checkin} If the time zone is wrong, type `timezone` and a zone such as "
            "`timezone Europe/London`. To skip or move one date: `meeting skip 25 Dec`, "
            "`meeting move 22 Dec to 23 Dec 18:30`."
        ),
        PostToConversation(
            group.where,
            Card(text=f"This group now meets {rule.describe()}.\n{dates}"),
        ),
    ]


@routes.handles("schedule.show")
async def schedule_show(ctx: Context, command: ParsedCommand) -> list[Effect]:
    """`schedule` on its own: the rule and the next three dates, skipped and moved ones marked."""
    group = ctx.require_group()
    rule = rule_of(group, today_from=ctx.now)
    dates = await _dates_ahead(group, ctx)
    if rule is None:
        head = "There's no regular meeting time yet."
        how = "To set one: `schedule weekly tue 10:00 90m`, `schedule fortnightly mon 18:30 1h` "
        how += "or `schedule monthly 2nd wed 14:00 2h`."
    else:
        head = f"The group meets {rule.describe()}."
        how = (
            "To skip a date: `meeting skip 25 Dec`. To move one: "
            "`meeting move 22 Dec to 23 Dec 18:30`. To change the schedule: "
            "`schedule weekly tue 10:00 90m`; to stop it: `schedule off`."
        )
    body = f"{head}\n{dates}" if dates else head
    return [reply(f"{body}\n\n{how}")]


@routes.handles("schedule.off")
async def schedule_off(ctx: Context, command: ParsedCommand) -> list[Effect]:
    """Stop scheduled meetings; planned ones that have not begun are dropped with the rule."""
    group = ctx.require_group()
    if group.schedule_rule is None:
        return [
            reply("There's no schedule to turn off. To set one: `schedule weekly tue 10:00 90m`.")
        ]
    await groups.change(ctx.conn, group.id, schedule_rule=None)
    await apply_schedule(ctx.conn, group.id, ctx.now)
    return [
        reply(
            "Done. There are no scheduled meetings now. You can still run one any time with "
            "`meeting start`, or set a schedule again with `schedule weekly tue 10:00 90m`."
        ),
        PostToConversation(
            group.where,
            Card(
                text="This group has no regular meeting time for now, so I won't plan meetings "
                "or send check-ins on my own until a new schedule is set."
            ),
        ),
    ]


@routes.command(
    "timezone",
    "facilitator",
    usage="timezone Europe/London",
    summary="set the group's time zone",
    rank=60,
    grammar=Grammar((), _read_zone),
    aliases=("tz",),
)
async def set_timezone(ctx: Context, command: ParsedCommand) -> list[Effect]:
    """Set the group's time zone; a schedule keeps its local time, so meetings move with it."""
    group = ctx.require_group()
    zone_name = resolve_zone(command.arg)
    if zone_name == group.timezone:
        local_now = ctx.now.astimezone(group.zone)
        return [reply(f"The time zone is already {zone_name}, where it's {local_now:%H:%M} now.")]
    old_zone = group.zone
    group = await groups.change(ctx.conn, group.id, timezone=zone_name)
    # The rule keeps its local time, and so do skipped dates and moved meetings.
    await follow_zone(ctx.conn, group.id, old_zone, group.zone, ctx.now)
    await apply_schedule(ctx.conn, group.id, ctx.now)
    local = ctx.now.astimezone(group.zone)
    lines = [f"Done. The group's time zone is now {zone_name}, where it's {local:%A %H:%M}."]
    effects: list[Effect] = []
    rule = rule_of(group, today_from=ctx.now)
    if rule is not None:
        next_line = await _next_line(group, ctx)
        lines.append(f"Meetings keep their local time, {rule.describe()}. {next_line}")
        effects.append(
            PostToConversation(
                group.where,
                Card(
                    text=f"Meeting times are now in {zone_name} time: {rule.describe()}. "
                    f"{next_line}"
                ),
            )
        )
    if group.quiet_start:
        lines.append(f"Quiet hours are now {quiet_hours.describe(group)}.")
    return [reply(" ".join(lines)), *effects]


@routes.command(
    "quiet-hours",
    "facilitator",
    usage="quiet-hours 21:00-08:00  /  quiet-hours off",
    summary="no nudges during these hours",
    rank=170,
    grammar=Grammar((), _read_hours),
    aliases=("quiethours",),
)
async def set_quiet_hours(ctx: Context, command: ParsedCommand) -> list[Effect]:
    """Set or clear the hours in which no nudges are sent (the group's local time)."""
    group = ctx.require_group()
    hours = quiet_hours.parse_quiet_hours(command.arg)
    if hours is None:
        if group.quiet_start is None:
            return [reply("There are no quiet hours set, so there's nothing to turn off.")]
        await groups.change(ctx.conn, group.id, quiet_start=None, quiet_end=None)
        return [reply("Done. Quiet hours are off: nudges may come at any time of day.")]
    start, end = hours
    if (group.quiet_start, group.quiet_end) == (start, end):
        return [reply(f"Quiet hours are already {quiet_hours.describe(group)}.")]
    group = await groups.change(ctx.conn, group.id, quiet_start=start, quiet_end=end)
    return [
        reply(
            f"Done. Quiet hours are {quiet_hours.describe(group)}: I won't send anyone a nudge "
            "then. To turn them off: `quiet-hours off`."
        )
    ]
