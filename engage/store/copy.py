"""Moving a council across: copy a SQLite instance's database into an empty PostgreSQL one.

Every table is copied in an order that lets each row's foreign keys find their rows, inside
one PostgreSQL transaction: a copy that fails leaves the target as empty as it was. The
target's own triggers are off while rows go in, because the rows already hold what those
triggers made on SQLite (review items, the content generation); each identity sequence is
then set past the highest id copied, so the next row the app writes does not collide.

Then both databases are counted and checksummed table by table, each the same way: every row
read as its columns in name order, each value written out by its kind (NULL, whole number,
real number, text, bytes), the row hashed, and the table's checksum the SHA-256 of its rows'
hashes in sorted order, so neither engine's sort order or column order can change it.
"""

from __future__ import annotations

import hashlib
import sqlite3
import struct
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

# SQLite's own bookkeeping, and sqlite-utils' record of applied migrations (PostgreSQL has its
# own, `engage_migrations`): neither is the instance's data.
SQLITE_ONLY = ("sqlite_", "_sqlite_")
POSTGRESQL_ONLY = frozenset({"engage_migrations"})


class CopyRefused(RuntimeError):
    """The copy cannot start (the target holds data, or the two schemas differ)."""


@dataclass(frozen=True)
class TableCheck:
    """One table's rows and checksum in the source and in the target."""

    table: str
    source_rows: int
    target_rows: int
    source_sha256: str
    target_sha256: str

    @property
    def same(self) -> bool:
        """Say whether the target holds exactly the source's rows."""
        return (self.source_rows, self.source_sha256) == (self.target_rows, self.target_sha256)


# --- What is in each database ---


def sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    """Return the SQLite database's own tables, leaving out full-text indexes and bookkeeping.

    A full-text index (a virtual table and its shadow tables) is derived from the words in
    `review_items`; on PostgreSQL the same search is an index on that table.
    """
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
    virtual = [name for name, sql in rows if sql and sql.upper().startswith("CREATE VIRTUAL")]
    return sorted(
        name
        for name, _sql in rows
        if not name.startswith(SQLITE_ONLY)
        and name not in virtual
        and not any(name.startswith(f"{table}_") for table in virtual)
    )


def postgresql_tables(conn) -> list[str]:
    """Return the PostgreSQL database's tables in its current schema, but its bookkeeping."""
    rows = conn.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
    ).fetchall()
    return sorted(row[0] for row in rows if row[0] not in POSTGRESQL_ONLY)


def dependency_order(conn: sqlite3.Connection, tables: list[str]) -> list[str]:
    """Return the tables so that every table comes after the tables its foreign keys name."""
    needs = {
        table: {
            row[2]
            for row in conn.execute(f"PRAGMA foreign_key_list({quote(table)})")
            if row[2] != table
        }
        for table in tables
    }
    ordered: list[str] = []
    while needs:
        ready = sorted(table for table, wanted in needs.items() if wanted <= set(ordered))
        if not ready:
            raise CopyRefused(f"the foreign keys go round in a circle: {sorted(needs)}")
        ordered += ready
        for table in ready:
            del needs[table]
    return ordered


def columns(conn: sqlite3.Connection, table: str) -> list[str]:
    """Return a SQLite table's columns in name order."""
    return sorted(row[1] for row in conn.execute(f"PRAGMA table_info({quote(table)})"))


def primary_key(conn: sqlite3.Connection, table: str) -> list[str]:
    """Return a SQLite table's primary key columns (the rowid's order when it has none)."""
    found = sorted(
        (row[5], row[1]) for row in conn.execute(f"PRAGMA table_info({quote(table)})") if row[5]
    )
    return [name for _, name in found]


def quote(name: str) -> str:
    """Quote a table or column name, the same way on both engines."""
    return '"' + name.replace('"', '""') + '"'


# --- Counting and checksums, the same on both engines ---


def _value_bytes(value: object) -> bytes:
    # A kind byte, then the value: 1 and '1' and 1.0 stay different.
    if value is None:
        return b"N"
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int):
        return b"I" + str(value).encode()
    if isinstance(value, float):
        return b"R" + struct.pack(">d", value)
    if isinstance(value, str):
        return b"T" + value.encode("utf-8")
    if isinstance(value, bytes | bytearray | memoryview):
        return b"B" + bytes(value)
    raise TypeError(f"a value of kind {type(value).__name__} cannot be checksummed")


def row_digest(row: Iterable) -> bytes:
    """Return the SHA-256 of one row's values, each with its length so no two rows collide."""
    digest = hashlib.sha256()
    for value in row:
        encoded = _value_bytes(value)
        digest.update(len(encoded).to_bytes(8, "big"))
        digest.update(encoded)
    return digest.digest()


def table_checksum(cursor) -> tuple[int, str]:
    """Return how many rows a query gave and the SHA-256 of their sorted row digests."""
    digests = sorted(row_digest(row) for row in cursor)
    total = hashlib.sha256()
    for digest in digests:
        total.update(digest)
    return len(digests), total.hexdigest()


