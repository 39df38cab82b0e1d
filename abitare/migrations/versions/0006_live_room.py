"""Live sessions: per field, whether its results are shown to the room and its timer; the
facilitator's decisions on free-text contributions (approved, hidden, merged); the field on
the wall.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("worksheet_sessions") as batch:
        batch.add_column(sa.Column("projected_field", sa.String(60), nullable=True))
    op.create_table(
        "worksheet_field_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_id", sa.Integer, sa.ForeignKey("worksheet_sessions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("field_id", sa.String(60), nullable=False),
        sa.Column("revealed", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("timer_ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("session_id", "field_id", name="uq_worksheet_field_state"),
    )
    op.create_table(
        "worksheet_moderation",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_id", sa.Integer, sa.ForeignKey("worksheet_sessions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("member_id", sa.Integer, sa.ForeignKey("worksheet_members.id", ondelete="CASCADE"), nullable=False),
        sa.Column("field_id", sa.String(60), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("text_hash", sa.String(64), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("merged_into", sa.Integer, nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("member_id", "field_id", "position", name="uq_worksheet_moderation"),
    )
    op.create_index("ix_worksheet_moderation_session", "worksheet_moderation", ["session_id"])


def downgrade() -> None:
    op.drop_index("ix_worksheet_moderation_session", table_name="worksheet_moderation")
    op.drop_table("worksheet_moderation")
    op.drop_table("worksheet_field_state")
    with op.batch_alter_table("worksheet_sessions") as batch:
        batch.drop_column("projected_field")
