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
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engage.store import migrate
from engage.store.postgresql import MIGRATIONS, migrate_postgresql
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
    assert migrate_postgresql(conn) == [name for name, _ in MIGRATIONS]
    return conn


@pytest.fixture(scope="module")
def migrated(server) -> str:
    """Return the name of a database migrated once, for tests to take copies of."""
    conn = _fresh_postgresql(server)
    name = conn.info.dbname
    conn.close()
    return name


def _copy(server, migrated: str) -> psycopg.Connection:
    # Copying a migrated database is quicker than migrating a new one for every test.
    conn = psycopg.connect(
        server.create_database(f"schema_{next(_databases)}", template=migrated), autocommit=True
    )
    assert migrate_postgresql(conn) == []
    return conn


@pytest.fixture
def pg(server, migrated):
    conn = _copy(server, migrated)
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def pg_shared(server):
    conn = _fresh_postgresql(server)
    yield conn
    conn.close()


def _fresh_sqlite(folder: Path) -> sqlite3.Connection:
    path = folder / "engage.sqlite"
    migrate(str(path))
    conn = sqlite3.connect(path, isolation_level=None)
    conn.create_function(WORD_OFFSETS, 3, word_offsets, deterministic=True)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


@pytest.fixture
def lite(tmp_path):
    conn = _fresh_sqlite(tmp_path)
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def lite_shared(tmp_path_factory):
    conn = _fresh_sqlite(tmp_path_factory.mktemp("lite"))
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


def test_the_two_schemas_have_the_same_tables_and_columns(lite_shared, pg_shared):
    assert _pg_tables(pg_shared) == _sqlite_tables(lite_shared)
    for table in _sqlite_tables(lite_shared):
        assert _pg_columns(pg_shared, table) == _sqlite_columns(lite_shared, table), table


def test_text_compares_as_on_sqlite(lite_shared, pg_shared):
    collations = _pg_collations(pg_shared)
    nocase = _sqlite_nocase_columns(lite_shared)
    assert nocase == {c for c, collation in collations.items() if collation == "nocase"}
    searched = {("review_items", "text"), ("review_items", "media_description")}
    # Code-point order, as SQLite's BINARY; the searched words are ICU's, so ILIKE ignores
    # case in every script whatever the database's locale.
    assert {c for c, collation in collations.items() if collation == "C"} == set(
        collations
    ) - nocase - searched
    assert all(collations[c] == "und-x-icu" for c in searched)


def test_queries_on_text_mean_the_same_on_both_engines(lite, pg):
    people = [("Zoe", "Zoe@example.org"), ("adam", "adam@example.org"), ("Émile", "e@example.org")]
    queries = [
        # Code-point order, as SQLite's BINARY.
        "SELECT name FROM users ORDER BY name",
        # NOCASE columns compare without case: a sign-in finds the address however typed.
        "SELECT name FROM users WHERE email = 'ZOE@EXAMPLE.ORG'",
        "SELECT name FROM users WHERE email IN ('adam@EXAMPLE.org') ORDER BY id",
        # The same query text sorts without case on both engines.
        "SELECT name FROM users WHERE name <> 'Émile' ORDER BY name COLLATE NOCASE",
        # lower() folds A to Z only, as SQLite's does without ICU.
        "SELECT lower(name) FROM users ORDER BY id",
        "SELECT phrase FROM concern_phrases WHERE phrase = 'I AM SCARED OF ZOE'",
    ]
    results = []
    for engine in (Engine(lite, postgresql=False), Engine(pg, postgresql=True)):
        for name, email in people:
            engine.run(
                "INSERT INTO users (email, name, role, password_hash, created_at) "
                "VALUES (?, ?, 'lead', 'x', 'now')",
                [email, name],
            )
        engine.run(
            "INSERT INTO concern_phrases (phrase, created_at) VALUES ('I am scared of Zoe', 'now') "
            "ON CONFLICT (phrase) DO NOTHING"
        )
        engine.run(
            "INSERT INTO concern_phrases (phrase, created_at) VALUES ('I AM SCARED OF ZOE', 'now') "
            "ON CONFLICT (phrase) DO NOTHING"
        )
        results.append([engine.run(query) for query in queries])
    assert results[1] == results[0]
    assert results[0][:2] == [[("Zoe",), ("adam",), ("Émile",)], [("Zoe",)]]
    assert results[0][5] == [("I am scared of Zoe",)]
    # Where they differ: SQLite's NOCASE folds A to Z only; the ICU collation folds every
    # script, so on PostgreSQL "Émile" and "ÉMILE" are one address and É sorts with E.
    assert Engine(lite, False).run("SELECT 'émile' = 'ÉMILE' COLLATE NOCASE") == [(0,)]
    assert Engine(pg, True).run("SELECT 'émile' = 'ÉMILE' COLLATE NOCASE") == [(True,)]


