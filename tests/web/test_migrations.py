"""The Alembic migrations build exactly the schema the SQLAlchemy models describe.

The schema is changed only by migrations (``auditor/web/migrations``); a model edited
without its migration would work in tests that create tables from the models and fail on
a board's existing database. Alembic's own comparison (the one ``autogenerate`` uses)
runs against a database upgraded from empty, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, inspect

from auditor.web.db import Base, database_url, migrate, open_engine
from tests.web.conftest import _databases, _fresh_postgres

OPTIONS = {"compare_type": True, "compare_server_default": True}


@pytest.fixture(params=_databases())
def empty(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    url: str | None = request.param
    if url:
        url = _fresh_postgres(url)
    engine = open_engine(database_url(tmp_path, url))
    yield engine
    engine.dispose()


def differences(engine: Engine, metadata: MetaData) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts=OPTIONS)
        return list(compare_metadata(context, metadata))


def test_upgrade_head_on_an_empty_database_gives_the_models_schema(empty: Engine) -> None:
    migrate(empty)
    tables = set(inspect(empty).get_table_names()) - {"alembic_version"}
    assert tables == set(Base.metadata.tables)
    assert differences(empty, Base.metadata) == []
    migrate(empty)  # a second start finds nothing to do
    assert differences(empty, Base.metadata) == []


def test_the_comparison_notices_a_model_the_migrations_do_not_have(empty: Engine) -> None:
    """The check above can fail: a column and a table only in the models are reported."""
    migrate(empty)
    changed = MetaData()
    for table in Base.metadata.tables.values():
        table.to_metadata(changed)
    changed.tables["runs"].append_column(Column("priority", Integer))
    Table("notes", changed, Column("id", Integer, primary_key=True), Column("text", String(10)))
    found = differences(empty, changed)
    kinds = {(d[0], getattr(d[-1], "name", None)) for d in found if isinstance(d, tuple)}
    assert ("add_column", "priority") in kinds
    assert ("add_table", "notes") in kinds
