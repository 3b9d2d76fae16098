"""Reciprocal-sharing rounds: everyone, professionals included, is asked to share; answers are held.

A facilitator opens a round (`round <prompt>`); each member shares or passes, by command, button
or form, and may change their answer until the round is revealed. Nothing of a share is shown to
anyone, facilitators included, before the reveal. A round is revealed when everyone has answered,
when a facilitator says `round reveal`, or when the meeting ends; with the group's reciprocity
lock on, none of these happens until a professional and someone with lived experience have both
shared. Revealed answers are posted together, interleaved by role, each with its author's name.

Decisions where the design is silent:
- After the reveal the round stays open for late shares until it is closed (by `round close`,
  the next round or the end of the meeting); a late share is posted on its own at once. A share
  that has been shown cannot be changed or taken back.
- Consent for the summary defaults to no until the person chooses.
- A round closed without a reveal has its words erased; only the counts stay, for the ledger.
- If a meeting ends while the lock still holds the answers, they stay held and the round stays
  open, and the channel is told what the lock is waiting for.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot import limits
from bot.context import Context
from bot.effects import (
    Effect,
    FormErrors,
    MessageMember,
    OpenForm,
    PostToConversation,
    UpdatePost,
)
from bot.errors import UserError
from bot.grammar import TRAILING_MARKS, CommandSpec, Grammar, ParsedCommand, one_of, split
from bot.handlers.meetings.opening import ensure_meeting
from bot.handlers.rounds import flow
from bot.handlers.rounds.cards import (
    CONSENT,
    OPEN_FORM,
    PASS,
    SHARE_FORM,
    card_key,
    consent_buttons,
    held_at_end_card,
    invitation,
    late_card,
    round_card,
    share_form,
)
from bot.handlers.rounds.reveal_rules import lock_met, waiting_for
from bot.prompts import choose_prompt
from bot.replies import reply
from bot.routing import Routes
from bot.store import groups, meetings, members
from bot.store import rounds as store
from bot.store.groups import Group
from bot.store.meetings import Meeting
from bot.store.rounds import Answer, Round
from bot.text_safety import TextRejected, clean_text, neutralise

routes = Routes()

ALREADY_SHOWN = "Your answer has already been shown to the group, so it can't be changed now."
FACILITATOR_REASON = "Here are the answers, together."
MEETING_END_REASON = "The meeting has ended, so here are the answers, together."
HELD_NOTE = "Nobody sees it until the round is revealed; then the group will see it with your name."
CONSENT_QUESTION = (
    "May your words also appear in the meeting summary? Until you choose, they stay out. "
    "(Or type `consent yes` or `consent no`.)"
)


# -- sharing and passing --------------------------------------------------------------------------


async def _store_share(
    ctx: Context, round_: Round, text: str, *, consent: bool, original: str
) -> tuple[Answer | None, list[Effect]]:
    """Store a share (new, replacing a pass or an earlier share). Returns the previous answer."""
    group, member = ctx.require_group(), ctx.require_member()
    previous = await store.answer_of(ctx.conn, round_.id, member.id)
    if round_.status == store.REVEALED and previous is not None and previous.kind == store.SHARE:
        raise UserError(ALREADY_SHOWN, original=original)
    await store.put_answer(
        ctx.conn,
        round_.id,
        member.id,
        role=member.role,
        kind=store.SHARE,
        text=text,
        consent=consent,
        now=ctx.now,
        after_reveal=round_.status == store.REVEALED,
    )
    if round_.status == store.REVEALED:
        late = PostToConversation(group.where, late_card(round_, member.display_name, text))
        return previous, [late, await flow.redraw(ctx, group, round_.id)]
    return previous, await flow.after_answer(ctx, group, round_)


def _share_thanks(round_: Round, previous: Answer | None) -> str:
    if round_.status == store.REVEALED:
        return "Thank you — your answer has been added to the round for everyone to see."
    if previous is not None and previous.kind == store.PASS:
        return f"Thank you — your share replaces your pass. {HELD_NOTE}"
    if previous is not None:
        return f"Your answer is updated. {HELD_NOTE}"
    return f"Thank you — your answer is held. {HELD_NOTE}"


WITHDRAW_WORDS = ("withdraw", "take back", "undo", "remove")


def _read_share(spec: CommandSpec, rest: str) -> ParsedCommand:
    """`share withdraw` takes your share back; anything else is the share itself."""
    if rest.strip().lower().rstrip(TRAILING_MARKS) in WITHDRAW_WORDS:
        return spec.parsed("share.withdraw")
    return spec.parsed(arg=rest)


@routes.command(
    "share",
    "member",
    usage="share [your answer]",
    summary="answer the open round",
    rank=130,
    grammar=Grammar(("share", "share.withdraw"), _read_share),
)
async def share_command(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """`share <text>` stores the words (consent asked by buttons); `share` alone opens a form."""
    round_ = await flow.current_round(ctx, cmd.arg)
    member = ctx.require_member()
    if not cmd.arg.strip():
        previous = await store.answer_of(ctx.conn, round_.id, member.id)
        if (
            round_.status == store.REVEALED
            and previous is not None
            and previous.kind == store.SHARE
        ):
            raise UserError(ALREADY_SHOWN)
        if previous is not None and previous.kind == store.SHARE:
            consent = "yes" if previous.consent_summary else "no"
            return [OpenForm(share_form(round_, text=previous.text or "", consent=consent))]
        return [OpenForm(share_form(round_))]
    text = clean_text(cmd.arg, limit=limits.SHARE, what="your answer")
    previous, effects = await _store_share(ctx, round_, text, consent=False, original=cmd.arg)
    thanks = _share_thanks(round_, previous)
    buttons = consent_buttons(round_.group_id, round_.id)
    return [reply(f"{thanks}\n\n{CONSENT_QUESTION}", buttons=buttons), *effects]


@routes.form(SHARE_FORM)
async def share_submitted(ctx: Context, values: Mapping[str, str], payload: str) -> list[Effect]:
    """The share form: the words and a required yes/no on the summary."""
    original = values.get("text", "")
    round_ = await flow.round_of_payload(ctx, payload, original)
    errors: dict[str, str] = {}
    text = ""
    try:
        text = clean_text(original, limit=limits.SHARE, what="your answer")
    except TextRejected as exc:
        errors["text"] = exc.in_form
    consent = values.get("consent", "")
    if consent not in ("yes", "no"):
        errors["consent"] = "Please choose whether your words may appear in the summary."
    if errors:
        return [FormErrors(errors)]
    previous, effects = await _store_share(
        ctx, round_, text, consent=consent == "yes", original=original
    )
    summary_note = (
        "Your words may appear in the meeting summary."
        if consent == "yes"
        else "Your words will stay out of the meeting summary."
    )
    return [reply(f"{_share_thanks(round_, previous)} {summary_note}"), *effects]


@routes.choice(OPEN_FORM)
async def share_button(ctx: Context, payload: str) -> list[Effect]:
    """The Share button on the round card or invitation opens the form."""
    round_ = await flow.round_of_payload(ctx, payload)
    previous = await store.answer_of(ctx.conn, round_.id, ctx.require_member().id)
    if previous is not None and previous.kind == store.SHARE:
        if round_.status == store.REVEALED:
            raise UserError(ALREADY_SHOWN)
        consent = "yes" if previous.consent_summary else "no"
        return [OpenForm(share_form(round_, text=previous.text or "", consent=consent))]
    return [OpenForm(share_form(round_))]


async def _store_pass(ctx: Context, round_: Round) -> list[Effect]:
    group, member = ctx.require_group(), ctx.require_member()
    previous = await store.answer_of(ctx.conn, round_.id, member.id)
    if previous is not None and previous.kind == store.PASS:
        raise UserError(
            "You've already passed on this round — and that's fine. "
            "If you'd like to share after all, type `share`."
        )
    if previous is not None and round_.status == store.REVEALED:
        raise UserError(ALREADY_SHOWN)
    await store.put_answer(
        ctx.conn,
        round_.id,
        member.id,
        role=member.role,
        kind=store.PASS,
        text=None,
        consent=False,
        now=ctx.now,
        after_reveal=round_.status == store.REVEALED,
    )
    if previous is not None:
        thanks = "Your share is removed and you've passed instead. Passing is always fine."
    else:
        thanks = "Thanks — you've passed. Passing is always fine."
    return [reply(thanks), *await flow.after_answer(ctx, group, round_)]


@routes.command(
    "pass", "member", usage="pass", summary="pass on the open round (passing is fine)", rank=140
)
async def pass_command(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    return await _store_pass(ctx, await flow.current_round(ctx))


@routes.choice(PASS)
async def pass_button(ctx: Context, payload: str) -> list[Effect]:
    return await _store_pass(ctx, await flow.round_of_payload(ctx, payload))


@routes.command(
    "consent",
    "member",
    usage="consent yes|no",
    summary="say whether your share's words may appear in the meeting summary",
    rank=136,
    grammar=one_of(("yes", "no"), "Please type `consent yes` or `consent no`."),
)
async def consent_command(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """The typed twin of the Yes/No buttons after a share: about the group's latest round."""
    round_ = await store.latest(ctx.conn, ctx.require_group().id)
    if round_ is None:
        raise UserError(flow.NO_ROUND)
    return await consent_button(ctx, f"{round_.id}:{cmd.arg}")