@pytest.fixture(scope="module")
def migrated_plain_c(server) -> str:
    """Return a migrated database whose own locale is plain C, which folds only A to Z."""
    name = f"schema_{next(_databases)}"
    with psycopg.connect(server.url(), autocommit=True) as admin:
        admin.execute(
            f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
        )
    with psycopg.connect(server.url(name), autocommit=True) as conn:
        migrate_postgresql(conn)
    return name


@pytest.fixture
def pg_plain_c(server, migrated_plain_c):
    conn = _copy(server, migrated_plain_c)
    yield conn
    conn.close()


def test_searching_the_words_ignores_case_inside_words_in_every_script(pg_plain_c):
    pg = pg_plain_c
    words = ["Dŵr poeth gan SIÂN", "ŚLIWKA i Małgośka", "أختي فاطمة تزورني", "میری بہن عائشہ"]
    engine = Engine(pg, postgresql=True)
    for sql, params in STEPS[:4]:
        engine.run(sql, params)
    for number, text in enumerate(words):
        engine.run(*_answer(1, f"S{number}", text, "en"))
    found = {}
    for term in ["DŴR", "siân", "śliw", "gośk", "اطم", "عائشہ", "oet"]:
        found[term] = engine.run(
            "SELECT text FROM review_items WHERE text ILIKE ? ORDER BY id", [f"%{term}%"]
        )
    assert found == {
        "DŴR": [(words[0],)],
        "siân": [(words[0],)],
        "śliw": [(words[1],)],
        "gośk": [(words[1],)],
        "اطم": [(words[2],)],
        "عائشہ": [(words[3],)],
        "oet": [(words[0],)],
    }
    # The trigram indexes serve the search, in place of SQLite's FTS5 table.
    pg.execute("SET enable_seqscan = off")
    for column, index in [
        ("text", "review_items_text_trgm"),
        ("media_description", "review_items_media_description_trgm"),
    ]:
        plan = engine.run(f"EXPLAIN SELECT id FROM review_items WHERE {column} ILIKE '%gośk%'")  # noqa: S608
        assert index in " ".join(line for (line,) in plan)


def test_the_two_schemas_have_the_same_keys_indexes_and_checks(lite_shared, pg_shared):
    assert _pg_keys(pg_shared) == _sqlite_keys(lite_shared)
    assert _pg_foreign_keys(pg_shared) == _sqlite_foreign_keys(lite_shared)
    assert _pg_checks(pg_shared) == _sqlite_checks(lite_shared)
    indexes = _pg_indexes(pg_shared)
    assert {name: indexes[name][0] for name in TRIGRAM_INDEXES} == dict.fromkeys(
        TRIGRAM_INDEXES, "review_items"
    )
    assert {n: i for n, i in indexes.items() if n not in TRIGRAM_INDEXES} == _sqlite_indexes(
        lite_shared
    )


def test_the_two_schemas_have_the_same_triggers(lite_shared, pg_shared):
    assert _pg_triggers(pg_shared) == _sqlite_triggers(lite_shared)


def test_a_fresh_database_holds_the_same_rows(lite_shared, pg_shared):
    # What the migrations put in before anyone uses it: the default concern phrases, and one
    # content generation (its value is random on each engine).
    for table in _sqlite_tables(lite_shared):
        sql = f"SELECT * FROM {table} ORDER BY 1"  # noqa: S608 - names from sqlite_master
        lite_rows = [tuple(row) for row in lite_shared.execute(sql)]
        pg_rows = [tuple(row) for row in pg_shared.execute(sql)]
        if table == "content_generation":
            assert len(lite_rows) == len(pg_rows) == 1
        else:
            assert pg_rows == lite_rows, table


def test_migrating_twice_changes_nothing(pg_shared):
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
    before = pg_shared.execute(catalogue).fetchone()
    assert migrate_postgresql(pg_shared) == []
    assert pg_shared.execute(catalogue).fetchone() == before


