"""PostgreSQL's schema is SQLite's: the same tables, constraints and triggers, doing the same.

SQLite's schema is made by engage.store.migrate and PostgreSQL's by migrate_postgresql; the
two are compared from their catalogues, and one sequence of plain SQL statements is run on
both to show that the triggers leave the same rows behind. Statements go through sqlite3 and
psycopg directly, so these tests hold whatever the store's own engine layer does.
"""

from __future__ import annotations

import itertools
import json
import re
import sqlite3
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engage.store import migrate
from engage.store.postgresql import migrate_postgresql
from engage.store.review import WORD_OFFSETS, word_offsets
from engage.store.triggers import POSTGRESQL, trigger_statements
from tests.pgserver import PgServer

# SQLite's FTS5 table and its shadow tables have no twin: GIN trigram indexes on review_items
# do their work on PostgreSQL.
FTS_TABLES = re.compile(r"review_items_fts($|_)")
TRIGRAM_INDEXES = {"review_items_text_trgm", "review_items_media_description_trgm"}
# PostgreSQL's TRUNCATE skips row triggers, so the audit log refuses it by a trigger of its own;
# SQLite has no TRUNCATE.
POSTGRESQL_ONLY_TRIGGERS = {"audit_log_no_truncate"}

_databases = itertools.count()


@pytest.fixture(scope="module")
def server():
    # Not pytest's tmp_path: when the tests run as root the server runs as `postgres`, which
    # cannot enter root's own temporary folders.
    folder = Path(tempfile.mkdtemp(prefix="engage-pg-schema-"))
    pg_server = PgServer(folder).start()
    yield pg_server
    pg_server.stop()


def _fresh_postgresql(server) -> psycopg.Connection:
    url = server.create_database(f"schema_{next(_databases)}")
    conn = psycopg.connect(url, autocommit=True)
    assert migrate_postgresql(conn) == ["0001_baseline"]
    return conn


@pytest.fixture
def pg(server):
    conn = _fresh_postgresql(server)
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def pg_shared(server):
    conn = _fresh_postgresql(server)
    yield conn
    conn.close()


@pytest.fixture
def lite(tmp_path):
    path = tmp_path / "engage.sqlite"
    migrate(str(path))
    conn = sqlite3.connect(path, isolation_level=None)
    conn.create_function(WORD_OFFSETS, 3, word_offsets, deterministic=True)
    conn.execute("PRAGMA foreign_keys = ON")
    yield conn
    conn.close()


# --- The two schemas are the same ---


def _sqlite_tables(lite) -> list[str]:
    names = lite.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name <> '_sqlite_migrations' ORDER BY name"
    )
    return [name for (name,) in names if not FTS_TABLES.match(name)]


def _pg_tables(pg) -> list[str]:
    names = pg.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
        "AND table_name <> 'engage_migrations' ORDER BY table_name"
    )
    return [name for (name,) in names]


_KINDS = {
    "bigint": "INTEGER",
    "integer": "INTEGER",
    "text": "TEXT",
    "double precision": "REAL",
    "bytea": "BLOB",
}


def _sqlite_columns(lite, table: str) -> list[tuple]:
    rows = lite.execute(
        'SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?)', [table]
    )
    single_key = (
        sum(1 for row in lite.execute("SELECT pk FROM pragma_table_info(?)", [table]) if row[0])
        == 1
    )
    columns = []
    for name, kind, notnull, default, pk in rows:
        # A key column is never NULL on PostgreSQL; SQLite lets a TEXT PRIMARY KEY hold NULL
        # only by an old quirk, which engage never relies on.
        required = bool(notnull or pk)
        counted = kind == "INTEGER" and pk == 1 and single_key
        columns.append((name, kind, required, default, counted))
    return columns


def _pg_columns(pg, table: str) -> list[tuple]:
    rows = pg.execute(
        "SELECT column_name, data_type, is_nullable, column_default, is_identity "
        "FROM information_schema.columns WHERE table_schema = 'public' AND table_name = %s "
        "ORDER BY ordinal_position",
        [table],
    )
    columns = []
    for name, kind, nullable, default, identity in rows:
        if default is not None:
            default = re.sub(r"::(text|bigint|integer)$", "", default)
        columns.append((name, _KINDS[kind], nullable == "NO", default, identity == "YES"))
    return columns


