"""Agenda items and their named authors: two new tables. `agenda_items` has no author column (an
anonymous item leaves no trace of who added it); a named item's author is a row of its own in
`agenda_authors`, which `forget-me` deletes with the item. No existing data changes.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 22:27:19.990431
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.schema

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agenda_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("papers", sa.Text(), nullable=True),
        sa.Column("elephant_number", sa.Integer(), nullable=True),
        sa.Column("shown_from", bot.store.schema.UtcDateTime(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("skip", sa.Integer(), server_default="0", nullable=False),
        sa.Column("carried", sa.Integer(), server_default="0", nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", bot.store.schema.UtcDateTime(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("carried_from_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["carried_from_id"],
            ["meetings.id"],
            name=op.f("fk_agenda_items_carried_from_id_meetings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_agenda_items_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_agenda_items_meeting_id_meetings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"],
            ["agenda_items.id"],
            name=op.f("fk_agenda_items_merged_into_id_agenda_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_items")),
    )
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agenda_items_carried_from_id"), ["carried_from_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_agenda_items_group_id_status"), ["group_id", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_agenda_items_meeting_id"), ["meeting_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_agenda_items_merged_into_id"), ["merged_into_id"], unique=False
        )

    op.create_table(
        "agenda_authors",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["agenda_items.id"],
            name=op.f("fk_agenda_authors_item_id_agenda_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_agenda_authors_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_agenda_authors")),
    )
    with op.batch_alter_table("agenda_authors", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agenda_authors_member_id"), ["member_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("agenda_authors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_authors_member_id"))

    op.drop_table("agenda_authors")
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_items_merged_into_id"))
        batch_op.drop_index(batch_op.f("ix_agenda_items_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_agenda_items_group_id_status"))
        batch_op.drop_index(batch_op.f("ix_agenda_items_carried_from_id"))

    op.drop_table("agenda_items")
