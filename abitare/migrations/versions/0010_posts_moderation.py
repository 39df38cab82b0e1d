"""Live sessions: ideas and questions may wait for the facilitator's approval before the room sees
them (a per-session setting), and a post may be merged into another one (its votes then count on the
kept post). Posts written before this revision stay shown: they count as approved.

Plain ``ADD COLUMN``/``DROP COLUMN``, not Alembic's batch mode: on SQLite a batch with a server
default written as an expression (``sa.false()``) rebuilds the table, and dropping the old
``worksheet_sessions`` with foreign keys on cascades to every session's members, answers, posts
and votes. SQLite (3.35 or later) and PostgreSQL both add and drop these columns in place.

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
    op.add_column(
        "worksheet_sessions", sa.Column("posts_moderated", sa.Boolean, nullable=False, server_default=sa.false())
    )
    op.add_column("room_posts", sa.Column("approved", sa.Boolean, nullable=False, server_default=sa.true()))
    op.add_column("room_posts", sa.Column("merged_into", sa.Integer, nullable=True))


def downgrade() -> None:
    op.drop_column("room_posts", "merged_into")
    op.drop_column("room_posts", "approved")
    op.drop_column("worksheet_sessions", "posts_moderated")
