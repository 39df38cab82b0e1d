"""Every choice made in a case simulation.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_choices",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "participant_id",
            sa.Integer,
            sa.ForeignKey("participants.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("case_id", sa.String(60), nullable=False),
        sa.Column("attempt", sa.Integer, nullable=False),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("node_id", sa.String(60), nullable=False),
        sa.Column("choice_index", sa.Integer, nullable=False),
        sa.Column("to_id", sa.String(60), nullable=False),
        sa.Column("group_code", sa.String(40), nullable=False, server_default=""),
        sa.Column("chosen_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("participant_id", "case_id", "attempt", "step", name="uq_case_choice_step"),
    )
    op.create_index("ix_case_choices_case_group", "case_choices", ["case_id", "group_code"])


def downgrade() -> None:
    op.drop_index("ix_case_choices_case_group", table_name="case_choices")
    op.drop_table("case_choices")