def _sqlite_nocase_columns(lite) -> set[tuple[str, str]]:
    found = set()
    for table, sql in lite.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"):
        for column in re.findall(r"^\s*(\w+) TEXT[^\n]*COLLATE NOCASE", sql or "", re.M):
            found.add((table, column))
    return found


def _pg_collations(pg) -> dict[tuple[str, str], str | None]:
    rows = pg.execute(
        "SELECT table_name, column_name, collation_name FROM information_schema.columns "
        "WHERE table_schema = 'public' AND data_type = 'text' AND table_name <> 'engage_migrations'"
    )
    return {(table, column): collation for table, column, collation in rows}


def _sqlite_indexes(lite) -> dict[str, tuple]:
    indexes = {}
    for table in _sqlite_tables(lite):
        for name, unique, origin in lite.execute(
            'SELECT name, "unique", origin FROM pragma_index_list(?)', [table]
        ):
            if origin == "c":
                columns = [
                    c
                    for (c,) in lite.execute(
                        "SELECT name FROM pragma_index_info(?) ORDER BY seqno", [name]
                    )
                ]
                indexes[name] = (table, bool(unique), columns)
    return indexes


_PG_INDEXES = """
SELECT i.relname, t.relname, x.indisunique,
       ARRAY(SELECT a.attname FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
             LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
             ORDER BY k.n)
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_namespace s ON s.oid = t.relnamespace
WHERE s.nspname = 'public' AND t.relname <> 'engage_migrations'
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
"""


def _pg_indexes(pg) -> dict[str, tuple]:
    return {
        name: (table, unique, list(columns))
        for name, table, unique, columns in pg.execute(_PG_INDEXES)
    }


def _sqlite_keys(lite) -> set[tuple]:
    keys = set()
    for table in _sqlite_tables(lite):
        primary = [
            name
            for name, pk in sorted(
                lite.execute("SELECT name, pk FROM pragma_table_info(?) WHERE pk > 0", [table]),
                key=lambda row: row[1],
            )
        ]
        keys.add((table, "primary", tuple(primary)))
        for name, origin in lite.execute("SELECT name, origin FROM pragma_index_list(?)", [table]):
            if origin == "u":
                columns = tuple(
                    c
                    for (c,) in lite.execute(
                        "SELECT name FROM pragma_index_info(?) ORDER BY seqno", [name]
                    )
                )
                keys.add((table, "unique", columns))
    return keys


def _pg_keys(pg) -> set[tuple]:
    rows = pg.execute(
        """
        SELECT t.relname, c.contype,
               ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, n)
                     JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                     ORDER BY k.n)
        FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
        JOIN pg_namespace s ON s.oid = t.relnamespace
        WHERE s.nspname = 'public' AND c.contype IN ('p', 'u') AND t.relname <> 'engage_migrations'
        """
    )
    kinds = {"p": "primary", "u": "unique"}
    return {(table, kinds[kind], tuple(columns)) for table, kind, columns in rows}


def _sqlite_foreign_keys(lite) -> set[tuple]:
    found = set()
    for table in _sqlite_tables(lite):
        for row in lite.execute(
            'SELECT "from", "table", "to", on_delete FROM pragma_foreign_key_list(?)', [table]
        ):
            found.add((table, *row))
    return found


def _pg_foreign_keys(pg) -> set[tuple]:
    actions = {
        "a": "NO ACTION",
        "c": "CASCADE",
        "n": "SET NULL",
        "r": "RESTRICT",
        "d": "SET DEFAULT",
    }
    rows = pg.execute(
        """
        SELECT t.relname, a.attname, f.relname, fa.attname, c.confdeltype
        FROM pg_constraint c
        JOIN pg_class t ON t.oid = c.conrelid
        JOIN pg_class f ON f.oid = c.confrelid
        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = c.conkey[1]
        JOIN pg_attribute fa ON fa.attrelid = f.oid AND fa.attnum = c.confkey[1]
        WHERE c.contype = 'f'
        """
    )
    return {
        (table, column, target, key, actions[action]) for table, column, target, key, action in rows
    }


