"""The models and the migrations agree: what `flask db migrate` would generate after the
migrations have run is nothing, on SQLite and on PostgreSQL — no table, column or index missing
(a column added to a model without its migration, such as the sign-in tables', fails here rather
than in production), and no type changed (the scrubbing TypeDecorators over Text, String and
JSON look to Alembic like the columns the migrations made)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from feedback_api.storage.models import db


def not_the_cross_posters(name: str | None, kind: str, _parent: object) -> bool:
    """The cross-poster's ledger shares the database under its own migrations, as in env.py."""
    return kind != "table" or not (name or "").startswith("crosspost_")


def test_migrations_make_the_tables_the_models_describe(make_app) -> None:
    app = make_app()
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": not_the_cross_posters}
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == [], differences
