"""Meetings remember where they moved from: a nullable `moved_from` on meetings, set when a
facilitator moves one meeting of the schedule to another date or time (`meeting move`), so the
schedule can show "moved from Tuesday 22 December". A new nullable column; existing rows keep none.

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-07 22:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.schema

revision: str = "0012"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("moved_from", bot.store.schema.UtcDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("moved_from")