def test_two_servers_starting_at_once_migrate_once(server):
    name = f"schema_{next(_databases)}"
    url = server.create_database(name)
    connections = [psycopg.connect(url, autocommit=True) for _ in range(2)]
    try:
        with ThreadPoolExecutor(2) as pool:
            applied = sorted(pool.map(migrate_postgresql, connections))
        names = [name for name, _ in MIGRATIONS]
        assert applied == [[], names]
        rows = connections[0].execute("SELECT name FROM engage_migrations ORDER BY name")
        assert [name for (name,) in rows] == sorted(names)
    finally:
        for conn in connections:
            conn.close()


def test_a_database_not_in_utf8_is_refused_untouched(server):
    # Offsets count characters, which a database of bytes cannot.
    name = f"schema_{next(_databases)}"
    with psycopg.connect(server.url(), autocommit=True) as admin:
        admin.execute(
            f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'SQL_ASCII' "
            "LC_COLLATE 'C' LC_CTYPE 'C'"
        )
    with psycopg.connect(server.url(name), autocommit=True) as conn:
        with pytest.raises(RuntimeError, match="UTF8"):
            migrate_postgresql(conn)
        assert conn.execute("SELECT to_regclass('engage_migrations')").fetchone() == (None,)


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


# --- The triggers do the same ---


class Engine:
    """One database, either engine, taking statements written with ? for parameters."""

    def __init__(self, conn, postgresql: bool) -> None:
        self.conn = conn
        self.postgresql = postgresql

    def run(self, sql: str, params: list | tuple = ()) -> list[tuple]:
        if self.postgresql:
            sql = sql.replace("?", "%s")
            # Without parameters psycopg leaves a % alone, as in LIKE '%words%'.
            params = params or None
        cursor = self.conn.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()] if cursor.description else []

    def refusal(self, sql: str) -> str:
        """Run a statement that must be refused; return why, in the database's words."""
        with pytest.raises((sqlite3.IntegrityError, psycopg.errors.IntegrityError)) as refused:
            self.run(sql)
        return str(refused.value).splitlines()[0]


SAID = "Sharon on nights is always late with my tablets."
MORE = " The day staff are kind to me."
WELSH = "Mae Siân yn garedig iawn. Dŵr poeth bob bore gan Siân."
URDU = "میری بہن عائشہ ہر ہفتے آتی ہے۔"
POLISH = "Pani Małgośka jest miła. Małgośka23 nie."
ARABIC = "أختي فاطمة تزورني كل أسبوع"
NOTE = "Sharon helps us cook on Fridays."
PHOTO = "A photo of Sharon at the day centre."


def _at(minute: int) -> str:
    return f"2001-02-03T04:{minute:02d}:00+00:00"


def _item(kind: str, item_id: int) -> str:
    # Kinds and ids come from this file only.
    return f"(SELECT id FROM review_items WHERE item_kind = '{kind}' AND item_id = {item_id})"  # noqa: S608


def _redact(kind: str, item_id: int, text: str, words: str, status: str, source: str) -> tuple:
    start = text.index(words)
    return (
        "INSERT INTO redactions (review_item_id, start_offset, end_offset, kind, source, "  # noqa: S608
        f"status, decided_by, decided_at, created_at) VALUES ({_item(kind, item_id)}, ?, ?, "
        "'name', ?, ?, 'lead@example.org', ?, ?)",
        [start, start + len(words), source, status, _at(1), _at(1)],
    )


def _quote(kind: str, item_id: int, text: str, words: str, ref: str) -> tuple:
    start = text.index(words)
    return (
        "INSERT INTO quotes (campaign_id, review_item_id, evidence_ref, statement_id, "  # noqa: S608
        f"start_offset, end_offset, original_text, created_at, updated_at) VALUES "
        f"(1, {_item(kind, item_id)}, ?, 'QS1', ?, ?, ?, ?, ?)",
        [ref, start, start + len(words), words, _at(2), _at(2)],
    )


def _answer(session: int, question: str, text: str, language: str) -> tuple:
    return (
        "INSERT INTO answers (session_id, question_id, value, free_text, created_at, "
        "updated_at, language) VALUES (?, ?, 'good', ?, ?, ?, ?)",
        [session, question, text, _at(0), _at(0), language],
    )


