"""`backup` when things go wrong: a folder that is missing, unwritable or given instead of a
file, a file that exists, pg_dump missing, too old or failing part way, a wrong password. Each is
one sentence and a non-zero exit, and no partial file is left; and the password never appears on
pg_dump's command line."""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

PAGE = "/blog/winter-vaccines/"
SQLITE = pytest.mark.parametrize("database", ["sqlite"], indirect=True)
POSTGRESQL = pytest.mark.parametrize("database", ["postgresql"], indirect=True)


def backup(app, *args: str):
    return app.test_cli_runner().invoke(args=["backup", *map(str, args)])


def entries(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def assert_refused(result, *words: str) -> None:
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.output, result.output


@contextlib.contextmanager
def unwritable(folder: Path) -> Iterator[None]:
    """A folder nobody may add to: root ignores file modes, so root makes it immutable."""
    if os.geteuid() == 0:
        if not shutil.which("chattr"):
            pytest.skip("running as root without chattr: no folder is unwritable")
        made = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False)
        if made.returncode != 0:
            pytest.skip(f"chattr +i is not allowed here: {made.stderr!r}")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
    else:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)


def fake_tool(folder: Path, name: str, script: str) -> None:
    """A shell script on PATH in place of a PostgreSQL tool."""
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    path.chmod(0o755)


@pytest.mark.parametrize("database", ["sqlite", "postgresql"], indirect=True)
def test_a_folder_means_a_new_file_named_by_the_time_readable_by_its_owner(
    app, tmp_path: Path, database: str
) -> None:
    if database == "postgresql" and not shutil.which("pg_dump"):
        pytest.skip("PostgreSQL's client tools are not installed")
    app.test_client().post("/api/comments", json={"page": PAGE, "body": "Keep me"})
    folder = tmp_path / "backups"
    folder.mkdir()
    old_mask = os.umask(0)  # even a careless umask leaves it private
    try:
        result = backup(app, folder)
    finally:
        os.umask(old_mask)
    assert result.exit_code == 0, result.output
    [name] = entries(folder)
    suffix = ".sqlite3" if database == "sqlite" else ".pgdump"
    assert name.startswith("engage-") and name.endswith(suffix)
    assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600
    assert "comments 1" in result.output and "personal data" in result.output


@SQLITE
def test_a_missing_folder_is_refused(app, tmp_path: Path) -> None:
    assert_refused(backup(app, tmp_path / "no" / "such" / "x.db"), "does not exist")
    assert not (tmp_path / "no").exists()


@SQLITE
def test_a_file_where_the_folder_should_be_is_refused(app, tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("x")
    assert_refused(backup(app, tmp_path / "plain" / "x.db"), "is not a folder")


@SQLITE
def test_an_unwritable_folder_is_refused_and_left_empty(app, tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    with unwritable(folder):
        result = backup(app, folder / "x.db")
    assert_refused(result, "Cannot write in", str(folder))
    assert entries(folder) == []


@SQLITE
def test_an_existing_file_is_kept_unless_forced(app, tmp_path: Path) -> None:
    target = tmp_path / "engage.sqlite3"
    target.write_text("last week's")
    assert_refused(backup(app, target), "exists", "--force")
    assert target.read_text() == "last week's"
    assert backup(app, target, "--force").exit_code == 0
    assert target.read_bytes().startswith(b"SQLite format 3\x00")
    assert entries(tmp_path).count("engage.sqlite3") == 1
    assert not [name for name in entries(tmp_path) if name.endswith(".partial")]


@SQLITE
def test_something_not_a_file_in_the_way_is_not_replaced_even_forced(app, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "engage.sqlite3")  # a pipe, a socket, a device: never replaced
    assert_refused(backup(app, tmp_path / "engage.sqlite3", "--force"), "is not a file")
    assert stat.S_ISFIFO((tmp_path / "engage.sqlite3").stat().st_mode)


@SQLITE
def test_no_database_yet_is_a_sentence(make_app, tmp_path: Path) -> None:
    app = make_app()
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'none.db'}"
    assert_refused(backup(app, tmp_path / "x.db"), "There is no database at")
    assert not (tmp_path / "none.db").exists(), "a backup never creates the database"
    assert not (tmp_path / "x.db").exists()


@SQLITE
def test_the_database_is_never_replaced_by_its_own_copy(app) -> None:
    live = Path(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database)
    assert_refused(backup(app, live, "--force"), "is the database itself")


@POSTGRESQL
def test_a_wrong_password_is_a_sentence_and_leaves_nothing(app, tmp_path: Path) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    user, _, rest = uri.partition("://")[2].partition("@")
    app.config["SQLALCHEMY_DATABASE_URI"] = f"postgresql+psycopg://{user.split(':')[0]}:nope@{rest}"
    out = tmp_path / "out"
    out.mkdir()
    result = backup(app, out / "x.pgdump")
    assert_refused(result, "Cannot read the database", "password authentication failed")
    assert "nope" not in result.output
    assert entries(out) == []


@POSTGRESQL
def test_pg_dump_missing_is_a_sentence(app, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert_refused(backup(app, tmp_path / "x.pgdump"), "pg_dump is not installed")
    assert not (tmp_path / "x.pgdump").exists()


@POSTGRESQL
def test_an_older_pg_dump_than_the_server_is_refused(app, tmp_path: Path, monkeypatch) -> None:
    fake_tool(tmp_path / "bin", "pg_dump", 'echo "pg_dump (PostgreSQL) 9.6.24"\n')
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    result = backup(app, tmp_path / "x.pgdump")
    assert_refused(result, "is version 9 but the database server is PostgreSQL")
    assert not (tmp_path / "x.pgdump").exists()


@POSTGRESQL
def test_pg_dump_failing_part_way_leaves_no_file(app, tmp_path: Path, monkeypatch) -> None:
    real = shutil.which("pg_dump")
    if real is None:
        pytest.skip("PostgreSQL's client tools are not installed")
    script = (
        f'case "$1" in --version) exec "{real}" --version;; esac\n'
        "printf 'PGDMP half an archive'\n"
        "echo 'pg_dump: error: connection to server lost' >&2\nexit 1\n"
    )
    fake_tool(tmp_path / "bin", "pg_dump", script)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    out = tmp_path / "out"
    out.mkdir()
    result = backup(app, out / "x.pgdump")
    assert_refused(result, "pg_dump of", "connection to server lost")
    assert entries(out) == [], "no partial file is left"


@POSTGRESQL
def test_the_password_travels_in_the_environment_not_the_command_line(
    app, tmp_path: Path, monkeypatch
) -> None:
    real = shutil.which("pg_dump")
    if real is None:
        pytest.skip("PostgreSQL's client tools are not installed")
    seen = tmp_path / "seen"
    script = (
        f'printf "%s\\n" "$@" >> "{seen}"\n'
        f'echo "given PGPASSWORD=$PGPASSWORD" >> "{seen}"\n'
        f'exec "{real}" "$@"\n'
    )
    fake_tool(tmp_path / "bin", "pg_dump", script)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    result = backup(app, tmp_path / "x.pgdump")
    assert result.exit_code == 0, result.output
    password = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).password
    *arguments, environment = seen.read_text().splitlines()
    assert environment == f"given PGPASSWORD={password}"
    assert "--format=custom" in arguments and any(a.startswith("--snapshot=") for a in arguments)
    assert not any("password=" in argument or f":{password}@" in argument for argument in arguments)
