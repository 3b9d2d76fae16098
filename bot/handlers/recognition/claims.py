"""The facilitators' side: claims per period (`claims`, `claims 2026-11`), the same as a CSV
file for the finance team (`claims export`), and marking one paid (`claims paid 3`), after which
its owner is told privately. Declines never appear here: they are the person's own business.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

from bot.cards import Button, Card
from bot.context import Context
from bot.effects import Effect, MessageMember, ReplyToActor, SendFileToActor
from bot.errors import UserError
from bot.grammar import CommandError, CommandSpec, Grammar, ParsedCommand, small_number, split
from bot.handlers.recognition.amounts import say_minutes, say_pence
from bot.handlers.recognition.commands import require_on, summary
from bot.replies import reply
from bot.routing import Routes, encode
from bot.store import members as member_store
from bot.store import recognition as store
from bot.store.groups import Group
from bot.store.recognition import DONATE, Claim
from bot.text_safety import neutralise

routes = Routes()

EXPORT_BUTTON = "recognition.export"
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
FORGOTTEN = "(a person who asked to be forgotten)"


def _read_claims(spec: CommandSpec, rest: str) -> ParsedCommand:
    """`claims`, `claims 2026-11`, `claims export [2026-11]`, `claims paid 3`."""
    word, tail = split(rest)
    if word == "paid":
        number = small_number(tail)
        if number is None:
            raise CommandError("Please give the claim's number, for example `claims paid 3`.")
        return spec.parsed("claims.paid", number=number)
    if word in ("export", "csv"):
        return spec.parsed("claims.export", arg=_month_word(tail))
    return spec.parsed(arg=_month_word(rest.strip()))


def _month_word(text: str) -> str:
    if (text and not _MONTH.match(text)) or (text and not 1 <= int(text.split("-")[1]) <= 12):
        raise CommandError(
            f"I couldn't read “{text[:20]}” as a month. Type `claims` for those not yet paid, "
            "or a month like `claims 2026-11`."
        )
    return text


def period(group: Group, month: str) -> tuple[datetime | None, datetime | None, str]:
    """The start and end of `month` (YYYY-MM) in the group's time zone, and its name in words;
    no month is "not yet paid"."""
    if not month:
        return None, None, "not yet paid"
    year, number = (int(part) for part in month.split("-"))
    start = datetime(year, number, 1, tzinfo=group.zone)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=group.zone)
    return start.astimezone(UTC), end.astimezone(UTC), f"made in {start:%B %Y}"


def _line(claim: Claim, name: str | None, group: Group) -> str:
    who = neutralise(name) if name else FORGOTTEN
    what = "gives it to a cause" if claim.choice == DONATE else "claims"
    made = claim.made_at.astimezone(group.zone)
    paid = f"paid {claim.paid_at.astimezone(group.zone):%d %b}" if claim.paid_at else "not paid"
    amounts = summary(claim.meetings, claim.minutes, claim.pence)
    return f"{claim.number}. {who} {what}: {amounts} (made {made:%d %b}; {paid})"


async def claims_card(ctx: Context, month: str) -> Card:
    group = require_on(ctx)
    start, end, words = period(group, month)
    found = await store.claims_for_facilitators(ctx.conn, group.id, start=start, end=end)
    if not found:
        text = f"No claims {words}."
    else:
        text = "\n".join(_line(claim, name, group) for claim, name in found)
    return Card(
        title=f"Claims {words}",
        text=text,
        buttons=(
            Button(
                "Download as CSV",
                EXPORT_BUTTON,
                encode(group.id, month),
                typed=f"claims export {month}".strip(),
            ),
        )
        if found
        else (),
        footer="`claims paid <number>` marks one paid (its owner is told privately); "
        "`claims export` gives this list as a file; `claims 2026-11` shows one month. "
        "Only facilitators see this.",
    )


@routes.command(
    "claims",
    "facilitator",
    usage="claims [YYYY-MM]  (or: claims paid <number>, claims export)",
    summary="claims for time and expenses; mark paid; export for finance",
    rank=195,
    grammar=Grammar(("claims", "claims.paid", "claims.export"), _read_claims),
)
async def claims(ctx: Context, command: ParsedCommand) -> list[Effect]:
    return [ReplyToActor(await claims_card(ctx, command.arg))]


def _safe_cell(text: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def claims_csv(found: list[tuple[Claim, str | None]], group: Group) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "claim",
            "name",
            "choice",
            "meetings",
            "preparation",
            "minutes",
            "expenses_gbp",
            "made_on",
            "paid_on",
        ]
    )
    for claim, name in found:
        writer.writerow(
            [
                claim.number,
                _safe_cell(name) if name else FORGOTTEN,
                "give to a cause" if claim.choice == DONATE else "claim",
                claim.meetings,
                say_minutes(claim.minutes) if claim.minutes else "",
                claim.minutes,
                f"{claim.pence / 100:.2f}",
                f"{claim.made_at.astimezone(group.zone):%Y-%m-%d}",
                f"{claim.paid_at.astimezone(group.zone):%Y-%m-%d}" if claim.paid_at else "",
            ]
        )
    return out.getvalue().encode("utf-8")


async def export_claims(ctx: Context, month: str) -> list[Effect]:
    group = require_on(ctx)
    start, end, words = period(group, month)
    found = await store.claims_for_facilitators(ctx.conn, group.id, start=start, end=end)
    if not found:
        return [reply(f"No claims {words}, so there's nothing to export.")]
    total = sum(claim.pence for claim, _ in found)
    return [
        SendFileToActor(
            filename=f"claims-{month or 'unpaid'}.csv",
            content=claims_csv(found, group),
            title=f"Claims {words}",
            comment=f"{len(found)} claims {words}, {say_pence(total)} of expenses. "
            "It names people: please keep it with the finance team only.",
        )
    ]


@routes.handles("claims.export")
async def claims_export(ctx: Context, command: ParsedCommand) -> list[Effect]:
    return await export_claims(ctx, command.arg)


@routes.choice(EXPORT_BUTTON, audience="facilitator")
async def export_pressed(ctx: Context, payload: str) -> list[Effect]:
    if payload and not _MONTH.match(payload):
        raise UserError("That button no longer works. Type `claims export`.")
    return await export_claims(ctx, payload)


@routes.handles("claims.paid")
async def claims_paid(ctx: Context, command: ParsedCommand) -> list[Effect]:
    """Mark one claim paid and tell its owner privately."""
    group = require_on(ctx)
    number = command.number or 0
    found = await store.claim_by_number(ctx.conn, group.id, number)
    if found is None or found.choice not in ("claim", DONATE):
        raise UserError(f"There's no claim {number}. Type `claims` to see the numbers.")
    if found.paid_at is not None:
        return [reply(f"Claim {number} is already marked paid. Nothing changed.")]
    await store.mark_paid(ctx.conn, found.id, ctx.now)
    effects: list[Effect] = [reply(f"Claim {number} is marked paid. I've told its owner.")]
    owner = await member_store.by_id(ctx.conn, found.member_id) if found.member_id else None
    if owner is not None:
        amounts = summary(found.meetings, found.minutes, found.pence)
        done = "given to your cause" if found.choice == DONATE else "paid"
        effects.append(
            MessageMember(
                group.platform,
                group.workspace,
                owner.user_id,
                Card(
                    title="Your claim is paid",
                    text=f"Your claim in {neutralise(group.name)} for {amounts} has been {done}. "
                    "Thank you for your time. Type `my-time` to see your record.",
                ),
                key=f"recognition-paid:{found.id}",
            )
        )
    return effects
