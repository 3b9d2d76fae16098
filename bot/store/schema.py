"""The database schema, one SQLAlchemy Core `MetaData` for SQLite and PostgreSQL alike.

Privacy is designed in here: the tables that hold anonymous items (`elephants`, `perspectives`,
`reflections`) have no column that could say who wrote them. Duplicate protection for anonymous
actions uses keyed hashes kept in separate token tables, salted per item, so a token neither names
a member nor links one item to another, and is never stored next to the text it guards.

All times are stored as UTC (`UtcDateTime`), whatever the database.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.types import TypeDecorator

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; naive UTC on disk for SQLite's sake."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use aware UTC datetimes")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


ROLES = ("lived-experience", "professional", "both", "prefer-not-to-say")

groups = Table(
    "groups",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("platform", String(20), nullable=False),
    Column("workspace", String(100), nullable=False),
    Column("conversation_id", String(200), nullable=False),
    Column("name", String(100), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("schedule_rule", String(100)),
    Column("timezone", String(64), nullable=False),
    Column("quiet_start", String(5)),
    Column("quiet_end", String(5)),
    Column("k", Integer, nullable=False),
    Column("anonymity_delay_minutes", Integer, nullable=False),
    Column("reciprocity_lock", Boolean, nullable=False, default=False),
    Column("checkin_lead_minutes", Integer, nullable=False),
    Column("reminder_after_minutes", Integer, nullable=False),
    Column("reflection_after_minutes", Integer, nullable=False),
    Column("retention_days", Integer, nullable=False),
    # Recognition of members' time (`set recognition on`) and the group's policy in its own words.
    Column("recognition", Boolean, nullable=False, default=False, server_default=false()),
    Column("recognition_policy", Text),
    Column("signal_crowd", Integer, nullable=False, server_default="2"),
    UniqueConstraint("platform", "workspace", "conversation_id"),
)

members = Table(
    "members",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", String(200), nullable=False),
    Column("display_name", String(200), nullable=False),
    Column("role", String(30)),
    Column("is_facilitator", Boolean, nullable=False, default=False),
    Column("nudges", Boolean, nullable=False, default=True),
    Column("joined_at", UtcDateTime, nullable=False),
    UniqueConstraint("group_id", "user_id"),
    CheckConstraint(f"role IS NULL OR role IN {ROLES!r}", name="role_known"),
)

meetings = Table(
    "meetings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), nullable=False),
    Column("starts_at", UtcDateTime, nullable=False),
    Column("ends_at", UtcDateTime),
    Column("status", String(12), nullable=False),  # scheduled | open | ended | cancelled
    Column("source", String(12), nullable=False),  # schedule | manual | moved
    Column("checkin_sent_at", UtcDateTime),
    Column("checkin_prompt", Text),  # the question the check-in asked, so its card can be redrawn
    Column("summary_posted_at", UtcDateTime),
    # A meeting moved off its schedule: the start it had, so dates can say "moved from …".
    Column("moved_from", UtcDateTime),
    UniqueConstraint("group_id", "starts_at"),
    Index(None, "status", "ends_at"),
    # Meeting ids appear in once-only firing keys: SQLite must never reuse a deleted one.
    sqlite_autoincrement=True,
)

# Each scheduled firing (or any once-only action) inserts its key here first; the insert that
# loses the race on the primary key does nothing else. This is how two clocks stay harmless.
firings = Table(
    "firings",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("fired_at", UtcDateTime, nullable=False),
    Index(None, "fired_at"),  # the daily retention job prunes old keys by age
)

checkins = Table(
    "checkins",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("mood", Integer),  # 1..5; NULL when passed
    Column("passed", Boolean, nullable=False, default=False),
    Column("words", Text),
    Column("visibility", String(12), nullable=False, default="group"),  # group|facilitators|nobody
    Column("answered_at", UtcDateTime, nullable=False),
    UniqueConstraint("meeting_id", "member_id"),
    CheckConstraint("mood IS NULL OR (mood BETWEEN 1 AND 5)", name="mood_range"),
)

# Facilitators watching a meeting's check-in live (`checkin live`): each answer redraws their
# private view. Only who asked to watch, never anything about those being watched.
checkin_watchers = Table(
    "checkin_watchers",
    metadata,
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("since", UtcDateTime, nullable=False),
)

# A member's own access profile: their words and preferences, and who may see them.
access_profiles = Table(
    "access_profiles",
    metadata,
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("needs", Text, nullable=False, default=""),
    Column("plain_text", Boolean, nullable=False, default=False),
    Column("fewer_messages", Boolean, nullable=False, default=False),
    Column("earlier_reminders", Boolean, nullable=False, default=False),
    Column("share", String(10), nullable=False, default="no"),  # named | anonymous | no
    Column("updated_at", UtcDateTime, nullable=False),
    CheckConstraint("share IN ('named', 'anonymous', 'no')", name="share_known"),
)

# "Slow down", "jargon" and "break" asked during a meeting: one row per kind (and word) and
# window of minutes, with how many asked and how many whole crowds facilitators were told of.
# No author column, by design; `signal_tokens` only stops one person counting twice in a window.
signal_crowds = Table(
    "signal_crowds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("word_key", String(200), nullable=False, default=""),
    Column("opened_at", UtcDateTime, nullable=False),
    Column("asked", Integer, nullable=False, default=0),
    Column("alerted", Integer, nullable=False, default=0),
    Index(None, "meeting_id", "kind", "word_key", "opened_at"),
)

signal_tokens = Table(
    "signal_tokens",
    metadata,
    Column("crowd_id", ForeignKey("signal_crowds.id", ondelete="CASCADE"), primary_key=True),
    Column("token", String(64), primary_key=True),
)

# The group's glossary: its shared reference of words and plain meanings. No author column:
# words come from anyone, and from anonymous "too much jargon" signals of a whole crowd. No time a
# word was asked about either: it could date one person's signal.
glossary_entries = Table(
    "glossary_entries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), nullable=False),
    Column("word", String(40), nullable=False),
    Column("word_key", String(200), nullable=False),
    Column("meaning", Text),
    Column("explained_at", UtcDateTime),
    Column("explained_in", ForeignKey("meetings.id", ondelete="SET NULL")),
    UniqueConstraint("group_id", "word_key"),
)

# No author column, by design.
elephants = Table(
    "elephants",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("size", String(6), nullable=False),  # little | big
    Column("text", Text, nullable=False),
    Column("status", String(12), nullable=False),  # open|discussed|addressed|parked|hidden
    Column("outcome", Text),
    Column("post_after", UtcDateTime, nullable=False),
    Column("posted_at", UtcDateTime),
    Column("perspectives_revealed_at", UtcDateTime),
    Column("status_changed_at", UtcDateTime),
    # The crowd rule: perspectives waiting to be shown (at least k) go out after this time,
    # together; the card shows "I see it too" as last released by the sweep, which redraws it
    # when `marks_changed` says someone pressed since.
    Column("perspectives_due_at", UtcDateTime),
    Column("marks_shown", Integer, nullable=False, default=0, server_default="0"),
    Column("marks_changed", Boolean, nullable=False, default=False, server_default=false()),
    UniqueConstraint("group_id", "number"),
    Index(None, "posted_at", "post_after"),
    # The summary reads a meeting's elephants by group and status or recent change, not history.
    Index(None, "group_id", "status"),
    Index(None, "group_id", "status_changed_at"),
)

# "I see it too": one keyed-hash token per member and elephant (salted with the elephant id).
elephant_marks = Table(
    "elephant_marks",
    metadata,
    Column("elephant_id", ForeignKey("elephants.id", ondelete="CASCADE"), primary_key=True),
    Column("token", String(64), primary_key=True),
)

# Big-elephant perspectives: no author; the role tag is optional and only shown above k.
perspectives = Table(
    "perspectives",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("elephant_id", ForeignKey("elephants.id", ondelete="CASCADE"), nullable=False),
    Column("text", Text, nullable=False),
    Column("role_tag", String(30)),
    Column("shown_at", UtcDateTime),  # when its batch (a multiple of k) was shown; NULL: waiting
    Index(None, "elephant_id"),
)

perspective_tokens = Table(
    "perspective_tokens",
    metadata,
    Column("elephant_id", ForeignKey("elephants.id", ondelete="CASCADE"), primary_key=True),
    Column("token", String(64), primary_key=True),
)

# "You said, we did" that the group answers: "does this feel addressed?" asked about a subject (an
# elephant, an agenda item: `kind` and `subject_id`, no foreign key, so any kind can be asked
# about). Each asking is a row of its own; `shown` is the figure the sweep last drew on the card,
# redrawn when `changed` says someone answered since (the crowd rule: never at the press).
verdicts = Table(
    "verdicts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("subject_id", Integer, nullable=False),
    Column("number", Integer, nullable=False),  # the subject's number as people type it
    Column("title", Text, nullable=False),
    Column("what_was_done", Text),
    Column("state", String(10), nullable=False),  # asking | reopened | closed
    Column("asked_at", UtcDateTime, nullable=False),
    Column("reopened_at", UtcDateTime),
    Column("figures_shown", String(200), nullable=False, default="", server_default=""),
    Column("changed", Boolean, nullable=False, default=False, server_default=false()),
    Index(None, "group_id", "kind", "subject_id"),
    Index(None, "changed"),
)

# The answers themselves: no author and no token, under a random id (the order of the rows says
# nothing about who answered when).
verdict_answers = Table(
    "verdict_answers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("verdict_id", ForeignKey("verdicts.id", ondelete="CASCADE"), nullable=False),
    Column("answer", String(12), nullable=False),  # yes | partly | not-really
    Index(None, "verdict_id", "answer"),
)

# Once per person and asking: a keyed-hash token (salted with the asking) that says only "has
# answered". Nothing beside it says which answer, so nobody holding the key can test it.
verdict_tokens = Table(
    "verdict_tokens",
    metadata,
    Column("verdict_id", ForeignKey("verdicts.id", ondelete="CASCADE"), primary_key=True),
    Column("token", String(64), primary_key=True),
)

# People who used `forget-me` in a group: a keyed-hash token of the person and group (nothing
# else about them) and when, so that rejoining never answers twice what was answered before
# (their earlier tokens were made random, so only this can tell them apart).
forgotten_people = Table(
    "forgotten_people",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), nullable=False),
    Column("token", String(64), nullable=False),
    Column("forgotten_at", UtcDateTime, nullable=False),
    Index(None, "group_id", "token"),
)

# Agenda items. No author column, by design: a named item's author is a row in `agenda_authors`,
# and an anonymous item has none there either. `shown_from` is when it joins the agenda (after a
# random delay for an anonymous one, so the moment it appears does not point at anyone);
# `position` is its place once a facilitator has reordered (others follow, as they came). `skip`
# is how many meetings it passes over (a deferral), `carried` how many meetings ended without
# reaching it; `meeting_id` is the meeting at which it was covered, `carried_from_id` the last
# meeting that carried it on.
agenda_items = Table(
    "agenda_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), nullable=False),
    Column("text", Text, nullable=False),
    Column("papers", Text),  # a checked http(s) address, or NULL
    Column("elephant_number", Integer),  # put on the agenda from this elephant
    Column("shown_from", UtcDateTime, nullable=False),
    Column("position", Integer),
    Column("skip", Integer, nullable=False, default=0, server_default="0"),
    Column("carried", Integer, nullable=False, default=0, server_default="0"),
    Column("status", String(12), nullable=False),  # open|discussed|addressed|merged
    Column("outcome", Text),
    Column("merged_into_id", ForeignKey("agenda_items.id", ondelete="CASCADE")),
    Column("closed_at", UtcDateTime),
    Column("meeting_id", ForeignKey("meetings.id", ondelete="SET NULL")),
    Column("carried_from_id", ForeignKey("meetings.id", ondelete="SET NULL")),
    Index(None, "group_id", "status"),
    Index(None, "meeting_id"),
    Index(None, "carried_from_id"),
    Index(None, "merged_into_id"),
)

# Who added a named agenda item (the person's data: `my-data` shows it, `forget-me` erases it).
agenda_authors = Table(
    "agenda_authors",
    metadata,
    Column("item_id", ForeignKey("agenda_items.id", ondelete="CASCADE"), primary_key=True),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Index(None, "member_id"),
)

rounds = Table(
    "rounds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), nullable=False),
    Column("meeting_id", ForeignKey("meetings.id", ondelete="SET NULL")),
    Column("prompt", Text, nullable=False),
    Column("status", String(10), nullable=False),  # open | revealed | closed
    Column("opened_at", UtcDateTime, nullable=False),
    Column("revealed_at", UtcDateTime),
    Column("closed_at", UtcDateTime),
    Index(None, "meeting_id"),
    Index(None, "group_id", "opened_at"),  # retention erases a group's old answers by this
)

round_answers = Table(
    "round_answers",
    metadata,
    Column("round_id", ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(30)),  # the member's role when answering, for the ledger
    Column("kind", String(6), nullable=False),  # share | pass
    Column("text", Text),
    Column("consent_summary", Boolean, nullable=False, default=False),
    Column("answered_at", UtcDateTime, nullable=False),
    # Given once the round's answers were shown, having seen everyone else's: the ledger tells
    # this apart from going first.
    Column("after_reveal", Boolean, nullable=False, default=False, server_default=false()),
)

# Reflection nudge answers ("did you feel heard?"): anonymous, shown only in aggregate above k.
reflections = Table(
    "reflections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False),
    Column("heard", Integer),
    Column("change", Text),
    # Counted in whole crowds of k (bot.handlers.privacy.crowd_rule); uncounted ones wait.
    Column("counted", Boolean, nullable=False, default=False, server_default=false()),
    CheckConstraint("heard IS NULL OR (heard BETWEEN 1 AND 5)", name="heard_range"),
    Index(None, "meeting_id"),
)

reflection_tokens = Table(
    "reflection_tokens",
    metadata,
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("token", String(64), primary_key=True),
)

# "Where on the ladder did today feel?" (bot.store.ladder): answers with no author and no token,
# under random ids. `side` is "lived-experience", "professional" or NULL (any other role, or none
# given), kept only for the by-role figures; answers are counted in whole crowds of k per side.
# Once per person is kept by a token in `reflection_tokens` (purpose "ladder").
ladder_answers = Table(
    "ladder_answers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False),
    Column("rung", Integer, nullable=False),
    Column("side", String(20)),
    Column("counted", Boolean, nullable=False, default=False, server_default=false()),
    CheckConstraint("rung BETWEEN 1 AND 7", name="rung_range"),
    CheckConstraint(
        "side IS NULL OR side IN ('lived-experience', 'professional')", name="side_known"
    ),
    Index(None, "meeting_id"),
)

# Which library prompts a group has had, so none repeats before the library is used up.
prompt_uses = Table(
    "prompt_uses",
    metadata,
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(10), primary_key=True),  # checkin | round
    Column("prompt_id", String(40), primary_key=True),
    Column("used_at", UtcDateTime, nullable=False),
)

# Decisions and actions are named, not anonymous: who recorded them (and who owns an action) is
# plain to the group. Both point at members with ON DELETE SET NULL, and `forget-me` clears them
# explicitly too: the record stays the group's, without the person's name.
decisions = Table(
    "decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), nullable=False),
    Column("meeting_id", ForeignKey("meetings.id", ondelete="SET NULL")),
    Column("number", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("recorded_by", ForeignKey("members.id", ondelete="SET NULL")),
    Column("recorded_at", UtcDateTime, nullable=False),
    UniqueConstraint("group_id", "number"),
    Index(None, "meeting_id"),
    Index(None, "recorded_by"),
)

actions = Table(
    "actions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), nullable=False),
    Column("meeting_id", ForeignKey("meetings.id", ondelete="SET NULL")),
    Column("number", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("owner_id", ForeignKey("members.id", ondelete="SET NULL")),  # NULL: unassigned
    Column("recorded_by", ForeignKey("members.id", ondelete="SET NULL")),
    Column("recorded_at", UtcDateTime, nullable=False),
    Column("due_on", Date),  # a day in the group's time zone
    Column("status", String(10), nullable=False),  # open | done | dropped
    Column("accepted_at", UtcDateTime),  # NULL while the owner has not said yes
    # When the owner was asked privately; NULL while the question waits for the group's quiet
    # hours to end (the clock's sweep sends it then, claiming it by a conditional update).
    Column("asked_at", UtcDateTime),
    Column("done_at", UtcDateTime),  # when it was done, or dropped
    Column("done_note", Text),
    # The owner's reminder before the due day, claimed by a conditional update so two clocks
    # never send it twice (`bot.handlers.actions.reminders`).
    Column("reminded_at", UtcDateTime),
    UniqueConstraint("group_id", "number"),
    Index(None, "status", "reminded_at", "due_on"),
    Index(None, "status", "asked_at"),
    Index(None, "owner_id"),
    Index(None, "recorded_by"),
    Index(None, "meeting_id"),
)

# Adapters remember which platform message a keyed post became, so it can be updated in place.
platform_posts = Table(
    "platform_posts",
    metadata,
    Column("platform", String(20), primary_key=True),
    Column("conversation_id", String(200), primary_key=True),
    Column("key", String(100), primary_key=True),
    Column("ref", String(300), nullable=False),
)

# Effects nobody is waiting for (scheduled posts, nudges, fan-outs that failed) wait here until a
# platform has accepted them: written in the same transaction as the work that made them, deleted
# once delivered, retried with back-off, so a crash or an outage loses nothing.
outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("platform", String(20), nullable=False),
    Column("effect", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("lease_until", UtcDateTime),
    # Set (in its own commit) just before the row's platform call: a drain that leases a row
    # still marked knows its holder died mid-call, and counts it as ambiguous instead of sending
    # it a second time. Cleared when a failed row is put back for another try.
    Column("sending_since", UtcDateTime),
    Index(None, "next_attempt_at"),
    sqlite_autoincrement=True,
)

# A command typed in a direct message by someone in several groups, waiting for them to pick the
# group: buttons carry only the row's random id (Slack allows 2,000 characters in a button's value,
# a share alone may be 2,000). No author is stored (the words may be an anonymous elephant): the id
# reaches only the person who typed it, and holding it is what lets the command run. Taken (deleted)
# when used; kept a day past `expires_at` so expired words can still be handed back, then pruned.
pending_choices = Table(
    "pending_choices",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("text", Text, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Index(None, "expires_at"),
)

# The numbered options of the last card sent privately to someone who reads in plain text, so a
# number typed alone in a direct message answers it (`bot.plain_text`). One row per person,
# replaced by the next such card and deleted when they do anything else that is not anonymous;
# never written by an anonymous act (that would show who took part). A day at most.
plain_text_cards = Table(
    "plain_text_cards",
    metadata,
    Column("platform", String(20), primary_key=True),
    Column("workspace", String(100), primary_key=True),
    Column("user_id", String(200), primary_key=True),
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE")),
    Column("options", Text, nullable=False),  # a JSON list of the words each option types
    Column("sent_at", UtcDateTime, nullable=False),
    Index(None, "sent_at"),
)

# A meeting's sharing ledger as its summary showed it, kept when the summary is posted: the
# members' pages read this, never a fresh count, which would change when someone later leaves,
# changes role or uses `forget-me`, and so tell by comparison what that one person did.
sharing_ledgers = Table(
    "sharing_ledgers",
    metadata,
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("lines", Text, nullable=False),  # JSON: the ledger's role lines, each of k or more
    Column("left_out", Boolean, nullable=False),
)

# Adapters record platform event ids here to drop retries and duplicate deliveries durably.
inbound_events = Table(
    "inbound_events",
    metadata,
    Column("platform", String(20), primary_key=True),
    Column("event_id", String(200), primary_key=True),
    Column("received_at", UtcDateTime, nullable=False),
    Index(None, "received_at"),  # the daily retention job prunes old event ids by age
)

# Requests a platform was told were received, waiting to be handled (`bot.inbox`): a request is
# answered only once its row is committed, so a process killed after answering loses nothing.
# `delivery_key` is the same id the core records as `once`, so a platform's retry adds no row.
# `leased_until` is both the lease of the process handling the row and a failed row's back-off.
inbox = Table(
    "inbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("platform", String(20), nullable=False),
    Column("delivery_key", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("content_type", String(100), nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("leased_until", UtcDateTime),
    UniqueConstraint("platform", "delivery_key"),
    Index(None, "leased_until"),
    sqlite_autoincrement=True,
)

# How to reach a conversation later (Teams: a conversation reference, as JSON, with no person in
# it), so scheduled posts reach channels after a restart. `workspace` finds a tenant's service URL.
conversation_refs = Table(
    "conversation_refs",
    metadata,
    Column("platform", String(20), primary_key=True),
    Column("conversation_id", String(300), primary_key=True),
    Column("workspace", String(100), nullable=False),
    Column("ref", Text, nullable=False),
)

# A file offered to one person and not yet taken (Teams asks their consent before the bot may
# upload it to their OneDrive): kept here, never in the card, until they accept, decline, or it
# expires. `token` is a random name the consent card carries instead of the file.
pending_files = Table(
    "pending_files",
    metadata,
    Column("platform", String(20), primary_key=True),
    Column("token", String(64), primary_key=True),
    Column("workspace", String(100), nullable=False),
    Column("user_id", String(200), nullable=False),
    Column("filename", String(200), nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Index(None, "expires_at"),
)

# Slack's OAuth install flow (`bot/adapters/slack/oauth.py`) keeps installations, bot tokens and
# pending OAuth states through slack-sdk's SQLAlchemy stores, which read and write these tables by
# name. They are declared here exactly as slack-sdk's own `build_*_table` methods declare them
# (plain naive `DateTime`, the SDK's index names), so the migrations create them and the SDK finds
# what it expects.
slack_installations = Table(
    "slack_installations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("enterprise_url", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    Column("bot_token", String(200)),
    Column("bot_id", String(32)),
    Column("bot_user_id", String(32)),
    Column("bot_scopes", String(1000)),
    Column("bot_refresh_token", String(200)),
    Column("bot_token_expires_at", DateTime),
    Column("user_id", String(32), nullable=False),
    Column("user_token", String(200)),
    Column("user_scopes", String(1000)),
    Column("user_refresh_token", String(200)),
    Column("user_token_expires_at", DateTime),
    Column("incoming_webhook_url", String(200)),
    Column("incoming_webhook_channel", String(200)),
    Column("incoming_webhook_channel_id", String(200)),
    Column("incoming_webhook_configuration_url", String(200)),
    Column("is_enterprise_install", Boolean, default=False, nullable=False),
    Column("token_type", String(32)),
    Column("installed_at", DateTime, nullable=False, default=func.now()),
    Index(
        "slack_installations_idx",
        "client_id",
        "enterprise_id",
        "team_id",
        "user_id",
        "installed_at",
    ),
)

slack_bots = Table(
    "slack_bots",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    Column("bot_token", String(200)),
    Column("bot_id", String(32)),
    Column("bot_user_id", String(32)),
    Column("bot_scopes", String(1000)),
    Column("bot_refresh_token", String(200)),
    Column("bot_token_expires_at", DateTime),
    Column("is_enterprise_install", Boolean, default=False, nullable=False),
    Column("installed_at", DateTime, nullable=False, default=func.now()),
    Index("slack_bots_idx", "client_id", "enterprise_id", "team_id", "installed_at"),
)

slack_oauth_states = Table(
    "slack_oauth_states",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("state", String(200), nullable=False),
    Column("expire_at", DateTime, nullable=False),
)

readiness_probe = Table(
    "readiness_probe",
    metadata,
    # One row, rewritten by `/readyz` (`bot.store.readiness`) to prove the database takes writes.
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("checked_at", UtcDateTime, nullable=False),
)

# Recognition of time: each person's preparation time and expenses, seen only by them and the
# group's facilitators. An entry belongs to its owner until they choose what to do with it; then
# it points at their choice (`recognition_claims`).
recognition_entries = Table(
    "recognition_entries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), nullable=False),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(8), nullable=False),  # time | expense
    Column("minutes", Integer),
    Column("pence", Integer),
    Column("note", Text, nullable=False),
    Column("added_at", UtcDateTime, nullable=False),
    Column("claim_id", ForeignKey("recognition_claims.id", ondelete="SET NULL")),
    Index(None, "member_id", "claim_id"),
    CheckConstraint("kind IN ('time', 'expense')", name="kind_known"),
)

# A person's choice for what they had recorded: claim it, decline it, or give it to a cause.
# A paid claim's amount and date outlive the person (`member_id` set NULL on `forget-me`), for
# the organisation's accounts; nothing else about them does.
recognition_claims = Table(
    "recognition_claims",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), nullable=False),
    Column("member_id", ForeignKey("members.id", ondelete="SET NULL")),
    Column("number", Integer, nullable=False),
    Column("choice", String(8), nullable=False),  # claim | decline | donate
    Column("meetings", Integer, nullable=False),
    Column("minutes", Integer, nullable=False),
    Column("pence", Integer, nullable=False),
    Column("made_at", UtcDateTime, nullable=False),
    Column("paid_at", UtcDateTime),
    UniqueConstraint("group_id", "number"),
    CheckConstraint("choice IN ('claim', 'decline', 'donate')", name="choice_known"),
)

# The group's own pages (`bot.pages`): single-use links sent by `dashboard`, and the sessions they
# open. Only a keyed hash of each secret is kept, so a copy of the database opens nothing. A link
# is bound to one person and group; a session to one person (who may switch between their
# groups). Membership and role are checked again on every request; retention deletes the expired.
page_links = Table(
    "page_links",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("platform", String(20), nullable=False),
    Column("workspace", String(100), nullable=False),
    Column("user_id", String(200), nullable=False),
    Column("expires_at", UtcDateTime, nullable=False, index=True),
    Column("used_at", UtcDateTime),
)

page_sessions = Table(
    "page_sessions",
    metadata,
    Column("session_hash", String(64), primary_key=True),
    Column("platform", String(20), nullable=False),
    Column("workspace", String(100), nullable=False),
    Column("user_id", String(200), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("expires_at", UtcDateTime, nullable=False, index=True),
    Index(None, "platform", "workspace", "user_id"),
)
