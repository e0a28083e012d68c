"""The store: the only code that holds SQL, on a SQLite file (the default) or PostgreSQL.

`ENGAGE_DATABASE_URL` chooses the engine: unset, the database is the SQLite file in the
instance folder; a `postgresql://` address puts it on a PostgreSQL server. Each subject has one
module with its reads, writes and (SQLite) migrations together: `campaigns`, `respondents`,
`staff`, `review`, `evidence`, `groups`, `safeguarding`, `media` and `narration`; PostgreSQL's
schema is made whole by `engage.store.postgresql`. This package holds what they share: the
connection (`engage.store.engine.Database`), `transaction()` and the row helpers.
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from flask import Flask, current_app, g
from sqlite_utils import Database as SqliteDatabase

from engage.store import engine
from engage.store.engine import Database, is_postgresql_url


def connect(address: str) -> Database:
    """Open the database at `address`: a PostgreSQL URL, or else the path of a SQLite file."""
    from engage.store.review import WORD_OFFSETS, word_offsets

    db = engine.connect(address)
    if db.engine == engine.SQLITE:
        # SQLite's review triggers find where redacted and quoted words are now with it.
        db.conn.create_function(WORD_OFFSETS, 3, word_offsets, deterministic=True)
    return db


def database_address(app: Flask) -> str:
    """Return where the app's database is: the PostgreSQL URL if set, else the SQLite file."""
    return app.config.get("DATABASE_URL") or app.config["DATABASE"]


def migrate(address: str) -> None:
    """Create the database if needed and bring its schema up to date.

    SQLite: switch the file to WAL and apply the pending migration sets, which the file records
    in `_sqlite_migrations`. PostgreSQL: make the whole schema in one transaction if absent.
    """
    if is_postgresql_url(address):
        from engage.store.postgresql import migrate_postgresql

        db = connect(address)
        try:
            migrate_postgresql(db.conn)
        finally:
            db.close()
        return

    from engage.store.sets import MIGRATION_SETS

    db = SqliteDatabase(connect(address).conn)
    try:
        db.enable_wal()
        for migrations in MIGRATION_SETS:
            migrations.apply(db)
    finally:
        db.close()


@contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """Group writes so that writers do not lose each other's updates.

    SQLite: a deferred transaction that reads before it writes fails at once with "database is
    locked" when another connection wrote in between; BEGIN IMMEDIATE takes the one write lock
    at the start and waits its turn instead. PostgreSQL: READ COMMITTED, where each statement
    sees what was committed before it began and an UPDATE waits for the row's other writer;
    where a transaction reads and then writes on what it read, it takes `db.lock(key)` first
    (see docs/architecture.md). Nested use becomes a savepoint.
    """
    if db.in_transaction:
        with db.savepoint():
            yield db
        return
    db.begin()
    try:
        yield db
    except BaseException:
        db.rollback()
        raise
    db.commit()


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
    """Return a number that grows whenever this connection writes."""
    return db.changes()


def run_script(db: SqliteDatabase, script: str) -> None:
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
        address = database_address(current_app)
        held = getattr(_per_thread, "connections", None)
        if held is None:
            held = _per_thread.connections = {}
        if address not in held or held[address].lost:
            held[address] = connect(address)
        db = request_g.db = held[address]
    return db


def close_db(_exc: BaseException | None = None) -> None:
    """End the request's use of the connection, never leaving a transaction open."""
    db = g.pop("db", None)
    if db is not None and not db.lost:
        db.rollback()


def forget_connections() -> None:
    """Close this thread's connections (before a database is replaced or removed)."""
    for db in getattr(_per_thread, "connections", {}).values():
        db.close()
    _per_thread.connections = {}


def init_app(app: Flask) -> None:
    """Migrate the app's database at start-up and close connections after each request."""
    migrate(database_address(app))
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
    "Database",
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
