"""Recognition of members' time: a group switch and policy, each person's preparation time and
expenses, and their choices (claim, decline, give to a cause). Existing groups start with
recognition off; no existing data changes.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08 00:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.schema

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("groups", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("recognition", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("recognition_policy", sa.Text(), nullable=True))
    op.create_table(
        "recognition_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("choice", sa.String(length=8), nullable=False),
        sa.Column("meetings", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("pence", sa.Integer(), nullable=False),
        sa.Column("made_at", bot.store.schema.UtcDateTime(), nullable=False),
        sa.Column("paid_at", bot.store.schema.UtcDateTime(), nullable=True),
        sa.CheckConstraint(
            "choice IN ('claim', 'decline', 'donate')",
            name=op.f("ck_recognition_claims_choice_known"),
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_recognition_claims_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_recognition_claims_member_id_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recognition_claims")),
        sa.UniqueConstraint(
            "group_id", "number", name=op.f("uq_recognition_claims_group_id_number")
        ),
    )
    op.create_table(
        "recognition_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("pence", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("added_at", bot.store.schema.UtcDateTime(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('time', 'expense')", name=op.f("ck_recognition_entries_kind_known")
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["recognition_claims.id"],
            name=op.f("fk_recognition_entries_claim_id_recognition_claims"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_recognition_entries_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_recognition_entries_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recognition_entries")),
    )
    with op.batch_alter_table("recognition_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_recognition_entries_member_id_claim_id"),
            ["member_id", "claim_id"],
            unique=False,
        )


def downgrade() -> None:
    op.drop_table("recognition_entries")
    op.drop_table("recognition_claims")
    with op.batch_alter_table("groups", schema=None) as batch_op:
        batch_op.drop_column("recognition_policy")
        batch_op.drop_column("recognition")