def _edit(answer: int, text: str, minute: int, language: str | None = None) -> tuple:
    if language is None:
        return (
            "UPDATE answers SET free_text = ?, updated_at = ? WHERE id = ?",
            [text, _at(minute), answer],
        )
    return (
        "UPDATE answers SET free_text = ?, language = ?, updated_at = ? WHERE id = ?",
        [text, language, _at(minute), answer],
    )


def _session(code: str, language: str) -> tuple:
    return (
        "INSERT INTO respondent_sessions (campaign_id, resume_code, language, consent_take_part, "
        "consent_quote, consent_media, started_at, updated_at) VALUES (1, ?, ?, 1, 1, 1, ?, ?)",
        [code, language, _at(0), _at(0)],
    )


# Four redactions of "Siân", the last decided by someone else, find two new places each.
NEW_PLACES = _edit(2, "Siân, Siân. " + WELSH + " Siânydd a Siân. Siân", 10)
MOVED = "On nights Sharon is always late with my tablets." + MORE
TWICE = "Sharon on nights is always late with my tablets. Sharon again, and Sharon's son."
# Each step is a statement and its parameters, run on both engines in turn.
STEPS: list[tuple[str, list]] = [
    (
        "INSERT INTO users (email, name, role, password_hash, created_at) "
        "VALUES ('lead@example.org', 'Lead', 'lead', 'x', ?)",
        [_at(0)],
    ),
    (
        "INSERT INTO campaigns (code, title, framework_id, statement_ids, respondent_groups, "
        "languages, created_at) VALUES ('edits', 'Edits', 'cqc-la', '[\"QS1\"]', "
        '\'["person"]\', \'["en", "cy", "pl", "ur", "ar"]\', ?)',
        [_at(0)],
    ),
    (
        "INSERT INTO campaign_questions (campaign_id, question_id, statement_id, position, "
        "content) VALUES (1, 'QS1-01', 'QS1', 1, '{}'), (1, 'QS1-02', 'QS1', 2, '{}')",
        [],
    ),
    _session("R1", "en"),
    _session("R2", "cy"),
    _session("R3", "ur"),
    _answer(1, "QS1-01", SAID, "en"),  # answer 1
    _answer(2, "QS1-01", WELSH, "cy"),  # answer 2
    _answer(3, "QS1-01", URDU, "ur"),  # answer 3
    _answer(1, "QS1-02", "", "en"),  # answer 4: no words, no review item
    _answer(3, "QS1-02", POLISH, "pl"),  # answer 5
    _answer(2, "QS1-02", ARABIC, "ar"),  # answer 6
    # A lead's own redaction, a suggestion confirmed, one rejected and one undecided.
    _redact("answer", 1, SAID, "Sharon", "confirmed", "reviewer"),
    _redact("answer", 1, SAID, "tablets", "suggested", "suggested"),
    _redact("answer", 1, SAID, "nights", "rejected", "suggested"),
    _redact("answer", 2, WELSH, "Siân", "confirmed", "suggested"),
    _redact("answer", 3, URDU, "عائشہ", "confirmed", "reviewer"),
    _redact("answer", 5, POLISH, "Małgośka", "confirmed", "reviewer"),
    _redact("answer", 6, ARABIC, "فاطمة", "confirmed", "reviewer"),
    _quote("answer", 1, SAID, "always late with my tablets", "QS1-001"),
    _quote("answer", 2, WELSH, "yn garedig iawn", "QS1-002"),
    _quote("answer", 3, URDU, "ہر ہفتے آتی", "QS1-003"),
    # The words change: a sentence added, the name moved, twice, then gone.
    _edit(1, SAID + MORE, 3),
    _edit(1, MORE.strip() + " " + SAID, 4),
    _edit(1, MOVED, 5),
    _edit(1, TWICE, 6),
    _edit(1, "Nights are hard.", 7),
    # A language changed alone moves nothing; with new words it is the words' language.
    ("UPDATE answers SET language = 'en', updated_at = ? WHERE id = 2", [_at(8)]),
    _edit(2, "Siân! " + WELSH + " Siânydd a Siân", 9, "cy"),
    # Two redactions of the same name with different details, then a new place for it.
    (
        "UPDATE redactions SET decided_by = 'other' WHERE id = (SELECT MAX(id) FROM redactions "  # noqa: S608
        f"WHERE review_item_id = {_item('answer', 2)})",
        [],
    ),
    NEW_PLACES,
    # A name running on into a longer word, in letters outside ASCII, is not carried there.
    _edit(3, "آج " + URDU + " عائشہ اور عائشہکی", 11),
    _edit(5, POLISH + " Małgośka tak, Małgośka.", 12, "en"),
    _edit(6, "فاطمة " + ARABIC + " فاطمةالزهراء", 13),
    # An answer saved again through an upsert fires the update triggers, not the insert ones.
    (
        "INSERT INTO answers (session_id, question_id, value, free_text, created_at, "
        "updated_at, language) VALUES (2, 'QS1-02', 'good', ?, ?, ?, 'ar') "
        "ON CONFLICT (session_id, question_id) DO UPDATE SET free_text = excluded.free_text, "
        "updated_at = excluded.updated_at",
        [ARABIC + " فاطمة", _at(14), _at(14)],
    ),
    # Media answers: consent, then the description and its language.
    (
        "INSERT INTO media_items (session_id, kind, question_id, sha256, mime, ext, size_bytes, "
        "description, created_at, updated_at, language) VALUES (1, 'photo', 'QS1-01', 'abc', "
        "'image/jpeg', 'jpg', 3000000000, ?, ?, ?, 'en')",
        [PHOTO, _at(15), _at(15)],
    ),
    _redact("media", 1, PHOTO, "Sharon", "confirmed", "reviewer"),
    _quote("media", 1, PHOTO, "at the day centre", "QS1-004"),
    ("UPDATE media_items SET consent = 'words', updated_at = ? WHERE id = 1", [_at(16)]),
    (
        "UPDATE media_items SET description = ?, language = 'cy', updated_at = ? WHERE id = 1",
        ["Sharon and me. " + PHOTO, _at(17)],
    ),
    (
        "UPDATE media_items SET consent = 'report', description = ?, updated_at = ? WHERE id = 1",
        ["Me at the seaside.", _at(18)],
    ),
    # Group notes: a note, its redaction and quote, then changed words, once without a date.
    (
        "INSERT INTO group_sessions (campaign_id, advocate_id, place, group_size, "
        "respondent_group, question_ids, created_at) VALUES (1, 1, 'Hall', 6, 'person', "
        "'[\"QS1-01\"]', ?)",
        [_at(19)],
    ),
    (
        "INSERT INTO group_notes (group_session_id, question_id, speaker_role, note, "
        "created_at, updated_at, language) VALUES (1, 'QS1-01', 'person', ?, ?, ?, 'en')",
        [NOTE, _at(19), _at(19)],
    ),
    _redact("group_note", 1, NOTE, "Sharon", "confirmed", "reviewer"),
    _quote("group_note", 1, NOTE, "helps us cook", "QS1-005"),
    (
        "UPDATE group_notes SET note = ?, updated_at = ? WHERE id = 1",
        ["On Fridays " + NOTE, _at(20)],
    ),
    ("UPDATE group_notes SET language = 'cy', updated_at = ? WHERE id = 1", [_at(21)]),
    ("UPDATE group_notes SET note = ?, updated_at = NULL WHERE id = 1", ["We cook."]),
    # Words emptied, an answer removed, a media answer and a note removed.
    _edit(3, "", 22),
    ("DELETE FROM answers WHERE id = 5", []),
    ("DELETE FROM media_items WHERE id = 1", []),
    ("DELETE FROM group_notes WHERE id = 1", []),
    # Erasing a person takes their answers' items and the campaign's snapshots with them.
    (
        "INSERT INTO published_snapshots (campaign_id, taken_at, taken_on, people, answers, "
        "participants) VALUES (1, ?, '2001-02-03', 3, ?, ?)",
        [_at(23), b"\x78\x9c\x00", b"\x00\xff"],
    ),
    ("DELETE FROM respondent_sessions WHERE id = 2", []),
    # What respondent pages are made from: each change gives content_generation a new value.
    (
        "INSERT INTO narration_texts (clip_key, text, language, speed, created_at) "
        "VALUES ('k1', 'Hello', 'en', 'normal', ?)",
        [_at(24)],
    ),
    (
        "INSERT INTO narration_recordings (campaign_id, text_key, language, clip_key, "
        "created_at) VALUES (1, 't1', 'en', 'k1', ?)",
        [_at(24)],
    ),
    ("UPDATE narration_recordings SET clip_key = 'k2' WHERE id = 1", []),
    ("DELETE FROM narration_recordings WHERE id = 1", []),
    ("DELETE FROM narration_texts WHERE clip_key = 'k1'", []),
    ("DELETE FROM narration_texts WHERE clip_key = 'none'", []),
    (
        "INSERT INTO campaign_pictures (campaign_id, alt, large_sha256, small_sha256, mime, "
        "created_at) VALUES (1, 'A cup of tea', 'l', 's', 'image/png', ?)",
        [_at(25)],
    ),
    ("UPDATE campaign_pictures SET alt = 'Tea' WHERE id = 1", []),
    ("DELETE FROM campaign_pictures WHERE id = 1", []),
    ('UPDATE campaign_questions SET content = \'{"text": "Q"}\' WHERE id = 1', []),
    ("UPDATE campaigns SET title = 'Edited' WHERE id = 1", []),
    ("UPDATE campaigns SET title = 'Edited' WHERE id = 99", []),
    ("DELETE FROM campaign_questions WHERE id = 2", []),
    ("INSERT INTO audit_log (at, user_id, action) VALUES (?, 1, 'signed_in')", [_at(26)]),
    ("INSERT INTO concern_phrases (phrase, created_at) VALUES ('they shout at us', ?)", [_at(26)]),
    (
        "INSERT INTO extra_terms (campaign_id, term, created_at) VALUES (NULL, 'key worker', ?)",
        [_at(26)],
    ),
    ("DELETE FROM campaigns WHERE id = 1", []),
]

