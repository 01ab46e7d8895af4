"""Where the database is: one reading of `DATABASE_URL` for the API and the cross-poster's ledger,
which share the database."""

from __future__ import annotations

from pathlib import Path


def database_uri(url: str, instance_path: Path) -> str:
    """One URL for SQLAlchemy: SQLite in the instance folder by default; postgres:// rewritten."""
    if not url:
        return f"sqlite:///{instance_path / 'engage.db'}"
    if url.startswith("postgres://"):
        return "postgresql+psycopg://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://") :]
    return url