def _select(table: str, names: list[str]) -> str:
    # Names come from the database's own catalogue, quoted.
    return f"SELECT {', '.join(quote(n) for n in names)} FROM {quote(table)}"  # noqa: S608


# --- The copy ---


def copy_sqlite_to_postgresql(
    source: sqlite3.Connection, target, seeded: dict[str, int]
) -> list[TableCheck]:
    """Copy every row of `source` into `target`, then compare the two; return each table's check.

    `source` is a sqlite3 connection; it is read inside one read transaction, so a running
    instance is copied as it was at one moment. `target` is a psycopg connection in
    autocommit mode to a database with engage's schema and no data: no table with more rows
    than `seeded` says a new database is given by its migrations (the content generation, the
    starting list of concern phrases). Those rows are replaced by the source's. Refuse
    (CopyRefused) when the target holds data or has other tables than the source.
    """
    tables = sqlite_tables(source)
    theirs = postgresql_tables(target)
    if tables != theirs:
        missing = sorted(set(tables) - set(theirs))
        extra = sorted(set(theirs) - set(tables))
        raise CopyRefused(
            f"the two databases have different tables (only in SQLite: {missing}; "
            f"only in PostgreSQL: {extra}): bring both up to date first"
        )
    order = dependency_order(source, tables)
    source.execute("BEGIN")
    try:
        with target.transaction():
            held = [
                table
                for table in order
                if target.execute(f"SELECT COUNT(*) FROM {quote(table)}").fetchone()[0]  # noqa: S608
                > seeded.get(table, 0)
            ]
            if held:
                raise CopyRefused(
                    f"the target database already holds data (in {', '.join(held)}): "
                    "copy only into a new, empty database"
                )
            for table in order:
                target.execute(f"ALTER TABLE {quote(table)} DISABLE TRIGGER USER")
            for table in order:
                _copy_table(source, target, table, replace=table in seeded)
            for table in order:
                target.execute(f"ALTER TABLE {quote(table)} ENABLE TRIGGER USER")
            _set_sequences(target, order)
        return [_check(source, target, table) for table in order]
    finally:
        source.execute("ROLLBACK")


def _copy_table(source: sqlite3.Connection, target, table: str, replace: bool) -> None:
    names = columns(source, table)
    if replace:
        target.execute(f"DELETE FROM {quote(table)}")  # noqa: S608
    order = primary_key(source, table) or ["rowid"]
    # In key order, so a row that refers to an earlier row of its own table (an inviter, a
    # quote's first version) finds it already there.
    rows = source.execute(_select(table, names) + " ORDER BY " + ", ".join(quote(n) for n in order))
    listed = ", ".join(quote(n) for n in names)
    with (
        target.cursor() as cursor,
        cursor.copy(f"COPY {quote(table)} ({listed}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(tuple(row))


def _set_sequences(target, tables: list[str]) -> None:
    """Move each identity column's sequence past the highest value copied into it."""
    identities = target.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND is_identity = 'YES'"
    ).fetchall()
    for table, column in identities:
        if table not in tables:
            continue
        target.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, %s), "  # noqa: S608
            f"COALESCE(MAX({quote(column)}), 1), MAX({quote(column)}) IS NOT NULL) "
            f"FROM {quote(table)}",
            [quote(table), column],
        )


def _check(source: sqlite3.Connection, target, table: str) -> TableCheck:
    names = columns(source, table)
    source_rows, source_sum = table_checksum(source.execute(_select(table, names)))
    with target.cursor() as cursor:
        cursor.execute(_select(table, names))
        target_rows, target_sum = table_checksum(cursor)
    return TableCheck(table, source_rows, target_rows, source_sum, target_sum)


def seeded_rows() -> dict[str, int]:
    """Return how many rows a new database's migrations put in each table that gets any."""
    from engage.store import migrate

    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "new.db")
        migrate(path)
        conn = sqlite3.connect(path)
        try:
            counts = {
                table: conn.execute(f"SELECT COUNT(*) FROM {quote(table)}").fetchone()[0]  # noqa: S608
                for table in sqlite_tables(conn)
            }
        finally:
            conn.close()
    return {table: count for table, count in counts.items() if count}


def copy_file_to_postgresql(sqlite_path: str, target_url: str) -> list[TableCheck]:
    """Copy the SQLite file at `sqlite_path` into the PostgreSQL database at `target_url`.

    The target gets engage's whole schema first (a database that has it already is fine).
    """
    import psycopg

    from engage.store import migrate

    migrate(target_url)
    seeded = seeded_rows()
    source = sqlite3.connect(sqlite_path, isolation_level=None, timeout=30)
    try:
        with psycopg.connect(target_url, autocommit=True) as target:
            return copy_sqlite_to_postgresql(source, target, seeded)
    finally:
        source.close()