# Rows every engine must refuse, by a CHECK, NOT NULL, UNIQUE or foreign key.
REFUSED = [
    "UPDATE audit_log SET action = 'changed'",
    "DELETE FROM audit_log",
    "INSERT INTO users (email, name, role, password_hash, created_at) "
    "VALUES ('LEAD@example.org', 'Again', 'lead', 'x', 'now')",
    "INSERT INTO users (email, name, role, password_hash, created_at) "
    "VALUES ('new@example.org', 'New', 'boss', 'x', 'now')",
    "INSERT INTO campaigns (code, title, framework_id, statement_ids, respondent_groups, "
    "scale_points, created_at) VALUES ('x', 't', 'f', '[]', '[]', 4, 'now')",
    "INSERT INTO campaigns (code, title, framework_id, statement_ids, respondent_groups, "
    "created_at) VALUES ('x', NULL, 'f', '[]', '[]', 'now')",
    "INSERT INTO respondent_sessions (campaign_id, resume_code, consent_take_part, "
    "consent_quote, consent_media, started_at, updated_at) VALUES (42, 'R9', 1, 1, 1, 'n', 'n')",
    "INSERT INTO concern_phrases (phrase, created_at) VALUES ('THEY SHOUT AT US', 'now')",
    "INSERT INTO extra_terms (campaign_id, term, created_at) VALUES (NULL, 'KEY WORKER', 'now')",
    "INSERT INTO content_generation (id, value) VALUES (2, 1)",
]


