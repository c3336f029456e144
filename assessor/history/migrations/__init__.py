"""Alembic migrations of the history store; run programmatically by `assessor.history.store.open_store`."""