def _sqlite_checks(lite) -> dict[str, int]:
    return {
        table: (sql or "").count("CHECK (")
        for table, sql in lite.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
        if table in _sqlite_tables(lite)
    }


def _pg_checks(pg) -> dict[str, int]:
    counts = dict.fromkeys(_pg_tables(pg), 0)
    for table, count in pg.execute(
        "SELECT t.relname, count(*) FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
        "WHERE c.contype = 'c' GROUP BY t.relname"
    ):
        counts[table] = count
    return counts


def _trigger_shape(sql: str) -> tuple:
    """Return a SQLite trigger's name, table, timing, events, columns and whether it has WHEN."""
    function, trigger = trigger_statements(POSTGRESQL, sql)
    found = re.fullmatch(
        r"CREATE TRIGGER (\w+) (BEFORE|AFTER) (\w+)(?: OF ([\w, ]+))? ON (\w+) FOR EACH ROW"
        r"( WHEN .*)? EXECUTE FUNCTION \w+\(\)",
        trigger,
        re.S,
    )
    assert found, trigger
    name, timing, event, columns, table, condition = found.groups()
    return (
        name,
        table,
        timing,
        event,
        tuple(sorted((columns or "").replace(" ", "").split(",")) if columns else ()),
        condition is not None,
    )


def _sqlite_triggers(lite) -> set[tuple]:
    return {
        _trigger_shape(sql)
        for (name, sql) in lite.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
        )
        if not name.startswith("review_items_fts")
    }


def _pg_triggers(pg) -> set[tuple]:
    rows = pg.execute(
        """
        SELECT t.trigger_name, t.event_object_table, t.action_timing, t.event_manipulation,
               ARRAY(SELECT u.event_object_column::text
                     FROM information_schema.triggered_update_columns u
                     WHERE u.trigger_name = t.trigger_name ORDER BY 1),
               t.action_condition IS NOT NULL, t.action_orientation
        FROM information_schema.triggers t WHERE t.trigger_schema = 'public'
        """
    )
    found = set()
    for name, table, timing, event, columns, has_condition, orientation in rows:
        if name in POSTGRESQL_ONLY_TRIGGERS:
            continue
        assert orientation == "ROW", name
        found.add(
            (name, table, timing, event, tuple(columns) if event == "UPDATE" else (), has_condition)
        )
    return found


def test_the_two_schemas_have_the_same_tables_and_columns(lite, pg):
    assert _pg_tables(pg) == _sqlite_tables(lite)
    for table in _sqlite_tables(lite):
        assert _pg_columns(pg, table) == _sqlite_columns(lite, table), table


def test_text_compares_as_on_sqlite(lite, pg):
    collations = _pg_collations(pg)
    nocase = _sqlite_nocase_columns(lite)
    assert nocase == {c for c, collation in collations.items() if collation == "nocase"}
    searched = {("review_items", "text"), ("review_items", "media_description")}
    # Code-point order, as SQLite's BINARY; the searched words keep the database's own, so
    # ILIKE ignores case in every script.
    assert {c for c, collation in collations.items() if collation == "C"} == set(
        collations
    ) - nocase - searched
    assert all(collations[c] is None for c in searched)


def test_the_two_schemas_have_the_same_keys_indexes_and_checks(lite, pg):
    assert _pg_keys(pg) == _sqlite_keys(lite)
    assert _pg_foreign_keys(pg) == _sqlite_foreign_keys(lite)
    assert _pg_checks(pg) == _sqlite_checks(lite)
    indexes = _pg_indexes(pg)
    assert {name: indexes[name][0] for name in TRIGRAM_INDEXES} == dict.fromkeys(
        TRIGRAM_INDEXES, "review_items"
    )
    assert {n: i for n, i in indexes.items() if n not in TRIGRAM_INDEXES} == _sqlite_indexes(lite)


def test_the_two_schemas_have_the_same_triggers(lite, pg):
    assert _pg_triggers(pg) == _sqlite_triggers(lite)