# What the triggers write, by natural keys rather than ids: SQLite gives a new row the
# highest id plus one, so it may reuse the id of a row deleted before, where PostgreSQL's
# identity never does. Ids keep the same order on both, so "the earliest" means the same.
_WRITTEN = {
    "review_items": "SELECT item_kind || ' ' || item_id AS item, campaign_id, session_id, "
    "question_id, statement_id, text, media_description, consent_quote, consent_media, "
    "held_for_safeguarding, included, suggested_at, reviewed_by, reviewed_at, created_at, "
    "updated_at, words_changed_at, previous_text, language FROM review_items "
    "ORDER BY item_kind, item_id",
    "redactions": "SELECT (SELECT ri.item_kind || ' ' || ri.item_id FROM review_items ri "
    "WHERE ri.id = x.review_item_id) AS item, start_offset, end_offset, kind, source, "
    "status, decided_by, decided_at, created_at FROM redactions x "
    "ORDER BY item, start_offset, end_offset, id",
    "quotes": "SELECT (SELECT ri.item_kind || ' ' || ri.item_id FROM review_items ri "
    "WHERE ri.id = x.review_item_id) AS item, evidence_ref, statement_id, start_offset, "
    "end_offset, original_text, created_at, updated_at, withdrawn_at, withdrawn_reason "
    "FROM quotes x ORDER BY evidence_ref",
    "published_snapshots": "SELECT campaign_id, taken_at, people, answers, participants "
    "FROM published_snapshots ORDER BY id",
}


