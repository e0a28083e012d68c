"""The store: one SQLite file in the instance folder, and the only code that holds SQL.

Each subject has one module with its reads, writes and migrations together: `campaigns`,
`respondents`, `staff`, `review`, `evidence`, `groups`, `safeguarding`, `media` and `narration`.
This package holds what they share: the connection, `transaction()` and the row helpers.
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from flask import Flask, current_app, g
from sqlite_utils import Database


def connect(path: str) -> Database:
    """Open the database with the settings every connection needs."""
    from engage.store.review import WORD_OFFSETS, word_offsets

    conn = sqlite3.connect(path, timeout=15, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    # The review triggers find where redacted and quoted words are now with it.
    conn.create_function(WORD_OFFSETS, 3, word_offsets, deterministic=True)
    db = Database(conn)
    conn.execute("PRAGMA foreign_keys = ON")
    # FULL makes every acknowledged answer survive a power cut, not only a crash.
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA busy_timeout = 15000")
    # Deleted rows are overwritten with zeros, so erased words cannot be read from free pages.
    conn.execute("PRAGMA secure_delete = ON")
    return db


def migrate(path: str) -> None:
    """Create the database if needed, switch it to WAL and apply pending migrations."""
    from engage.store.sets import MIGRATION_SETS

    db = connect(path)
    try:
        db.enable_wal()
        for migrations in MIGRATION_SETS:
            migrations.apply(db)
    finally:
        db.close()


@contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """Group writes, taking the write lock at the start.

    A deferred transaction that reads before it writes fails at once with "database is locked"
    when another connection wrote in between; BEGIN IMMEDIATE waits its turn instead.
    Nested use becomes a savepoint.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def now() -> str:
    """Return the current UTC time as ISO 8601 with seconds."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def random_code(alphabet: str, length: int) -> str:
    """Return a random code of `length` characters drawn from `alphabet`."""
    return "".join(secrets.choice(alphabet) for _ in range(length))


def fetch_one(db: Database, sql: str, params: list | dict = ()) -> dict | None:
    """Return the first row of a query as a dict, or None."""
    row = db.execute(sql, params).fetchone()
    return dict(row) if row else None


def fetch_all(db: Database, sql: str, params: list | dict = ()) -> list[dict]:
    """Return every row of a query as a dict."""
    return [dict(row) for row in db.execute(sql, params).fetchall()]


def changes_made(db: Database) -> int:
    """Return how many rows this connection has changed since it opened."""
    return db.conn.total_changes


def run_script(db: Database, script: str) -> None:
    """Run each statement of a script inside the migration's transaction.

    sqlite3's executescript() would commit first and so escape the transaction. Pieces are
    joined until SQLite calls them complete, so triggers with inner semicolons stay whole.
    """
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                db.execute(pending)
            pending = ""
    if pending.strip(" \n;"):
        db.execute(pending)


_per_thread = threading.local()


def get_db() -> Database:
    """Return this thread's connection to the app's database, opening it on first use.

    A server thread keeps its connection between requests: opening one and setting its
    pragmas cost more than the queries of a typical page.
    """
    # Each page asks several times: look through the `g` proxy once.
    request_g = g._get_current_object()
    db = getattr(request_g, "db", None)
    if db is None:
        path = current_app.config["DATABASE"]
        held = getattr(_per_thread, "connections", None)
        if held is None:
            held = _per_thread.connections = {}
        if path not in held:
            held[path] = connect(path)
        db = request_g.db = held[path]
    return db


def close_db(_exc: BaseException | None = None) -> None:
    """End the request's use of the connection, never leaving a transaction open."""
    db = g.pop("db", None)
    if db is not None and db.conn.in_transaction:
        db.conn.rollback()


def forget_connections() -> None:
    """Close this thread's connections (before a database file is replaced or removed)."""
    for db in getattr(_per_thread, "connections", {}).values():
        db.close()
    _per_thread.connections = {}


def init_app(app: Flask) -> None:
    """Migrate the app's database at start-up and close connections after each request."""
    migrate(app.config["DATABASE"])
    app.teardown_appcontext(close_db)


# The subject modules use the helpers above, so they are loaded after them.
from engage.store import (  # noqa: E402
    campaigns,
    evidence,
    groups,
    media,
    narration,
    respondents,
    review,
    safeguarding,
    staff,
)

__all__ = [
    "campaigns",
    "evidence",
    "groups",
    "media",
    "narration",
    "respondents",
    "review",
    "safeguarding",
    "staff",
]
