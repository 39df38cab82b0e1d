"""Live sessions: ideas and questions may wait for the facilitator's approval before the room sees
them (a per-session setting), and a post may be merged into another one (its votes then count on the
kept post). Posts written before this revision stay shown: they count as approved.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("worksheet_sessions") as batch:
        batch.add_column(sa.Column("posts_moderated", sa.Boolean, nullable=False, server_default=sa.false()))
    with op.batch_alter_table("room_posts") as batch:
        batch.add_column(sa.Column("approved", sa.Boolean, nullable=False, server_default=sa.true()))
        batch.add_column(sa.Column("merged_into", sa.Integer, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("room_posts") as batch:
        batch.drop_column("merged_into")
        batch.drop_column("approved")
    with op.batch_alter_table("worksheet_sessions") as batch:
        batch.drop_column("posts_moderated")