_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")


def _state(engine: Engine) -> dict[str, list[tuple]]:
    """Return the rows the triggers write, with times taken from the clock made comparable."""
    now = datetime.now(UTC)

    def comparable(value):
        if isinstance(value, str) and _STAMP.fullmatch(value):
            taken = datetime.fromisoformat(value)
            return "(now)" if abs((taken - now).total_seconds()) < 600 else value
        return value

    state = {
        table: [tuple(comparable(v) for v in row) for row in engine.run(sql)]
        for table, sql in _WRITTEN.items()
    }
    return state | {"generation": engine.run("SELECT value FROM content_generation")}


def _run(engine: Engine) -> list:
    """Run every step; return what the tables held after each, and whether pages changed."""
    history = []
    for sql, params in STEPS:
        before = _state(engine)
        engine.run(sql, params)
        after = _state(engine)
        changed = after.pop("generation") != before["generation"]
        history.append((sql, after, changed))
    refusals = [engine.refusal(sql) for sql in REFUSED]
    return history, refusals


@pytest.mark.parametrize("locale", ["C.UTF-8", "C"])
def test_the_triggers_leave_the_same_rows_on_both_engines(lite, server, request, locale):
    # The triggers compare code points whatever the database's own locale.
    template = request.getfixturevalue("migrated" if locale == "C.UTF-8" else "migrated_plain_c")
    pg = _copy(server, template)
    request.addfinalizer(pg.close)
    lite_history, lite_refusals = _run(Engine(lite, postgresql=False))
    pg_history, pg_refusals = _run(Engine(pg, postgresql=True))
    for (sql, lite_rows, lite_changed), (_, pg_rows, pg_changed) in zip(
        lite_history, pg_history, strict=True
    ):
        assert pg_rows == lite_rows, sql
        assert pg_changed == lite_changed, sql
    # The audit log says why in the same words; other refusals are the engines' own.
    assert pg_refusals[:2] == lite_refusals[:2] == ["the audit log can only be appended to"] * 2

    # The steps did what they are there for, so the comparison above has something to compare.
    def after(step: tuple) -> dict[str, list[tuple]]:
        return lite_history[STEPS.index(step)][1]

    names = [r for r in after(_edit(1, TWICE, 6))["redactions"] if r[0] == "answer 1"]
    assert [TWICE[r[1] : r[2]] for r in names if r[5] == "confirmed"] == ["Sharon"] * 3
    gone = after(_edit(1, "Nights are hard.", 7))
    assert [q[8:] for q in gone["quotes"] if q[0] == "answer 1"] == [(_at(7), "words changed")]
    assert [r[16] for r in gone["review_items"] if r[0] == "answer 1"] == [_at(7)]
    welsh = [r[6] for r in after(NEW_PLACES)["redactions"] if r[0] == "answer 2"]
    assert welsh.count("other") == 1 and len(welsh) == 6  # new places take the earliest's
    undated = ("UPDATE group_notes SET note = ?, updated_at = NULL WHERE id = 1", ["We cook."])
    assert [r[15] for r in after(undated)["review_items"] if r[0] == "group_note 1"] == ["(now)"]
    changed = {sql for sql, _, page_changed in lite_history if page_changed}
    assert "UPDATE campaigns SET title = 'Edited' WHERE id = 1" in changed
    assert "UPDATE campaigns SET title = 'Edited' WHERE id = 99" not in changed
    assert "DELETE FROM narration_texts WHERE clip_key = 'k1'" in changed
    assert not any(sql.startswith("INSERT INTO narration_texts") for sql in changed)
    assert lite_history[-1][1]["review_items"] == []


# --- The triggers do the same on generated edits ---


@pytest.fixture(scope="module")
def both(server, migrated, tmp_path_factory):
    """One database of each engine holding a campaign, a question and a person's session."""
    lite = _fresh_sqlite(tmp_path_factory.mktemp("generated"))
    pg = _copy(server, migrated)
    engines = [Engine(lite, postgresql=False), Engine(pg, postgresql=True)]
    for engine in engines:
        for sql, params in STEPS[:4]:
            engine.run(sql, params)
    yield engines
    lite.close()
    pg.close()


