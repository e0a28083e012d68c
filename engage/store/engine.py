"""One connection API over the two engines the store runs on: SQLite and PostgreSQL.

The store's modules write SQL once, in SQLite's spelling with `?` and `:name` placeholders;
`Database` runs it on a sqlite3 connection as it is, or on a psycopg connection with the
placeholders turned into psycopg's. Where one spelling cannot serve both engines, a store
module asks `db.engine` and keeps the two fragments side by side.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

SQLITE = "sqlite"
POSTGRESQL = "postgresql"


def is_postgresql_url(address: str) -> bool:
    """Say whether a database address names a PostgreSQL server rather than a SQLite file."""
    return address.startswith(("postgresql://", "postgres://"))


class Row(Sequence):
    """A PostgreSQL result row that reads like sqlite3.Row: by position, by name, and as a dict."""

    __slots__ = ("_names", "_values")

    def __init__(self, names: dict[str, int], values: tuple) -> None:
        self._names = names
        self._values = values

    def __getitem__(self, key):
        if isinstance(key, str):
            return self._values[self._names[key]]
        return self._values[key]

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self) -> Iterator:
        return iter(self._values)

    def keys(self) -> list[str]:
        """Return the column names, so dict(row) works as it does on sqlite3.Row."""
        return list(self._names)

    def __repr__(self) -> str:
        return f"Row({dict(zip(self._names, self._values, strict=True))!r})"


def _row_factory(cursor):
    names = {column.name: index for index, column in enumerate(cursor.description or ())}

    def make(values: tuple) -> Row:
        return Row(names, values)

    return make


# Quoted strings, quoted names and comments are copied as they are; outside them `?` and
# `:name` are placeholders, `::` is a cast and a lone `%` must be doubled for psycopg.
_TOKENS = re.compile(
    r"""
      (?P<quoted>'(?:[^']|'')*'|"(?:[^"]|"")*")
    | (?P<comment>--[^\n]*|/\*.*?\*/)
    | (?P<cast>::)
    | (?P<named>:[A-Za-z_][A-Za-z0-9_]*)
    | (?P<mark>\?)
    | (?P<percent>%)
    """,
    re.VERBOSE | re.DOTALL,
)


@lru_cache(maxsize=2048)
def postgresql_sql(sql: str) -> str:
    """Return SQLite-spelled SQL with psycopg's placeholders (`%s`, `%(name)s`, `%%`)."""

    def replace(match: re.Match) -> str:
        kind = match.lastgroup
        text = match.group()
        if kind == "named":
            return f"%({text[1:]})s"
        if kind == "mark":
            return "%s"
        if kind == "percent":
            return "%%"
        if kind == "quoted":
            # psycopg reads placeholders inside literals too: a literal % must be doubled.
            return text.replace("%", "%%")
        return text

    return _TOKENS.sub(replace, sql)


