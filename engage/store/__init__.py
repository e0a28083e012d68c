"""The store: one SQLite file in the instance folder, read here and written in `writes`."""

from __future__ import annotations

import sqlite3
import threading

from flask import Flask, current_app, g
from sqlite_utils import Database

from engage.store.schema_review import WORD_OFFSETS, word_offsets
from engage.store.sets import MIGRATION_SETS


def connect(path: str) -> Database:
    """Open the database with the settings every connection needs."""
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
    db = connect(path)
    try:
        db.enable_wal()
        for migrations in MIGRATION_SETS:
            migrations.apply(db)
    finally:
        db.close()


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
