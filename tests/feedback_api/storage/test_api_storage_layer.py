"""The storage layer's rules, checked on the code: every query is built in `feedback_api/storage/`,
only `storage.transaction()` commits, modules stay small; and the one UTC datetime type, read
back aware from both databases."""

from __future__ import annotations

import ast
import datetime
from pathlib import Path

import pytest
from sqlalchemy import DateTime

from feedback_api.storage import transaction
from feedback_api.storage.models import Comment, UTCDateTime, db
from fixtures.site import ROOT

PACKAGE = ROOT / "feedback_api"
STORAGE = PACKAGE / "storage"
# Query-building names: outside storage/ nobody imports them.
QUERY_NAMES = {
    "and_", "case", "cast", "delete", "func", "insert", "literal", "not_", "or_", "select",
    "text", "update",
}  # fmt: skip
# The app factory hands `db` to Flask; the outage watch listens on its engine. Neither queries.
MAY_HOLD_DB = {PACKAGE / "__init__.py", PACKAGE / "outage.py"}


def modules(root: Path = PACKAGE) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "migrations" not in p.relative_to(PACKAGE).parts)


def outside_storage() -> list[Path]:
    return [path for path in modules() if STORAGE not in path.parents]


def test_the_storage_modules_exist_and_queries_py_is_gone() -> None:
    names = {path.stem for path in modules(STORAGE)}
    assert {"comments", "pages", "queue", "responses", "users", "social", "audit"} <= names
    assert "queries" not in names


@pytest.mark.parametrize("path", outside_storage(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_query_is_built_outside_storage(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
            found = {alias.name for alias in node.names} & QUERY_NAMES
            assert not found, f"{path.name} imports {found} from {node.module}"
        if isinstance(node, ast.Attribute) and node.attr == "session":
            assert not (isinstance(node.value, ast.Name) and node.value.id == "db"), path.name
        models = isinstance(node, ast.ImportFrom) and node.module == "feedback_api.storage.models"
        if models and path not in MAY_HOLD_DB:
            assert "db" not in {alias.name for alias in node.names}, path.name


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_the_transaction_commits(path: Path) -> None:
    """No `.commit()` and no `commit=` anywhere but `storage.transaction()` itself."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        call = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        if call and node.func.attr == "commit":
            assert path == STORAGE / "__init__.py", f"{path.name}:{node.lineno} commits"
        if isinstance(node, ast.arg | ast.keyword) and node.arg == "commit":
            pytest.fail(f"{path.name}: a `commit` argument")


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_module_is_at_most_400_lines(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400


def test_no_folder_holds_more_than_15_modules() -> None:
    folders = {path.parent for path in modules()}
    for folder in folders:
        assert len(list(folder.glob("*.py"))) <= 15, folder


def test_every_datetime_column_is_the_utc_type() -> None:
    for table in db.metadata.tables.values():
        for column in table.columns:
            if isinstance(column.type, DateTime | UTCDateTime):
                assert isinstance(column.type, UTCDateTime), f"{table.name}.{column.name}"
                assert column.type.impl.timezone, "the migrations made timezone=True columns"


def test_moments_are_read_back_aware_in_utc(app, client) -> None:
    """SQLite keeps no offset: what it hands back is the UTC written, read back as UTC. A moment
    in another zone is stored as the same instant."""
    made = client.post("/api/comments", json={"page": "/blog/winter-vaccines/", "body": "Hi"})
    comment_id = made.json["id"]
    british_summer = datetime.timezone(datetime.timedelta(hours=1))
    summer = datetime.datetime(2026, 7, 1, 14, 30, tzinfo=british_summer)
    with app.app_context(), transaction():
        comment = db.session.get(Comment, comment_id)
        comment.moderated = summer
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        for moment in (comment.created, comment.updated, comment.moderated):
            assert moment.tzinfo is datetime.UTC, moment
        assert comment.moderated == summer
        assert comment.moderated.hour == 13
        found = db.session.scalars(db.select(Comment).where(Comment.moderated == summer)).all()
        assert [c.id for c in found] == [comment_id], "a comparison uses the same instant"


def test_a_naive_moment_is_taken_as_utc() -> None:
    column = UTCDateTime()
    naive = datetime.datetime(2026, 1, 5, 9, 0)
    assert column.process_bind_param(naive, None) == naive.replace(tzinfo=datetime.UTC)
    assert column.process_result_value(naive, None) == naive.replace(tzinfo=datetime.UTC)
    assert column.process_result_value(None, None) is None
