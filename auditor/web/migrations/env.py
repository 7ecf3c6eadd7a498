"""Alembic environment: the connection is handed in by :func:`auditor.web.db.migrate`."""

from alembic import context

from auditor.web.db import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata)
with context.begin_transaction():
    context.run_migrations()
