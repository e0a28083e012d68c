"""The store's layout: its migrations upgrade older databases, and SQL lives only in it."""

from __future__ import annotations

import ast
import gzip
import re
import shutil
import sqlite3
from pathlib import Path

from engage import store
from engage.store import connect, migrate

ROOT = Path(__file__).resolve().parents[2]
# An empty database made by the code at e71a086, before the store was cut by subject.
BEFORE_SPLIT = Path(__file__).parent / "data" / "store_at_e71a086.sqlite.gz"


def _schema(path: Path) -> list[tuple]:
    db = sqlite3.connect(path)
    try:
        return db.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
    finally:
        db.close()


def _applied(path: Path) -> list[tuple]:
    db = sqlite3.connect(path)
    try:
        return db.execute(
            "SELECT migration_set, name, applied_at FROM _sqlite_migrations "
            "ORDER BY migration_set, name"
        ).fetchall()
    finally:
        db.close()


def test_a_database_made_before_the_split_upgrades_to_the_fresh_schema(tmp_path):
    old = tmp_path / "old.sqlite"
    with gzip.open(BEFORE_SPLIT) as packed, old.open("wb") as unpacked:
        shutil.copyfileobj(packed, unpacked)
    applied_before = _applied(old)
    assert len(applied_before) == 14

    migrate(str(old))
    fresh = tmp_path / "fresh.sqlite"
    migrate(str(fresh))

    # Nothing ran again: every migration keeps the name and time it was first applied under,
    # and only migrations added since were applied.
    upgraded = _applied(old)
    assert set(applied_before) <= set(upgraded)
    assert [row[:2] for row in upgraded] == [row[:2] for row in _applied(fresh)]
    assert _schema(old) == _schema(fresh)


def test_the_upgraded_database_takes_writes(tmp_path):
    old = tmp_path / "old.sqlite"
    with gzip.open(BEFORE_SPLIT) as packed, old.open("wb") as unpacked:
        shutil.copyfileobj(packed, unpacked)
    migrate(str(old))
    db = connect(str(old))
    try:
        campaign = store.campaigns.create_campaign(
            db,
            title="Upgraded",
            framework_id="cqc-la",
            statement_ids=["QS1"],
            questions=[{"id": "QS1-01", "statement_id": "QS1", "content": {"text": "Q1"}}],
            respondent_groups=["person"],
        )
        consent = {"take_part": True, "quote": True, "media": False}
        session = store.respondents.start_session(db, campaign["id"], consent, "en")
        store.respondents.save_answer(db, session["id"], "QS1-01", "good", "Kind staff")
        (item,) = store.review.review_queue(db, campaign["id"])
        assert item["text"] == "Kind staff"
    finally:
        db.close()


# Calls that run SQL, and strings that read as SQL statements.
_SQL_CALLS = {"execute", "executemany", "executescript", "query", "execute_returning_dicts"}
_SQL_TEXT = re.compile(
    r"^\s*(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|INDEX|"
    r"TRIGGER|VIEW|VIRTUAL)|DROP\s+(TABLE|INDEX|TRIGGER)|ALTER\s+TABLE|PRAGMA\s|BEGIN|COMMIT|"
    r"ROLLBACK|VACUUM)",
    re.DOTALL,
)


def _sql_outside_the_store(package: Path) -> list[str]:
    found: list[tuple[Path, int, str]] = []
    for path in sorted(package.rglob("*.py")):
        if package / "store" in path.parents:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        where = path.relative_to(package.parent)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in _SQL_CALLS
            ):
                found.append((where, node.lineno, f"calls .{node.func.attr}()"))
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and _SQL_TEXT.match(node.value)
            ):
                found.append((where, node.lineno, f"holds SQL: {node.value[:40]!r}"))
            elif (
                isinstance(node, ast.Attribute)
                and node.attr == "connect"
                and isinstance(node.value, ast.Name)
                and node.value.id == "sqlite3"
            ):
                found.append((where, node.lineno, "opens a database (sqlite3.connect)"))
            elif isinstance(node, ast.Attribute) and node.attr in {"conn", "cursor"}:
                found.append((where, node.lineno, f"reaches the connection (.{node.attr})"))
    return [f"{where}:{line} {what}" for where, line, what in sorted(found)]


def test_no_sql_outside_the_store():
    assert _sql_outside_the_store(ROOT / "engage") == []


def test_the_sql_check_finds_sql_but_not_in_the_store(tmp_path):
    package = tmp_path / "engage"
    (package / "store").mkdir(parents=True)
    stray = (
        'def f(db):\n    db.execute("SELECT id FROM campaigns")\n    return "DELETE FROM answers"\n'
    )
    (package / "stray.py").write_text(stray + "def g(db):\n    return db.conn, sqlite3.connect\n")
    (package / "store" / "kept.py").write_text(stray)
    (package / "words.py").write_text('HELP = "Select an answer from the list."\n')
    assert _sql_outside_the_store(package) == [
        "engage/stray.py:2 calls .execute()",
        "engage/stray.py:2 holds SQL: 'SELECT id FROM campaigns'",
        "engage/stray.py:3 holds SQL: 'DELETE FROM answers'",
        "engage/stray.py:5 opens a database (sqlite3.connect)",
        "engage/stray.py:5 reaches the connection (.conn)",
    ]
