"""Live sessions: a case simulation played by the whole room (votes per step, the choice confirmed).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "room_case_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_id", sa.Integer, sa.ForeignKey("worksheet_sessions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("case_id", sa.String(60), nullable=False),
        sa.Column("revealed", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "room_case_votes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("room_case_runs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("member_id", sa.Integer, sa.ForeignKey("worksheet_members.id", ondelete="CASCADE"), nullable=False),
        sa.Column("choice_index", sa.Integer, nullable=False),
        sa.Column("voted_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("run_id", "step", "member_id", name="uq_room_case_vote"),
    )
    op.create_table(
        "room_case_steps",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("room_case_runs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("node_id", sa.String(60), nullable=False),
        sa.Column("choice_index", sa.Integer, nullable=False),
        sa.Column("majority", sa.Boolean, nullable=False),
        sa.Column("split", sa.JSON, nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("run_id", "step", name="uq_room_case_step"),
    )


def downgrade() -> None:
    op.drop_table("room_case_steps")
    op.drop_table("room_case_votes")
    op.drop_table("room_case_runs")
