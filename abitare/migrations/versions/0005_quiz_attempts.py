"""Quiz attempts (the questions drawn for each) and, with each answer, its attempt and, for a
calculated question, the number typed and the values it was asked with.

Answers given before this revision become attempt 1 of their module, an attempt with no
list of drawn questions (every question of the module counts, as it did then).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("answers", sa.Column("attempt", sa.Integer, nullable=False, server_default="1"))
    op.add_column("answers", sa.Column("value", sa.Float, nullable=True))
    op.add_column("answers", sa.Column("inputs", sa.JSON, nullable=True))
    op.create_table(
        "quiz_attempts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "participant_id",
            sa.Integer,
            sa.ForeignKey("participants.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("module_id", sa.String(60), nullable=False),
        sa.Column("attempt", sa.Integer, nullable=False),
        sa.Column("items", sa.JSON, nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("participant_id", "module_id", "attempt", name="uq_quiz_attempt"),
    )
    op.execute(
        "INSERT INTO quiz_attempts (participant_id, module_id, attempt, items, started_at) "
        "SELECT participant_id, module_id, 1, NULL, MIN(answered_at) FROM answers "
        "GROUP BY participant_id, module_id"
    )


def downgrade() -> None:
    op.drop_table("quiz_attempts")
    with op.batch_alter_table("answers") as batch:
        batch.drop_column("inputs")
        batch.drop_column("value")
        batch.drop_column("attempt")