class Database:
    """A connection to the app's database, whichever engine holds it."""

    def __init__(self, conn: Any, engine: str) -> None:
        self.conn = conn
        self.engine = engine
        self._savepoints = 0
        # PostgreSQL has no count of a connection's changes: count the statements that may write.
        self._writes = 0

    # --- Running SQL ---

    def execute(self, sql: str, params: Sequence | dict = ()):
        """Run one statement and return its cursor (rows read as `row["name"]` or `row[0]`)."""
        if self.engine == SQLITE:
            return self.conn.execute(sql, params)
        if not isinstance(params, dict):
            params = list(params)
        if sql.lstrip()[:6].upper() != "SELECT":
            self._writes += 1
        return self.conn.execute(postgresql_sql(sql), params)

    def executemany(self, sql: str, rows: Iterable[Sequence]) -> None:
        """Run one statement once for each row of parameters."""
        if self.engine == SQLITE:
            self.conn.executemany(sql, rows)
            return
        self._writes += 1
        with self.conn.cursor() as cursor:
            cursor.executemany(postgresql_sql(sql), [list(row) for row in rows])

    def insert(self, table: str, record: dict) -> int:
        """Insert one row and return its id (the `id` column every such table has)."""
        columns = ", ".join(record)
        marks = ", ".join("?" for _ in record)
        # Table and column names come from the store's code, never from input.
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
        if self.engine == SQLITE:
            return self.conn.execute(sql, list(record.values())).lastrowid
        return self.execute(sql + " RETURNING id", list(record.values())).fetchone()[0]

    def insert_all(self, table: str, records: Iterable[dict]) -> None:
        """Insert rows that all have the same columns (no ids wanted back)."""
        records = list(records)
        if not records:
            return
        columns = list(records[0])
        marks = ", ".join("?" for _ in columns)
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
        self.executemany(sql, [[record[c] for c in columns] for record in records])

    def get(self, table: str, row_id: int) -> dict | None:
        """Return the row with this id as a dict, or None."""
        row = self.execute(f"SELECT * FROM {table} WHERE id = ?", [row_id]).fetchone()  # noqa: S608
        return dict(row) if row else None

    def update(self, table: str, row_id: int, values: dict) -> None:
        """Set some columns of the row with this id."""
        setting = ", ".join(f"{column} = ?" for column in values)
        self.execute(
            f"UPDATE {table} SET {setting} WHERE id = ?",  # noqa: S608
            [*values.values(), row_id],
        )

    # --- Transactions ---

    @property
    def in_transaction(self) -> bool:
        """Say whether a transaction is open on this connection."""
        if self.engine == SQLITE:
            return self.conn.in_transaction
        from psycopg.pq import TransactionStatus

        return self.conn.info.transaction_status != TransactionStatus.IDLE

    def begin(self) -> None:
        """Open a write transaction (see engage.store.transaction for what each engine does)."""
        self.execute("BEGIN IMMEDIATE" if self.engine == SQLITE else "BEGIN")

    def commit(self) -> None:
        """Commit the open transaction."""
        self.execute("COMMIT")

    def rollback(self) -> None:
        """Undo the open transaction, if one is open."""
        if self.in_transaction:
            self.execute("ROLLBACK")

    @contextmanager
    def savepoint(self) -> Iterator[Database]:
        """Group writes inside an open transaction, undone alone if the block fails."""
        self._savepoints += 1
        name = f"engage_{self._savepoints}"
        self.execute(f"SAVEPOINT {name}")
        try:
            yield self
        except BaseException:
            if self.in_transaction:
                self.execute(f"ROLLBACK TO SAVEPOINT {name}")
                self.execute(f"RELEASE SAVEPOINT {name}")
            raise
        finally:
            self._savepoints -= 1
        self.execute(f"RELEASE SAVEPOINT {name}")

    def lock(self, key: str) -> None:
        """Make writers of the same `key` wait for each other until this transaction ends.

        On SQLite the write transaction already holds the one write lock. On PostgreSQL,
        READ COMMITTED lets two transactions read the same rows and both act on what they
        read; an advisory lock keyed by what they read makes the second wait for the first
        to commit. It works for rows that do not exist yet, which FOR UPDATE cannot lock.
        """
        if self.engine == POSTGRESQL:
            self.execute("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", [key])

    def changes(self) -> int:
        """Return a number that grows with every write this connection makes."""
        if self.engine == SQLITE:
            return self.conn.total_changes
        return self._writes

    @property
    def lost(self) -> bool:
        """Say whether the connection was lost (a PostgreSQL server restarted or went away)."""
        return self.engine == POSTGRESQL and (self.conn.broken or self.conn.closed)

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def __del__(self) -> None:
        # A server thread's connection is dropped with the thread (engage.store.get_db keeps
        # one per thread): close it then, as sqlite3 does by itself and psycopg does not.
        conn = getattr(self, "conn", None)
        if self.engine == POSTGRESQL and conn is not None and not conn.closed:
            conn.close()


def connect_sqlite(path: str) -> Database:
    """Open a SQLite file with the settings every connection needs."""
    conn = sqlite3.connect(path, timeout=15, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    # FULL makes every acknowledged answer survive a power cut, not only a crash.
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA busy_timeout = 15000")
    # Deleted rows are overwritten with zeros, so erased words cannot be read from free pages.
    conn.execute("PRAGMA secure_delete = ON")
    return Database(conn, SQLITE)


def connect_postgresql(url: str) -> Database:
    """Open a PostgreSQL connection in autocommit mode; `transaction()` issues BEGIN itself.

    Values are bound on the client (a ClientCursor), as sqlite3 binds them: a None or a
    number compared with a column needs no cast written into the SQL.
    """
    import psycopg

    conn = psycopg.connect(
        url, autocommit=True, cursor_factory=psycopg.ClientCursor, row_factory=_row_factory
    )
    return Database(conn, POSTGRESQL)


def connect(address: str) -> Database:
    """Open the database at `address`: a PostgreSQL URL, or else the path of a SQLite file."""
    if is_postgresql_url(address):
        return connect_postgresql(address)
    return connect_sqlite(address)


# --- Fragments that differ between the engines ---


def json_list(engine: str, expression: str, order: str = "") -> str:
    """Return SQL for the JSON list, as text, of `expression` over a query's rows ("[]" if none).

    SQLite lists the rows in the order it reads them; PostgreSQL is told `order`, which store
    modules set to that same order.
    """
    if engine == POSTGRESQL:
        ordered = f" ORDER BY {order}" if order else ""
        return f"COALESCE(json_agg({expression}{ordered})::text, '[]')"
    return f"json_group_array({expression})"


def json_array(engine: str, *expressions: str) -> str:
    """Return SQL for a JSON array of the expressions' values."""
    function = "json_build_array" if engine == POSTGRESQL else "json_array"
    return f"{function}({', '.join(expressions)})"


def contains(engine: str, text: str, words: str) -> str:
    """Return SQL that is true where `words` occur in `text` (both SQL expressions)."""
    function = "strpos" if engine == POSTGRESQL else "instr"
    return f"{function}({text}, {words}) > 0"
