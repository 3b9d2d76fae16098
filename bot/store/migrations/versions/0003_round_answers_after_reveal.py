"""Round answers record whether they came after the reveal (round_answers.after_reveal).

Existing answers are taken as given before the reveal: nothing recorded otherwise.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 17:19:40.593854
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("round_answers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("after_reveal", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("round_answers", schema=None) as batch_op:
        batch_op.drop_column("after_reveal")
