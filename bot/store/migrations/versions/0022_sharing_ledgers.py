"""A meeting's sharing ledger kept as its summary showed it: the members' pages read it instead
of counting afresh, so that someone leaving, changing role or using `forget-me` later changes
nothing anyone can compare. One new table, `sharing_ledgers`; nothing existing changes (meetings
summarised before this have no kept ledger, and the page leaves them out).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-08 03:01:37.422091
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sharing_ledgers",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("lines", sa.Text(), nullable=False),
        sa.Column("left_out", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_sharing_ledgers_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", name=op.f("pk_sharing_ledgers")),
    )


def downgrade() -> None:
    op.drop_table("sharing_ledgers")
