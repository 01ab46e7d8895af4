"""`restore` checks before it changes anything: a backup of the other kind of database, a file
that is no backup or is damaged, a schema from a newer release, no confirmation, another
connection still open (PostgreSQL) and an archive cut short: each a sentence and a non-zero
exit, with the database as it was. An older schema is restored, then `db upgrade` is advised."""

from __future__ import annotations

import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from feedback_api.storage.models import Comment, Page, db

PAGE = "/blog/winter-vaccines/"
SQLITE = pytest.mark.parametrize("database", ["sqlite"], indirect=True)
POSTGRESQL = pytest.mark.parametrize("database", ["postgresql"], indirect=True)
OLDER = "cd419fda3115"  # questionnaire responses: a revision every later release knows


def run(app, *args: str, input: str | None = None):
    return app.test_cli_runner().invoke(args=list(map(str, args)), input=input)


def comments(app) -> list[str]:
    with app.app_context():
        bodies = sorted(db.session.scalars(db.select(Comment.body)))
        db.session.remove()
        db.engine.dispose()  # a restore refuses while connections are open
    return bodies


def assert_refused(result, *words: str) -> None:
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.output, result.output


@pytest.fixture
def backed_up(app, tmp_path: Path, database: str) -> Path:
    """A backup holding one comment; the database then holds a second one."""
    if database == "postgresql" and not shutil.which("pg_dump"):
        pytest.skip("PostgreSQL's client tools are not installed")
    client = app.test_client()
    client.post("/api/comments", json={"page": PAGE, "body": "In the backup"})
    path = tmp_path / ("backup.sqlite3" if database == "sqlite" else "backup.pgdump")
    made = run(app, "backup", path)
    assert made.exit_code == 0, made.output
    client.post("/api/comments", json={"page": PAGE, "body": "After the backup"})
    comments(app)
    return path


def set_revision(path: Path, revision: str) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    connection.close()


@pytest.mark.parametrize("database", ["sqlite", "postgresql"], indirect=True)
def test_without_yes_it_asks_and_a_no_changes_nothing(app, backed_up: Path) -> None:
    answer = run(app, "restore", backed_up, input="n\n")
    assert_refused(answer, "This replaces the", "whatever was stored after that backup is lost")
    assert comments(app) == ["After the backup", "In the backup"]
    answer = run(app, "restore", backed_up, input="y\n")
    assert answer.exit_code == 0, answer.output
    assert comments(app) == ["In the backup"]


@pytest.mark.parametrize("database", ["sqlite", "postgresql"], indirect=True)
def test_something_that_is_no_backup_is_refused(app, tmp_path: Path, database: str) -> None:
    for content, words in [
        (b"id,body\n1,hello\n", "neither a SQLite database nor a pg_dump archive"),
        (b"", "neither a SQLite database nor a pg_dump archive"),
    ]:
        path = tmp_path / "notes.csv"
        path.write_bytes(content)
        assert_refused(run(app, "restore", "--yes", path), words)
    assert_refused(run(app, "restore", "--yes", tmp_path / "missing"), "does not exist")
    assert_refused(run(app, "restore", "--yes", tmp_path), "is not a file")


@SQLITE
def test_a_postgresql_backup_for_sqlite_is_refused(app, tmp_path: Path) -> None:
    path = tmp_path / "other.pgdump"
    path.write_bytes(b"PGDMP\x01\x0e\x00" + bytes(100))
    result = run(app, "restore", "--yes", path)
    assert_refused(result, "is a PostgreSQL backup, but the configured database is SQLite")


@POSTGRESQL
def test_a_sqlite_backup_for_postgresql_is_refused(app, tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    sqlite3.connect(path).execute("CREATE TABLE x (y)").connection.close()
    result = run(app, "restore", "--yes", path)
    assert_refused(result, "is a SQLite backup, but the configured database is PostgreSQL")


@SQLITE
def test_a_damaged_sqlite_backup_is_refused(app, backed_up: Path) -> None:
    data = bytearray(backed_up.read_bytes())
    data[4196 : 4096 * 3] = b"\xab" * (4096 * 3 - 4196)
    backed_up.write_bytes(bytes(data))
    assert_refused(run(app, "restore", "--yes", backed_up), str(backed_up))
    assert comments(app) == ["After the backup", "In the backup"]


@SQLITE
def test_a_restore_to_a_new_file_makes_it_private(app, backed_up: Path, tmp_path: Path) -> None:
    target = tmp_path / "new-host" / "engage.db"
    target.parent.mkdir()
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{target}"
    result = run(app, "restore", "--yes", backed_up)
    assert result.exit_code == 0, result.output
    assert "comments 1" in result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


@SQLITE
def test_a_sqlite_file_without_the_apis_tables_is_refused(app, tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    sqlite3.connect(path).execute("CREATE TABLE x (y)").connection.close()
    assert_refused(run(app, "restore", "--yes", path), "holds no Engage database")


@SQLITE
def test_the_database_itself_is_not_its_own_backup(app) -> None:
    path = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database
    assert_refused(run(app, "restore", "--yes", path), "is the configured database itself")


@SQLITE
def test_a_backup_from_a_newer_release_is_refused(app, backed_up: Path) -> None:
    set_revision(backed_up, "f00dfeedf00d")
    result = run(app, "restore", "--yes", backed_up)
    assert_refused(result, "revision f00dfeedf00d", "newer release")
    assert comments(app) == ["After the backup", "In the backup"]


@SQLITE
def test_a_backup_from_an_older_release_is_restored_and_upgrade_advised(
    app, backed_up: Path
) -> None:
    set_revision(backed_up, OLDER)
    result = run(app, "restore", "--yes", backed_up)
    assert result.exit_code == 0, result.output
    assert f"schema revision {OLDER}" in result.output
    assert "flask --app feedback_api db upgrade" in result.output
    assert comments(app) == ["In the backup"]


@POSTGRESQL
def test_another_connection_stops_a_postgresql_restore(app, backed_up: Path) -> None:
    with app.app_context():
        db.session.execute(db.select(1))  # the API, still running, holds a connection
        result = run(app, "restore", "--yes", backed_up)
        db.session.remove()
    assert_refused(result, "other connection(s) use", "stop the API, the worker")
    assert comments(app) == ["After the backup", "In the backup"]


@POSTGRESQL
def test_an_archive_cut_short_changes_nothing(app, tmp_path: Path) -> None:
    """pg_restore reads the table of contents and the schema revision, then fails in the data:
    psql has run part of the script in the open transaction, which is never committed."""
    if not shutil.which("pg_dump"):
        pytest.skip("PostgreSQL's client tools are not installed")
    with app.app_context():
        rows = [{"url": f"/page-{n}/", "approved_count": 0, "version": 0} for n in range(20000)]
        db.session.execute(db.insert(Page), rows)
        db.session.commit()
    whole_path = tmp_path / "whole.pgdump"
    assert run(app, "backup", whole_path).exit_code == 0
    app.test_client().post("/api/comments", json={"page": PAGE, "body": "After the backup"})
    assert comments(app) == ["After the backup"]
    whole = whole_path.read_bytes()
    cut = tmp_path / "cut.pgdump"
    reached_the_data = 0
    for tenths in (9, 8, 7, 5):
        cut.write_bytes(whole[: len(whole) * tenths // 10])
        result = run(app, "restore", "--yes", cut)
        assert result.exit_code != 0, result.output
        assert "Traceback" not in result.output
        reached_the_data += "(nothing was changed)" in result.output
        assert comments(app) == ["After the backup"]
    assert reached_the_data, "at least one cut fails inside the restore's transaction"
