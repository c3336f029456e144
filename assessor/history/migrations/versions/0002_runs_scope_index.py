"""Index runs by scope, newest first: `history list --scope`, `previous` and the trend read runs that way.

Revision ID: 0002_runs_scope_index
Revises: 0001_initial
"""

from __future__ import annotations

from alembic import op

revision = "0002_runs_scope_index"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Ascending is enough: SQLite and PostgreSQL both scan a B-tree backwards for "newest first".
    op.create_index("ix_runs_scope_key_id", "runs", ["scope_key", "id"])


def downgrade() -> None:
    op.drop_index("ix_runs_scope_key_id", table_name="runs")