def test_migrating_twice_changes_nothing(pg):
    catalogue = """
        SELECT (SELECT string_agg(table_name || '.' || column_name || ':' || data_type, ','
                                  ORDER BY table_name, column_name)
                  FROM information_schema.columns WHERE table_schema = 'public'),
               (SELECT string_agg(indexdef, ',' ORDER BY indexdef) FROM pg_indexes
                 WHERE schemaname = 'public'),
               (SELECT string_agg(tgname, ',' ORDER BY tgname) FROM pg_trigger
                 WHERE NOT tgisinternal),
               (SELECT string_agg(md5(prosrc), ',' ORDER BY proname) FROM pg_proc p
                  JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'),
               (SELECT value FROM content_generation),
               (SELECT string_agg(name || applied_at, ',') FROM engage_migrations)
    """
    before = pg.execute(catalogue).fetchone()
    assert migrate_postgresql(pg) == []
    assert pg.execute(catalogue).fetchone() == before


# --- The words' offsets: the PL/pgSQL function is Python's word_offsets ---


def _pg_offsets(pg, text: str, words: str, whole_words: int) -> list[int]:
    rows = pg.execute(
        "SELECT value FROM engage_word_offsets(%s, %s, %s)", [text, words, whole_words]
    )
    return [value for (value,) in rows]


FIXED_CASES = [
    ("Al met Al's friend Also Al", "Al"),
    ("Mae Siân yn garedig. Siânydd, Siân!", "Siân"),
    ("Dŵr i Ŵyn a dŵr", "dŵr"),
    ("Pani Małgośka jest miła. Małgośka23 nie, ale Małgośka tak.", "Małgośka"),
    ("Śliwka i śliwka, Ś.", "Ś"),
    ("میری بہن عائشہ ہر ہفتے آتی ہے۔ عائشہ!", "عائشہ"),
    ("أختي فاطمة تزورني. فاطمةً", "فاطمة"),
    ("room 12 and 123 and 12.5", "12"),
    ("٣٤ and ٣", "٣"),
    ("aaaa", "aa"),
    ("a-b a_b a.b", "a"),
    ("(Sam) [Sam] Sam's Sam-Jo Sam²", "Sam"),
    ("Ⅻ Ⅻa", "Ⅻ"),
    ("e\u0301 e", "e"),
    ("😀Sam😀 Sam😀x", "Sam"),
    ("", "Sam"),
    ("Sam", ""),
]


@pytest.mark.parametrize("whole_words", [0, 1])
def test_word_offsets_match_python_on_fixed_cases(pg_shared, whole_words):
    for text, words in FIXED_CASES:
        expected = json.loads(word_offsets(text, words, whole_words))
        assert _pg_offsets(pg_shared, text, words, whole_words) == expected, (text, words)
    assert _pg_offsets(pg_shared, None, "Sam", whole_words) == []
    assert _pg_offsets(pg_shared, "Sam", None, whole_words) == []


# Letters and digits of several scripts, marks, punctuation and a character outside the BMP,
# so generated texts hold words that run on into others as well as ones that stand alone.
_ALPHABET = st.sampled_from(list("aAlS1 .'-_ŵŴśŚعائشہ٣ی\u064e\u0301²Ⅻ😀一"))


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(_ALPHABET, max_size=24),
    start=st.integers(0, 24),
    size=st.integers(0, 4),
    whole_words=st.sampled_from([0, 1]),
)
def test_word_offsets_match_python_on_generated_texts(pg_shared, text, start, size, whole_words):
    words = text[start : start + size]
    expected = json.loads(word_offsets(text, words, whole_words))
    assert _pg_offsets(pg_shared, text, words, whole_words) == expected


def test_a_letter_or_digit_is_what_python_says_it_is(pg_shared):
    # A character standing after "x" stops "x" being a whole word exactly when it is a letter
    # or a digit. Every character of the Basic Multilingual Plane is tried, and a spread of
    # the others (all of them take seconds).
    points = [p for p in range(1, 0x10000) if not 0xD800 <= p <= 0xDFFF]
    points += list(range(0x10000, sys.maxunicode + 1, 97))
    rows = pg_shared.execute(
        "SELECT p FROM unnest(%s::int[]) AS p "
        "WHERE NOT EXISTS (SELECT 1 FROM engage_word_offsets('x' || chr(p), 'x', 1))",
        [points],
    )
    assert {p for (p,) in rows} == {p for p in points if chr(p).isalnum()}
