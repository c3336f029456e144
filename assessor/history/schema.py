"""The tables as the store code sees them. The migrations in `migrations/versions/` create them; a test checks
that the migrated database and this metadata agree, so the two cannot drift apart silently."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

runs = sa.Table(
    "runs", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("generated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("scope_key", sa.String(64), nullable=False),
    sa.Column("scope", sa.JSON, nullable=False),
    sa.Column("organization", sa.Text, nullable=False),
    sa.Column("readiness_index", sa.Float, nullable=True),
    sa.Column("maturity", sa.Text, nullable=False),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("tool_version", sa.Text, nullable=False),
    sa.Column("assessment_format_version", sa.Integer, nullable=False),
    sa.Column("inputs", sa.JSON, nullable=False),
    sa.Column("status_counts", sa.JSON, nullable=False),
    # Both engines walk a B-tree backwards, so (scope_key, id) serves "this scope, newest first" too.
    sa.Index("ix_runs_scope_key_id", "scope_key", "id"),
)

domain_scores = sa.Table(
    "domain_scores", metadata,
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("domain", sa.String(32), primary_key=True),
    sa.Column("score", sa.Float, nullable=True),
)

control_results = sa.Table(
    "control_results", metadata,
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("control_id", sa.String(32), primary_key=True),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("score", sa.Float, nullable=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("severity", sa.String(16), nullable=False),
    sa.Column("domain", sa.String(32), nullable=False),
)

findings = sa.Table(
    "findings", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
    sa.Column("check_id", sa.Text, nullable=False),
    sa.Column("control_id", sa.String(32), nullable=False),
    sa.Column("provider", sa.String(16), nullable=True),
    sa.Column("account_id", sa.Text, nullable=True),
    sa.Column("region", sa.Text, nullable=True),
    sa.Column("resource_id", sa.Text, nullable=True),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Index("ix_findings_run_id", "run_id"),
)
