"""The store: one SQLite file in the instance folder, read here and written in `writes`."""

from __future__ import annotations

import sqlite3

from flask import Flask, current_app, g
from sqlite_utils import Database

from engage.store.sets import MIGRATION_SETS


def connect(path: str) -> Database:
    """Open the database with the settings every connection needs."""
    conn = sqlite3.connect(path, timeout=15, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    db = Database(conn)
    conn.execute("PRAGMA foreign_keys = ON")
    # FULL makes every acknowledged answer survive a power cut, not only a crash.
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA busy_timeout = 15000")
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


def get_db() -> Database:
    """Return this request's connection, opening it on first use."""
    if "db" not in g:
        g.db = connect(current_app.config["DATABASE"])
    return g.db


def close_db(_exc: BaseException | None = None) -> None:
    """Close this request's connection, if one was opened."""
    db = g.pop("db", None)
    if db is not None:
        db.close()


def init_app(app: Flask) -> None:
    """Migrate the app's database at start-up and close connections after each request."""
    migrate(app.config["DATABASE"])
    app.teardown_appcontext(close_db)
