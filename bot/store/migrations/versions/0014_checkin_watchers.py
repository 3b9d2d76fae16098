"""Facilitators watching a meeting's check-in as the answers come (`checkin live`): a new table
naming the meeting and the watching facilitator. No existing data changes.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 22:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.schema

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "checkin_watchers",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("since", bot.store.schema.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_checkin_watchers_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_checkin_watchers_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", "member_id", name=op.f("pk_checkin_watchers")),
    )


def downgrade() -> None:
    op.drop_table("checkin_watchers")