_answers = itertools.count(1)
# Names in four languages, the endings that run them on into longer words, and other words.
_RUN_ON = {"Sam": "uel", "Siân": "ydd", "عائشہ": "کی", "Małgośka": "23"}
_NAMES = list(_RUN_ON)
_WORDS = st.sampled_from([*_NAMES, *_NAMES, "and", "'s", "2", "dŵr"])
_GAPS = st.sampled_from([" ", " ", ". ", ", ", "-", ""])
_PIECES = st.lists(st.tuples(_WORDS, _GAPS), min_size=1, max_size=8)


@st.composite
def _versions(draw) -> list[str]:
    """Return words as first given, then each version after an edit of the one before."""
    pieces = draw(_PIECES)
    versions = ["".join(w + g for w, g in pieces)]
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(pieces)))
        edit = draw(st.sampled_from(["add", "add", "remove", "repeat", "run on", "empty"]))
        if edit == "add":
            pieces = pieces[:at] + draw(_PIECES) + pieces[at:]
        elif edit == "remove" and len(pieces) > 1:
            pieces = pieces[:at] + pieces[at + 1 :]
        elif edit == "repeat":
            pieces = pieces + pieces[: at + 1]
        elif edit == "run on" and at < len(pieces) and pieces[at][0] in _RUN_ON:
            word, gap = pieces[at]
            pieces = [*pieces[:at], (word + _RUN_ON[word], gap), *pieces[at + 1 :]]
        versions.append("" if edit == "empty" else "".join(w + g for w, g in pieces))
    return versions


def _spans(text: str, redacted: list[tuple]) -> list[tuple[int, int, bool]]:
    """Return the spans to redact in `text`, and whether each is confirmed.

    A name is redacted at one of its places, or at every place (each by another lead, so which
    redaction a new place copies shows); None stands for a span that may split words.
    """
    spans = []
    for name, which, size, confirmed in redacted:
        if name is None:
            start = which % len(text)
            spans.append((start, min(len(text), start + size), confirmed))
            continue
        places = [at for at in range(len(text)) if text.startswith(name, at)]
        if places and which % 3 == 0:
            spans += [(at, at + len(name), confirmed) for at in places]
        elif places:
            at = places[which % len(places)]
            spans.append((at, at + len(name), confirmed))
    return spans


@settings(max_examples=40, deadline=None)
@given(
    versions=_versions(),
    redacted=st.lists(
        st.tuples(
            st.sampled_from([*_NAMES, None]),
            st.integers(0, 200),
            st.integers(1, 10),
            st.sampled_from([True, True, False]),
        ),
        max_size=5,
    ),
    quoted=st.tuples(st.integers(0, 200), st.integers(1, 12)),
)
def test_generated_edits_leave_the_same_rows_on_both_engines(both, versions, redacted, quoted):
    """Words with redactions and a quote, edited again and again: both engines agree.

    Emptied words take the item away; words given again bring a new one.
    """
    first, *edits = versions
    question = f"G{next(_answers)}"
    states = []
    for engine in both:
        engine.run(*_answer(1, question, first, "en"))
        (answer,) = engine.run(
            "SELECT id FROM answers WHERE session_id = 1 AND question_id = ?", [question]
        )[0]
        item = _item("answer", answer)
        for number, (start, end, confirmed) in enumerate(_spans(first, redacted)):
            engine.run(
                "INSERT INTO redactions (review_item_id, start_offset, end_offset, kind, source, "  # noqa: S608
                f"status, decided_by, created_at) VALUES ({item}, ?, ?, 'name', 'reviewer', ?, "
                "?, ?)",
                [start, end, "confirmed" if confirmed else "suggested", f"lead {number}", _at(1)],
            )
        start = quoted[0] % len(first)
        end = min(len(first), start + quoted[1])
        engine.run(
            "INSERT INTO quotes (campaign_id, review_item_id, evidence_ref, statement_id, "  # noqa: S608
            f"start_offset, end_offset, original_text, created_at, updated_at) VALUES "
            f"(1, {item}, ?, 'QS1', ?, ?, ?, ?, ?)",
            [question, start, end, first[start:end], _at(2), _at(2)],
        )
        seen = []
        for minute, text in enumerate(edits, start=3):
            engine.run(*_edit(answer, text, minute))
            seen.append(
                {
                    table: [row for row in rows if row[0] == f"answer {answer}"]
                    for table, rows in _state(engine).items()
                    if table in ("review_items", "redactions", "quotes")
                }
            )
        states.append(seen)
    assert states[1] == states[0]
