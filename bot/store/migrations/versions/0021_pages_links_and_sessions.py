"""The group's own pages: single-use links (`page_links`) and the sessions they open
(`page_sessions`), each keeping only a keyed hash of its secret. Nothing existing changes.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-08 01:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.store.schema import UtcDateTime

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "page_links",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("workspace", sa.String(length=100), nullable=False),
        sa.Column("user_id", sa.String(length=200), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("used_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_page_links_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_page_links")),
    )
    with op.batch_alter_table("page_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_page_links_group_id"), ["group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_page_links_expires_at"), ["expires_at"], unique=False)
    op.create_table(
        "page_sessions",
        sa.Column("session_hash", sa.String(length=64), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("workspace", sa.String(length=100), nullable=False),
        sa.Column("user_id", sa.String(length=200), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("session_hash", name=op.f("pk_page_sessions")),
    )
    with op.batch_alter_table("page_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_page_sessions_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_page_sessions_platform_workspace_user_id"),
            ["platform", "workspace", "user_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("page_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_page_sessions_platform_workspace_user_id"))
        batch_op.drop_index(batch_op.f("ix_page_sessions_expires_at"))
    op.drop_table("page_sessions")
    with op.batch_alter_table("page_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_page_links_expires_at"))
        batch_op.drop_index(batch_op.f("ix_page_links_group_id"))
    op.drop_table("page_links")
