"""Access profiles: each member's needs in their own words, how they prefer to receive things,
and whether facilitators may see it. A new table; no existing data changes.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-08 00:05:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.schema

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "access_profiles",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("needs", sa.Text(), nullable=False),
        sa.Column("plain_text", sa.Boolean(), nullable=False),
        sa.Column("fewer_messages", sa.Boolean(), nullable=False),
        sa.Column("earlier_reminders", sa.Boolean(), nullable=False),
        sa.Column("share", sa.String(length=10), nullable=False),
        sa.Column("updated_at", bot.store.schema.UtcDateTime(), nullable=False),
        sa.CheckConstraint(
            "share IN ('named', 'anonymous', 'no')",
            name=op.f("ck_access_profiles_share_known"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_access_profiles_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_access_profiles")),
    )


def downgrade() -> None:
    op.drop_table("access_profiles")
