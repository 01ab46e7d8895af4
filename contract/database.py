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


def project_home(package_file: str) -> Path:
    """Where `instance/` and `output/` are by default: the checkout a program runs from (the folder
    with pyproject.toml above its package), or the current folder for an installed package, which
    must never write into site-packages."""
    checkout = Path(package_file).resolve().parent.parent
    return checkout if (checkout / "pyproject.toml").is_file() else Path.cwd()
