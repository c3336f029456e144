"""Alembic environment: the store always passes its own connection (already inside a transaction and, where the
database needs it, holding the migration lock), so there is no offline mode and no logging setup here."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("the history store runs its migrations itself; open it with assessor.history.open_store")

# render_as_batch lets ALTERs work on SQLite, which rebuilds a table instead of altering it in place.
context.configure(connection=connection, render_as_batch=True, transaction_per_migration=False)
with context.begin_transaction():
    context.run_migrations()
