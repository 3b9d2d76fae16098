"""The core: one event in, a list of effects out, inside one database transaction.

The core resolves the group and the actor's membership, checks who may do what, calls the
handler and turns mistakes into plain replies. Because each event is one transaction, a refused
or failed event stores nothing; effects are returned only after the transaction has committed.

The storable effects (channel posts, direct messages, updates) are written to the outbox in that
same transaction, for events as for scheduled jobs. `handle` still returns every effect, but an
adapter carries out only the ones bound to the request (the reply, the form) and wakes the
outbox's drain (`bot.delivery.drainer`) for the rest: nothing acknowledged and committed can be
lost between the commit and the platform.

Logging here never includes user ids, names or text: an anonymous submission must not be
traceable through the logs, so the core logs only what kind of thing happened.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from bot import plain_text, routing
from bot.cards import Button, Card
from bot.context import Context, Services
from bot.delivery import outbox
from bot.effects import Effect
from bot.errors import UserError
from bot.events import Choice, Command, Event, FormSubmitted, MemberJoined
from bot.grammar import CommandError, ParsedCommand
from bot.handlers import ROUTES
from bot.identity import Where, Who, signature
from bot.ops.observability import RETRIES
from bot.replies import reply, with_their_text, worth_handing_back
from bot.routing import Routes
from bot.store import groups, members, pending_choices
from bot.store.database import RACE_ATTEMPTS, Connection, Database, lost_a_race
from bot.store.deliveries import record_delivery
from bot.store.groups import Group
from bot.store.members import Member
from bot.text_safety import TextRejected, neutralise

log = logging.getLogger(__name__)

PICK_GROUP = "core.pick-group"
PICK_GROUP_LASTS = timedelta(hours=1)
"""How long a "which group?" question waits for an answer before the words must be typed again."""
CHOICE_EXPIRED = "That choice has expired, please type it again."
PICK_NUMBER = re.compile(r"#?(\d{1,3})(?:[.:)]?\s+(\S.*))?", re.DOTALL)
"""A number typed in a direct message: on its own, picking from the list just asked about; with
words after it (`2 elephant …`), running them in that group straight away."""
NOTHING_TO_PICK = (
    "A number on its own picks from a list I've just asked you about, and nothing is waiting "
    "for an answer now. To answer the check-in, type `checkin` and the number, like `checkin 3`; "
    "`help` shows everything else."
)
NOT_A_GROUP = (
    "This channel isn't a co-production group yet. Anyone can make it one by typing `setup` here."
)
ANONYMOUS_NEEDS_MEMBERSHIP = (
    "To keep anonymous things truly anonymous, I only take them from members of the group. "
    "Please say how you take part first (type `role`), then try again."
)
SOMETHING_WENT_WRONG = (
    "Sorry, something went wrong on my side and nothing was saved. Please try again in a moment."
)


def utc_now() -> datetime:
    return datetime.now(UTC)


class Core:
    """The platform-neutral bot. Adapters call `handle`; the scheduler calls `run_job`."""

    def __init__(self, db: Database, services: Services, routes: Routes | None = None) -> None:
        self.db = db
        self.services = services
        self.routes = ROUTES if routes is None else routes
        """What the core answers: every feature's commands, buttons and forms."""

    @property
    def clock(self) -> Callable[[], datetime]:
        return self.services.clock

    async def handle(self, event: Event, *, once: str | None = None) -> list[Effect]:
        """Handle one inbound event. Never raises for the person's mistakes or our own bugs.

        `once` is the platform's id for this delivery (Slack's event id, say): it is recorded in
        `inbound_events` inside the event's own transaction, and an id already recorded returns
        nothing. So a retried delivery is handled exactly once, and one that failed half-way
        (rolled back, record and all) is handled when the platform tries again."""
        kind = type(event).__name__
        if not event.who.user_id.strip():
            # A platform always says who acted; a request that does not is not from a person
            # (or is forged), and acting on it would make a member with no one behind it.
            log.info("dropped a %s event that names no one", kind)
            return []

        async def work(conn: Connection) -> list[Effect]:
            ctx = Context(
                conn,
                self.services,
                self.clock(),
                who=event.who,
                where=event.where,
                seen_by_others=isinstance(event, Command) and event.seen_by_others,
                routes=self.routes,
            )
            if once is not None and not await _first_delivery(ctx, once):
                log.info("dropped a repeated %s delivery", kind)
                return []
            effects = await self._dispatch(ctx, event)
            # Cards sent privately to someone who reads in plain text become numbered options.
            effects = await plain_text.for_readers(
                conn,
                effects,
                event.who,
                now=ctx.now,
                group_id=ctx.group.id if ctx.group is not None else None,
                remember=not ctx.anonymous,
            )
            # Posts, messages and updates wait in the outbox, written with the change that caused
            # them: if the process dies after the commit, the next drain still sends every one.
            await outbox.enqueue(conn, effects, ctx.now)
            return effects

        try:
            return await self._in_one_transaction(work, f"a {kind} event")
        except (UserError, TextRejected, CommandError) as exc:
            message = exc.message if isinstance(exc, UserError) else str(exc)
            return [with_their_text(message, exc.original)]
        except Exception:
            # The traceback names code, not people: handlers never put user text in exceptions.
            log.exception("failed to handle a %s event", kind)
            return [reply(SOMETHING_WENT_WRONG)]

    async def run_job(
        self, job: Callable[[Context], Awaitable[list[Effect]]], *, group_id: int | None = None
    ) -> list[Effect]:
        """Run a scheduled job for a group inside one transaction and return its effects.

        On PostgreSQL a job that loses a race to another process (a second clock, a web process)
        runs again; its once-only guards then see the winner's work and do nothing twice."""

        async def work(conn: Connection) -> list[Effect]:
            group = await groups.get(conn, group_id) if group_id is not None else None
            if group_id is not None and group is None:
                return []
            ctx = Context(conn, self.services, self.clock(), group=group)
            effects = await job(ctx)
            return await plain_text.for_readers(
                conn, effects, None, now=ctx.now, group_id=group_id, remember=True
            )

        return await self._in_one_transaction(work, "a scheduled job")

    async def _in_one_transaction(
        self, work: Callable[[Connection], Awaitable[list[Effect]]], what: str
    ) -> list[Effect]:
        """`work` in one write transaction, run again (at most `RACE_ATTEMPTS` times in all) when
        PostgreSQL says a concurrent transaction got there first."""
        for attempt in range(1, RACE_ATTEMPTS + 1):
            try:
                async with self.db.write() as conn:
                    return await work(conn)
            except Exception as exc:
                if attempt == RACE_ATTEMPTS or not lost_a_race(exc):
                    raise
                RETRIES.labels("transaction").inc()
                log.info("%s met a concurrent write; running it again", what)
        raise AssertionError("unreachable")  # pragma: no cover

    # -- dispatch -----------------------------------------------------------------------------

    async def _dispatch(self, ctx: Context, event: Event) -> list[Effect]:
        if isinstance(event, Command):
            return await self._command(ctx, event.text, forced_group=None)
        if isinstance(event, Choice):
            return await self._choice(ctx, event)
        if isinstance(event, FormSubmitted):
            return await self._form(ctx, event)
        if isinstance(event, MemberJoined):
            return await self._joined(ctx, event)
        raise TypeError(f"unknown event {type(event).__name__}")  # pragma: no cover

    async def _command(self, ctx: Context, text: str, forced_group: Group | None) -> list[Effect]:
        """Run a typed command. A refusal that did not say what to hand back hands back the whole
        text, when it is more than a couple of words, so a mistake never loses someone's words."""
        try:
            return await self._run_command(ctx, text, forced_group)
        except (UserError, CommandError) as exc:
            if not exc.original and worth_handing_back(text):
                exc.original = text
            exc.original = await _names_for_mentions(ctx, exc.original)
            raise

    async def _run_command(
        self, ctx: Context, text: str, forced_group: Group | None
    ) -> list[Effect]:
        where, who = ctx.where, ctx.who
        assert where is not None and who is not None
        picked = PICK_NUMBER.fullmatch(text.strip()) if where.is_direct else None
        if picked is not None and forced_group is None:
            number, words = int(picked.group(1)), picked.group(2)
            if words is None:  # a plain-text reader's number answers their last numbered card
                option = await plain_text.option_for_number(ctx.conn, who, number, ctx.now)
                if option is not None:
                    typed, group_id = option
                    about = await groups.get(ctx.conn, group_id) if group_id else None
                    return await self._command(ctx, typed, forced_group=about)
            return await self._pick_by_number(ctx, number, words)
        command = self.routes.parse(text)
        spec = command.spec
        assert spec is not None
        ctx.anonymous = ctx.anonymous or spec.anonymous
        handler = self.routes.commands[command.action]  # tests/test_routes.py: each has one
        if spec.scope == "channel" and where.is_direct:
            raise CommandError(f"Please type `{spec.name}` in the channel you want to use.")
        if spec.scope != "none" or forced_group is not None:
            group = forced_group or await self._group_for(ctx.conn, where, who)
            if group is None:
                if spec.scope == "channel":
                    return await handler(ctx, command)
                return await self._no_group_reply(ctx.conn, where, who, text)
            if isinstance(group, list):
                return [await self._ask_which_group(ctx, group, text, spec.anonymous)]
            ctx.group = group
            ctx.member = await self._membership(
                ctx,
                group,
                auto_join=spec.joins and not spec.anonymous and not where.is_direct,
            )
            if ctx.member is None:
                if spec.anonymous:
                    raise UserError(ANONYMOUS_NEEDS_MEMBERSHIP, original=command.arg)
                if not spec.joins:
                    raise UserError(f"I don't hold anything about you in {group.name}.")
                raise UserError(f"You're not a member of {neutralise(group.name)}.")
            await self._check_audience(ctx, spec.audience, command)
        elif not where.is_direct:
            ctx.group = await groups.for_conversation(ctx.conn, where)
            if ctx.group is not None:
                ctx.member = await members.get(ctx.conn, ctx.group.id, who.user_id)
        return await handler(ctx, command)

    async def _check_audience(self, ctx: Context, audience: str, command: ParsedCommand) -> None:
        if audience != "facilitator":
            return
        member = ctx.require_member()
        if member.is_facilitator:
            return
        group = ctx.require_group()
        names = [
            neutralise(m.display_name)
            for m in await members.of_group(ctx.conn, group.id)
            if m.is_facilitator
        ]
        who = ", ".join(names[:3]) if names else "a facilitator"
        spec = command.spec
        what = spec.usage.split()[0] if spec else "that"
        ask = f"You could ask {who} in {neutralise(group.name)}."
        # A facilitators' form of a command members may use (`elephant 3 addressed`): saying
        # "only facilitators can use `elephant`" would be untrue, so say what they can do.
        theirs = self.routes.find(what)
        if spec is not None and theirs not in (None, spec) and theirs.audience != "facilitator":
            raise UserError(
                f"Only facilitators can {spec.summary}. {ask} "
                f"You can use `{theirs.usage}` to {theirs.summary}."
            )
        raise UserError(f"Only facilitators can use `{what}`. {ask}")

    async def _group_for(
        self, conn: Connection, where: Where, who: Who
    ) -> Group | list[tuple[int, str]] | None:
        """The channel's group; in a direct message the person's only group, or the choices."""
        if not where.is_direct:
            return await groups.for_conversation(conn, where)
        mine = await members.groups_of_user(conn, who.platform, who.workspace, who.user_id)
        if len(mine) == 1:
            return await groups.get(conn, mine[0][0])
        return mine or None

    async def _no_group_reply(
        self, conn: Connection, where: Where, who: Who, text: str
    ) -> list[Effect]:
        if where.is_direct:
            raise UserError(
                "You're not in a co-production group yet. When a channel has been set up as a "
                "group, say hello there (type `role`) and I'll know you.",
                original=text if len(text) > 40 else "",
            )
        raise UserError(NOT_A_GROUP, original=text if len(text) > 40 else "")

    async def _ask_which_group(
        self, ctx: Context, options: list[tuple[int, str]], text: str, anonymous: bool
    ) -> Effect:
        """Buttons naming each group; the typed words wait server-side (`pending_choices`) and
        every button carries only their short id, whatever their length.

        Typing the group's number answers too. For that the waiting words are sealed with a
        keyed hash of who typed them; anonymous words never are (nothing may tie them to their
        author, as with the buttons), so for those the number is typed with the words again."""
        seal = None if anonymous else self._seal(ctx.require_who())
        choice_id = await pending_choices.hold(ctx.conn, text, ctx.now, PICK_GROUP_LASTS, seal=seal)
        buttons = tuple(
            Button(
                name,
                PICK_GROUP,
                routing.encode(group_id, choice_id),
                # anonymous words are not kept against the person, so they are typed again
                typed=f"{number} {text.split()[0].lower()} …" if anonymous else str(number),
            )
            for number, (group_id, name) in enumerate(options, start=1)
        )
        listed = ", ".join(
            f"{number} {neutralise(name)}" for number, (_, name) in enumerate(options, start=1)
        )
        if anonymous:
            how = (
                "Press its name, or type its number and then your words again, like "
                f"`1 {text.split()[0].lower()} …` (I keep nothing that ties your words to you, "
                f"so the number alone can't find them): {listed}."
            )
        else:
            how = f"Press its name, or type its number: {listed}."
        return reply(
            f"You're in more than one group. Which group is this for? {how}", buttons=buttons
        )

    def _seal(self, who: Who) -> pending_choices.Seal:
        """What ties words waiting for a group to the person who typed them, by keyed hash."""
        secret = self.services.secret

        def seal(nonce: str) -> str:
            return signature(secret, PICK_GROUP, nonce, who.platform, who.workspace, who.user_id)

        return seal

    async def _pick_by_number(self, ctx: Context, number: int, words: str | None) -> list[Effect]:
        """A number typed in a direct message: the group picker's choice, as its button would be
        pressed (the typed equivalent for keyboards, screen readers and Teams on a phone); with
        words after it, those words in that group, nothing kept in between."""
        who = ctx.require_who()
        choice_id = None
        if words is None:
            choice_id = await pending_choices.held_for(ctx.conn, ctx.now, self._seal(who))
            if choice_id is None:
                raise UserError(NOTHING_TO_PICK)
        mine = await members.groups_of_user(ctx.conn, who.platform, who.workspace, who.user_id)
        if not 1 <= number <= len(mine):
            raise UserError(
                f"Please type a number from 1 to {len(mine)}, or press a group's name."
                if mine
                else NOTHING_TO_PICK,
                original=words or "",
            )
        group = await groups.get(ctx.conn, mine[number - 1][0])
        if words is not None and group is not None:
            return await self._command(ctx, words, forced_group=group)
        pending = await pending_choices.take(ctx.conn, choice_id or "", ctx.now)
        if group is None or pending is None:
            raise UserError(CHOICE_EXPIRED)
        return await self._command(ctx, pending.text, forced_group=group)

    async def _membership(self, ctx: Context, group: Group, *, auto_join: bool) -> Member | None:
        """The actor's membership; typing in the group's channel makes you a member."""
        who = ctx.require_who()
        if who.platform != group.platform or who.workspace != group.workspace:
            return None
        member = await members.get(ctx.conn, group.id, who.user_id)
        return await self._admit(ctx, group, member, auto_join=auto_join)

    async def _admit(
        self, ctx: Context, group: Group, member: Member | None, *, auto_join: bool
    ) -> Member | None:
        """The membership found for the actor, or a new one when acting here makes them a member.
        The caller has checked the group is on the actor's own workspace."""
        who = ctx.require_who()
        if member is None and auto_join:
            member = await members.add(
                ctx.conn, group.id, who.user_id, who.display_name[:200] or who.user_id, now=ctx.now
            )
        return member

    async def _resolve_encoded(
        self, ctx: Context, value: str, *, anonymous: bool, audience: str, join: bool = True
    ) -> str:
        """Find the group a button or form belongs to and check the actor may use it."""
        decoded = routing.decode(value)
        if decoded is None:
            raise UserError("That button no longer works. Please type the command instead.")
        group_id, payload = decoded
        who = ctx.require_who()
        group, member = await members.with_group(ctx.conn, group_id, who.user_id)
        if group is None or group.platform != who.platform or group.workspace != who.workspace:
            raise UserError("That group no longer exists here.")
        ctx.group = group
        where = ctx.where
        in_channel = where is not None and not where.is_direct
        auto_join = join and not anonymous and in_channel and where == group.where
        ctx.member = await self._admit(ctx, group, member, auto_join=auto_join)
        if ctx.member is None:
            raise UserError(
                ANONYMOUS_NEEDS_MEMBERSHIP
                if anonymous
                else f"You're not a member of {neutralise(group.name)}."
            )
        if audience == "facilitator" and not ctx.member.is_facilitator:
            raise UserError(f"Only facilitators of {neutralise(group.name)} can do that.")
        return payload

    async def _choice(self, ctx: Context, event: Choice) -> list[Effect]:
        if event.action == PICK_GROUP:
            choice_id = await self._resolve_encoded(
                ctx, event.value, anonymous=False, audience="member", join=False
            )
            pending = await pending_choices.take(ctx.conn, choice_id, ctx.now)
            if pending is None or pending.expired:
                raise UserError(
                    CHOICE_EXPIRED,
                    original=pending.text if pending is not None else "",
                )
            return await self._command(ctx, pending.text, forced_group=ctx.require_group())
        route = self.routes.choices.get(event.action)
        if route is None:
            raise UserError("That button no longer works. Please type the command instead.")
        ctx.anonymous = route.anonymous
        payload = await self._resolve_encoded(
            ctx, event.value, anonymous=route.anonymous, audience=route.audience
        )
        return await route.handler(ctx, payload)

    async def _form(self, ctx: Context, event: FormSubmitted) -> list[Effect]:
        route = self.routes.forms.get(event.form_id)
        if route is None:
            raise UserError("That form no longer works. Please type the command instead.")
        ctx.anonymous = route.anonymous
        payload = await self._resolve_encoded(
            ctx, event.context, anonymous=route.anonymous, audience=route.audience
        )
        return await route.handler(ctx, event.values, payload)

    async def _joined(self, ctx: Context, event: MemberJoined) -> list[Effect]:
        group = await groups.for_conversation(ctx.conn, event.where)
        if group is None:
            return []
        ctx.group = group
        ctx.member = await members.get(ctx.conn, group.id, event.who.user_id)
        effects: list[Effect] = []
        for handler in self.routes.on_join:
            effects.extend(await handler(ctx))
        return effects


async def _first_delivery(ctx: Context, once: str) -> bool:
    """Record a platform delivery id in this transaction; False when it was recorded before."""
    return await record_delivery(ctx.conn, ctx.require_who().platform, once, ctx.now)


__all__ = ["Card", "Core", "Services", "utc_now"]


MENTIONED = re.compile(r"<@([A-Za-z0-9_:.\-]+)>")


async def _names_for_mentions(ctx: Context, text: str) -> str:
    """Text handed back with each mention of a group member as `@Name`, as the person typed it,
    rather than the platform id the adapter turned it into (`<@U0123>`). A mention of someone
    not in the group, or any trouble reading, leaves the text as it was."""
    group = ctx.group
    if group is None or "<@" not in text:
        return text
    try:
        names: dict[str, str] = {}
        for user_id in set(MENTIONED.findall(text)):
            found = await members.get(ctx.conn, group.id, user_id)
            if found is not None:
                names[user_id] = found.display_name
    except Exception:  # the transaction is being rolled back anyway; the ids will do
        return text
    return MENTIONED.sub(lambda m: "@" + names[m.group(1)] if m.group(1) in names else m[0], text)
