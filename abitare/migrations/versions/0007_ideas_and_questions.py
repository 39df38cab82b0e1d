"""Live sessions: an ideas wall with votes and questions with upvotes, opened per session.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN, not a batch: see 0010 (a batch rebuilt the table and the cascade emptied the sessions)
    for name in ("ideas_open", "questions_open", "questions_named"):
        op.add_column("worksheet_sessions", sa.Column(name, sa.Boolean, nullable=False, server_default=sa.false()))
    op.add_column("worksheet_sessions", sa.Column("votes_each", sa.Integer, nullable=False, server_default="3"))
    op.create_table(
        "room_posts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_id", sa.Integer, sa.ForeignKey("worksheet_sessions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("member_id", sa.Integer, sa.ForeignKey("worksheet_members.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("text", sa.String(500), nullable=False),
        sa.Column("hidden", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_room_posts_session", "room_posts", ["session_id", "kind"])
    op.create_table(
        "room_votes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("post_id", sa.Integer, sa.ForeignKey("room_posts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("member_id", sa.Integer, sa.ForeignKey("worksheet_members.id", ondelete="CASCADE"), nullable=False),
        sa.Column("voted_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("post_id", "member_id", name="uq_room_vote"),
    )


def downgrade() -> None:
    op.drop_table("room_votes")
    op.drop_index("ix_room_posts_session", table_name="room_posts")
    op.drop_table("room_posts")
    for name in ("votes_each", "questions_named", "questions_open", "ideas_open"):
        op.drop_column("worksheet_sessions", name)