# -- withdrawing a share before the reveal ---------------------------------------------------------

NOTHING_SHARED = "You haven't shared in this round, so there's nothing to withdraw."
PASSED_ALREADY = (
    "You passed on this round, so there's nothing to withdraw. Passing is always fine. If you'd "
    "like to share after all, type `share`."
)
SHOWN_ALREADY = (
    "The answers of this round have already been shown to the group, so your share can't be "
    "withdrawn now: everyone has read it. If something in it worries you, you could have a word "
    "with a facilitator."
)
WITHDRAWN = (
    "Done: your share is withdrawn and its words are deleted. Nobody saw it. You can share "
    "again, pass, or leave it there."
)


@routes.handles("share.withdraw")
async def withdraw_command(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """`share withdraw`: take back your held share before the reveal. Afterwards it cannot be:
    the room has read it. The share is deleted, as if never given, so every count (the card,
    the ledger once the round is counted) follows; held rounds are not counted before then
    (`reciprocity_ledger`), so no two readings can tell a withdrawal apart."""
    round_ = await flow.current_round(ctx)
    group, member = ctx.require_group(), ctx.require_member()
    previous = await store.answer_of(ctx.conn, round_.id, member.id)
    if round_.status == store.REVEALED:
        if previous is not None and previous.kind == store.SHARE:
            raise UserError(SHOWN_ALREADY)
        raise UserError(NOTHING_SHARED)
    if previous is None:
        raise UserError(NOTHING_SHARED)
    if previous.kind == store.PASS:
        raise UserError(PASSED_ALREADY)
    if not await store.withdraw_share(ctx.conn, round_.id, member.id):
        raise UserError(SHOWN_ALREADY)
    return [reply(WITHDRAWN), await flow.redraw(ctx, group, round_.id)]


@routes.command(
    "unshare",
    "member",
    usage="share withdraw  (or: unshare)",
    summary="take back your share before the round is revealed",
    rank=135,
)
async def unshare_command(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    return await withdraw_command(ctx, cmd)


@routes.choice(CONSENT)
async def consent_button(ctx: Context, payload: str) -> list[Effect]:
    """Yes/No on whether a share's words may appear in the summary; either can be pressed again."""
    round_part, _, choice = payload.partition(":")
    round_ = await store.get(ctx.conn, int(round_part)) if round_part.isdigit() else None
    if round_ is None or round_.group_id != ctx.require_group().id or choice not in ("yes", "no"):
        raise UserError(flow.ROUND_ENDED)
    if round_.status == store.CLOSED and round_.revealed_at is None:
        raise UserError("That round closed without a reveal, so your words were never kept.")
    member = ctx.require_member()
    if not await store.set_consent(ctx.conn, round_.id, member.id, choice == "yes"):
        raise UserError("You haven't shared in that round, so there's nothing to choose.")
    if choice == "yes":
        text = "Thank you. Your words may appear in the meeting summary."
    else:
        text = "Thank you. Your words will stay out of the meeting summary."
    meeting = await meetings.get(ctx.conn, round_.meeting_id) if round_.meeting_id else None
    if meeting is not None and meeting.summary_posted_at is not None:
        text += " (The summary for that meeting has already been posted; this applies from now on.)"
    return [reply(text)]


# -- facilitator commands -------------------------------------------------------------------------


async def _choose_library_prompt(ctx: Context, group: Group) -> str:
    used = await store.used_prompt_ids(ctx.conn, group.id, "round")
    prompt, reset = choose_prompt(ctx.services.prompts.round, used, ctx.services.rng)
    await store.record_prompt_use(ctx.conn, group.id, "round", prompt.id, now=ctx.now, reset=reset)
    return prompt.text


def _read_round(spec: CommandSpec, rest: str) -> ParsedCommand:
    """`round reveal` and `round close` alone steer the open round; anything else is a prompt."""
    sub, tail = split(rest)
    if sub in {"reveal", "close"} and not tail:
        return spec.parsed(f"round.{sub}")
    return spec.parsed("round.open", arg=rest)


@routes.command(
    "round",
    "facilitator",
    usage="round [prompt]  /  round reveal  /  round close",
    summary="run a sharing round",
    rank=120,
    grammar=Grammar(("round.open", "round.reveal", "round.close"), _read_round),
    action="round.open",
)
async def open_round(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """`round [prompt]`: open a round, post its card, and invite every member privately."""
    group = ctx.require_group()
    existing = await store.active(ctx.conn, group.id)
    if existing is not None and existing.status == store.OPEN:
        raise UserError(
            f"A round is already open: “{neutralise(existing.prompt)}”. Reveal it with "
            "`round reveal` or close it with `round close`, then start the next one.",
            original=cmd.arg,
        )
    if cmd.arg:
        prompt = clean_text(cmd.arg, limit=limits.ROUND_PROMPT, what="the round prompt")
    else:
        prompt = await _choose_library_prompt(ctx, group)
    effects: list[Effect] = []
    if existing is not None:  # revealed: the new round closes it
        await store.mark_closed(ctx.conn, existing.id, ctx.now)
        await flow.adopt(ctx, existing)
        effects.append(await flow.redraw(ctx, group, existing.id))
    meeting, how = await ensure_meeting(ctx)
    round_ = await store.create(ctx.conn, group.id, meeting.id, prompt, now=ctx.now)
    everyone = await members.of_group(ctx.conn, group.id)
    card = round_card(round_, answered=0, total=len(everyone), lock=group.reciprocity_lock)
    effects.append(PostToConversation(group.where, card, key=card_key(round_.id)))
    invite = invitation(round_, group.name, lock=group.reciprocity_lock)
    effects.extend(
        MessageMember(group.platform, group.workspace, m.user_id, invite) for m in everyone
    )
    return [reply(_opened_text(group, how, bool(existing))), *effects]


def _opened_text(group: Group, how: str, closed_previous: bool) -> str:
    lines = [
        "The round is open and I've invited everyone privately too. Answers are held until "
        "everyone has answered, you type `round reveal`, or the meeting ends."
    ]
    if group.reciprocity_lock:
        lines.append(
            "The reciprocity lock is on, so nothing is revealed until a professional and "
            "someone with lived experience have both shared."
        )
    if closed_previous:
        lines.append("The previous round, already revealed, is now closed.")
    if how == "created":
        lines.append(
            "There was no meeting under way, so I started one. `meeting end` ends it and "
            "posts the summary."
        )
    return "\n\n".join(lines)


@routes.handles("round.reveal")
async def reveal_command(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """`round reveal`: show the held answers now, if anyone has shared and the lock allows."""
    group = ctx.require_group()
    round_ = await store.active(ctx.conn, group.id)
    if round_ is None:
        raise UserError("There's no round open to reveal. Start one with `round <prompt>`.")
    if round_.status == store.REVEALED:
        raise UserError(
            "This round has already been revealed. `round close` closes it when you're ready."
        )
    sharers = flow.sharers(await store.answers(ctx.conn, round_.id))
    if not sharers:
        raise UserError(
            "Nobody has shared yet, so there's nothing to reveal. You could give people a "
            "little longer, or `round close` to end the round."
        )
    if group.reciprocity_lock and not lock_met(sharers):
        raise UserError(
            f"The answers are still held: the reciprocity lock is {waiting_for(sharers)}. "
            "They'll be revealed as soon as that happens. To end the round without revealing "
            "anything, use `round close`."
        )
    effects = await flow.reveal(ctx, group, round_, FACILITATOR_REASON)
    return [
        reply(
            "Revealed. Anyone who hasn't shared can still add an answer until you "
            "`round close` or the meeting ends."
        ),
        *effects,
    ]


@routes.handles("round.close")
async def close_command(ctx: Context, cmd: ParsedCommand) -> list[Effect]:
    """`round close`: end the round. Unrevealed answers are then never shown (and are erased)."""
    group = ctx.require_group()
    round_ = await store.active(ctx.conn, group.id)
    if round_ is None:
        raise UserError("There's no round open to close. Start one with `round <prompt>`.")
    had_shares = bool(flow.sharers(await store.answers(ctx.conn, round_.id)))
    await store.mark_closed(ctx.conn, round_.id, ctx.now)
    await flow.adopt(ctx, round_)
    if round_.status == store.REVEALED:
        text = "The round is closed. Late answers are no longer taken."
    elif had_shares:
        text = (
            "The round is closed without a reveal. The answers stay private for good: nobody "
            "will see them and their words are deleted; only how many shared or passed is "
            "kept for the record. (`round reveal` would have shown them to the group.)"
        )
    else:
        text = "The round is closed. Nobody had shared, so there was nothing to reveal."
    return [reply(text), await flow.redraw(ctx, group, round_.id)]


# -- meeting end ----------------------------------------------------------------------------------


async def close_rounds_at_end(ctx: Context, meeting: Meeting) -> list[Effect]:
    """Reveal the group's held rounds by the meeting-end rule, then close them.

    A round whose answers the reciprocity lock still holds stays open (and held), where it is:
    it is counted in the summary of the meeting in which it is finally revealed or closed
    (`flow.adopt` moves it there), so no summary counts it twice. The channel is told once what
    it is waiting for, at the first meeting end that finds it held, not at every one after.
    Rounds carried in from an earlier meeting that finish now are reported with this one.
    """
    group = ctx.group if ctx.group is not None else await groups.get(ctx.conn, meeting.group_id)
    if group is None:
        return []
    effects: list[Effect] = []
    for round_ in await store.unfinished(ctx.conn, group.id):
        sharers = flow.sharers(await store.answers(ctx.conn, round_.id))
        held = group.reciprocity_lock and not lock_met(sharers)
        if round_.status == store.OPEN and sharers and held:
            if await meetings.claim_firing(ctx.conn, f"round-held:{round_.id}", ctx.now):
                card = held_at_end_card(round_, waiting_for(sharers))
                effects.append(PostToConversation(group.where, card))
            continue
        if round_.meeting_id != meeting.id:
            await store.move_to_meeting(ctx.conn, round_.id, meeting.id)
        if round_.status == store.OPEN and sharers:
            effects.extend(
                e
                for e in await flow.reveal(ctx, group, round_, MEETING_END_REASON, carry=False)
                if not isinstance(e, UpdatePost)
            )
        await store.mark_closed(ctx.conn, round_.id, ctx.now)
        effects.append(await flow.redraw(ctx, group, round_.id))
    return effects
