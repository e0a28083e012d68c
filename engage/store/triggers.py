"""Triggers written once for both engines.

A store module writes each trigger once, as SQLite's CREATE TRIGGER statement, with the few
expressions the engines spell differently taken from here for the engine at hand. On SQLite
the statement runs as it is (so databases made before keep the same schema text); on
PostgreSQL `trigger_statements` turns it into a PL/pgSQL function and a row trigger calling
it. A change to what a trigger does therefore changes both engines.
"""

from __future__ import annotations

import re

SQLITE = "sqlite"
POSTGRESQL = "postgresql"

_CREATE_TRIGGER = re.compile(
    r"\s*CREATE TRIGGER (?P<name>\w+)\s+"
    r"(?P<event>(?:BEFORE|AFTER)\s+(?:INSERT|UPDATE|DELETE)(?:\s+OF\s+\w+(?:,\s*\w+)*)?)\s+"
    r"ON\s+(?P<table>\w+)(?:\s+WHEN\s+(?P<condition>.+?))?\s+"
    r"BEGIN\b(?P<body>.*)\bEND;?\s*",
    re.DOTALL,
)


def trigger_statements(engine: str, sql: str) -> list[str]:
    """Return the statements that make the row trigger `sql` (SQLite's form) on `engine`.

    On PostgreSQL the trigger's statements become the body of a PL/pgSQL function of the
    same name, and its WHEN condition the trigger's.
    """
    if engine == SQLITE:
        return [sql]
    found = _CREATE_TRIGGER.fullmatch(sql)
    if found is None:
        raise ValueError(f"not a trigger this module can carry over: {sql[:80]}")
    name, table, body = found["name"], found["table"], found["body"].strip()
    event = " ".join(found["event"].split())
    condition = f" WHEN ({' '.join(found['condition'].split())})" if found["condition"] else ""
    return [
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $body$\n"
        f"BEGIN\n{body}\nRETURN NULL;\nEND\n$body$",
        f"CREATE TRIGGER {name} {event} ON {table} FOR EACH ROW{condition} "
        f"EXECUTE FUNCTION {name}()",
    ]


def refuse(engine: str, message: str) -> str:
    """Return the statement that stops the change that fired a trigger, with `message`."""
    if engine == SQLITE:
        return f"SELECT RAISE(ABORT, '{message}');"
    # SQLite's RAISE(ABORT) reports a constraint failure; so does this.
    return f"RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation';"


def differs(engine: str, left: str, right: str) -> str:
    """Return "left differs from right", where NULL differs from any value but NULL."""
    if engine == SQLITE:
        return f"{left} IS NOT {right}"
    return f"{left} IS DISTINCT FROM {right}"


def position(engine: str, text: str, words: str) -> str:
    """Return where `words` first start in `text`, counting from 1, or 0 if they are not there."""
    return f"{'instr' if engine == SQLITE else 'strpos'}({text}, {words})"


def now_utc(engine: str) -> str:
    """Return the current UTC time in the format of engage.store.now()."""
    if engine == SQLITE:
        return "strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')"
    return "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+00:00\"')"


def random_number(engine: str) -> str:
    """Return a new random 64-bit number."""
    if engine == SQLITE:
        return "random()"
    # random() gives a fraction; two of them fill the 63 bits a BIGINT holds.
    return (
        "(floor(random() * 2147483648)::bigint * 4294967296 + floor(random() * 4294967296)::bigint)"
    )
