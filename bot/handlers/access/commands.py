"""`access …` and `plain-text on|off`: a member's own access profile, and what facilitators see.

A profile is private to its owner. Facilitators see only the needs a person agreed to share,
and the person's name only if they chose `named`. Needs are personal words: they are never taken
from a message typed where others can see it.

A need shared without a name never arrives on its own: were it shown as it comes (a notice, or
`access list` read before and after), the moment it appeared would point at whoever had just
shared it. So nameless needs are shown only in the private note to facilitators when the
check-in goes out before a meeting (`facilitator_note`), all together and in alphabetical order;
`access list` and the export hold the named ones only, and never say whether nameless ones exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot import limits
from bot.cards import Button, Card
from bot.context import Context
from bot.effects import Effect, FormErrors, MessageMember, OpenForm, ReplyToActor
from bot.errors import UserError
from bot.grammar import ParsedCommand
from bot.handlers.access.form import FORM, OPEN, PREFERENCES, open_button, profile_form
from bot.handlers.access.grammar import ACCESS, HOW, LISTING, PLAIN_TEXT
from bot.handlers.access.profile import FACILITATOR_INTRO, own_lines, shared_lines
from bot.replies import reply
from bot.routing import Routes
from bot.store import access as store
from bot.store import members
from bot.store.groups import Group
from bot.text_safety import TextRejected, clean_text, neutralise

routes = Routes()
routes.declare(LISTING)

IN_THE_OPEN = (
    "I haven't kept that: everyone in the channel can see what you typed. Your access needs are "
    "yours to share or not, so please send them to me in a direct message instead."
)
PREFERENCE_FIELDS = {
    "plain-text": "plain_text",
    "fewer-messages": "fewer_messages",
    "earlier-reminders": "earlier_reminders",
}
PREFERENCE_MEANS = {
    "plain-text": (
        "Every card I send you privately now comes as plain text with numbered options, each "
        "with the words to type. No buttons or forms."
    ),
    "fewer-messages": (
        "I'll leave out the messages you can do without: the reflection questions after "
        "meetings. Check-ins, questions about actions you own and anything you asked for still "
        "come."
    ),
    "earlier-reminders": (
        "Earlier means: the reminder for an action you took on comes two days before it's due "
        "instead of one, and the day before each scheduled meeting I send you a note of when "
        "it starts and when the check-in will come. Quiet hours and `nudges off` still apply. "
        "Facilitators also see it beside your shared needs, so they can send papers earlier."
    ),
}


def _own_card(profile: store.Profile, done: str = "", *, buttons: tuple[Button, ...] = ()) -> Card:
    text = "\n".join(own_lines(profile))
    return Card(
        buttons=buttons,
        title="Your access profile",
        text=(done + "\n\n" if done else "") + text,
        footer=f"Only you see this. To change it: {HOW}.",
    )


@routes.command(
    ACCESS.name,
    ACCESS.audience,
    usage=ACCESS.usage,
    summary=ACCESS.summary,
    rank=ACCESS.rank,
    grammar=ACCESS.grammar,
    action="access",
)
async def show(ctx: Context, command: ParsedCommand) -> list[Effect]:
    """Your own profile, and how to change it."""
    profile = await store.get(ctx.conn, ctx.require_member().id)
    if profile.is_empty:
        return [
            reply(
                "You can tell me about your access needs here, in your own words: large print, "
                "breaks, papers a week ahead, BSL, step-free access, your phone on for caring "
                "duties, anything. It stays private unless you choose to share it with the "
                f"facilitators, with or without your name.\n\nFill in the form, or type {HOW}.",
                title="Your access profile",
                buttons=(open_button(ctx.require_group().id),),
            )
        ]
    return [ReplyToActor(_own_card(profile, buttons=(open_button(ctx.require_group().id),)))]


async def save(ctx: Context, **changes: Any) -> store.Profile:
    """Every change to a profile, typed or from the form, is saved here."""
    return await store.change(ctx.conn, ctx.require_member().id, ctx.now, **changes)


@routes.choice(OPEN)
async def open_form(ctx: Context, payload: str) -> list[Effect]:
    group = ctx.require_group()
    profile = await store.get(ctx.conn, ctx.require_member().id)
    return [OpenForm(profile_form(group.id, profile))]


@routes.form(FORM)
async def on_form(ctx: Context, values: Mapping[str, str], payload: str) -> list[Effect]:
    """The whole profile from the form: checked first, so a refused form stores nothing."""
    typed = values.get("needs") or ""
    words = ""
    if typed.strip():
        try:
            words = clean_text(typed, limit=limits.ACCESS_NEEDS, what="your access needs")
        except TextRejected as exc:
            return [FormErrors({"needs": exc.in_form})]
    share = values.get("share") or "no"
    if share not in store.SHARES:
        return [FormErrors({"share": "Please choose who may see your needs."})]
    flags = {name: values.get(name) == "yes" for name, _ in PREFERENCES}
    profile = await save(ctx, needs=words, share=share, **flags)
    done = "Saved."
    if share == "anonymous":
        done += " " + await _small_group_caution(ctx, ctx.require_group())
    return [ReplyToActor(_own_card(profile, done))]


@routes.handles("access.needs")
async def needs(ctx: Context, command: ParsedCommand) -> list[Effect]:
    if ctx.seen_by_others:
        raise UserError(IN_THE_OPEN, original=command.arg)
    words = clean_text(command.arg, limit=limits.ACCESS_NEEDS, what="your access needs")
    profile = await save(ctx, needs=words)
    if profile.share == "no":
        done = (
            "Saved. For now only you can see them. To let facilitators see them before "
            "meetings, type `access share named` or `access share anonymous`."
        )
    else:
        done = "Saved. Facilitators will see them before meetings, as you chose."
    return [ReplyToActor(_own_card(profile, done))]


@routes.handles("access.prefer")
async def prefer(ctx: Context, command: ParsedCommand) -> list[Effect]:
    if command.arg == "none":
        profile = await save(ctx, plain_text=False, fewer_messages=False, earlier_reminders=False)
        return [ReplyToActor(_own_card(profile, "Done: back to the usual messages and buttons."))]
    on = command.value != "off"
    profile = await save(ctx, **{PREFERENCE_FIELDS[command.arg]: on})
    if on:
        done = f"Done. {PREFERENCE_MEANS[command.arg]} To stop: `access prefer {command.arg} off`."
    else:
        done = f"Done: “{command.arg.replace('-', ' ')}” is off."
    return [ReplyToActor(_own_card(profile, done))]


@routes.handles("access.share")
async def share(ctx: Context, command: ParsedCommand) -> list[Effect]:
    group = ctx.require_group()
    chosen: store.Share = "named" if command.arg == "named" else "anonymous"
    if command.arg == "no":
        chosen = "no"
    profile = await save(ctx, share=chosen)
    done = {
        "named": "Done: facilitators may see your needs, with your name.",
        "anonymous": "Done: facilitators may see your needs, without your name.",
        "no": "Done: nobody else sees your needs, not even facilitators.",
    }[chosen]
    if chosen == "anonymous":
        done += " " + await _small_group_caution(ctx, group)
    if chosen != "no" and not profile.needs:
        done += " You haven't written any needs yet: type `access needs <your words>`."
    return [ReplyToActor(_own_card(profile, done))]


async def _small_group_caution(ctx: Context, group: Group) -> str:
    """Without a name is not the same as anonymous when the group is small, or the words are
    particular: say so, so the choice is made knowing it."""
    size = len(await members.of_group(ctx.conn, group.id))
    if size < group.k:
        return (
            f"Please know: {neutralise(group.name)} has only {size} "
            f"member{'s' if size != 1 else ''}, so facilitators may well guess whose needs "
            "these are even without a name. If that worries you, `access share no` keeps them "
            "to yourself."
        )
    return "Your own words may still tell facilitators who wrote them; write them as you like."


@routes.handles("access.clear")
async def clear(ctx: Context, command: ParsedCommand) -> list[Effect]:
    if not await store.clear(ctx.conn, ctx.require_member().id):
        return [reply("There was nothing in your access profile to clear.")]
    return [
        reply(
            "Done: I've deleted your access profile, your needs and your preferences. "
            "You'll get the usual messages and buttons again."
        )
    ]


@routes.handles("access.list")
async def listing(ctx: Context, command: ParsedCommand) -> list[Effect]:
    """Facilitators: the needs members agreed to share with their name (the nameless ones come
    only in the note before a meeting, see the module's docstring)."""
    card = await shared_card(ctx, ctx.require_group(), nameless=False)
    if card is None:
        return [
            reply(
                "No member has shared access needs with their name. Anyone can, privately, "
                f"with `access`. {NAMELESS_LATER}"
            )
        ]
    return [ReplyToActor(Card(title=card.title, text=card.text, footer=NAMELESS_LATER))]


NAMELESS_LATER = (
    "Needs shared without a name come only in the private note I send you before each "
    "meeting, all together and in alphabetical order, so that none arrives on its own."
)


async def shared_card(ctx: Context, group: Group, *, nameless: bool) -> Card | None:
    """The shared needs of the group's members (`nameless`: those shared without a name too),
    or None when there are none to show."""
    everyone = await members.of_group(ctx.conn, group.id)
    shared = await store.shared_in(ctx.conn, [m.id for m in everyone])
    if not nameless:
        shared = [need for need in shared if need.name is not None]
    if not shared:
        return None
    return Card(
        title=f"Access needs in {neutralise(group.name)}",
        text=FACILITATOR_INTRO + "\n\n" + "\n".join(shared_lines(shared)),
    )


async def facilitator_note(ctx: Context, group: Group) -> list[Effect]:
    """A private message to each facilitator with the shared needs, sent with the check-in so
    they can prepare before the meeting: the one place nameless needs are shown. Nothing when
    nobody shared."""
    card = await shared_card(ctx, group, nameless=True)
    if card is None:
        return []
    card = Card(title=card.title, text="Before this meeting. " + card.text)
    return [
        MessageMember(group.platform, group.workspace, m.user_id, card)
        for m in await members.of_group(ctx.conn, group.id)
        if m.is_facilitator
    ]


@routes.command(
    PLAIN_TEXT.name,
    PLAIN_TEXT.audience,
    usage=PLAIN_TEXT.usage,
    summary=PLAIN_TEXT.summary,
    rank=PLAIN_TEXT.rank,
    grammar=PLAIN_TEXT.grammar,
)
async def plain_text(ctx: Context, command: ParsedCommand) -> list[Effect]:
    """The same as `access prefer plain-text [off]`, under a name people look for."""
    return await prefer(ctx, ACCESS.parsed("access.prefer", arg="plain-text", value=command.arg))
