"""A throwaway PostgreSQL server for the tests: a cluster made with initdb in a temporary folder.

The server listens only on a Unix socket in that folder, so nothing else on the machine can
reach it and two test runs never collide. PostgreSQL refuses to run as root, so when the tests
run as root (as CI does) the cluster belongs to the `postgres` user the Debian package makes.
Durability settings are off: the cluster is thrown away, and the tests of durability run on
SQLite's and PostgreSQL's real settings elsewhere.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
from pathlib import Path


def _bin(name: str) -> str:
    """Return the path of a PostgreSQL server program (they are not on PATH on Debian)."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    on_path = shutil.which(name)
    if on_path is None:
        raise RuntimeError(f"PostgreSQL's {name} is not installed (make setup installs it)")
    return on_path


class PgServer:
    """A running throwaway cluster; `url(name)` gives the address of one of its databases."""

    def __init__(self, folder: Path, port: int = 5432, durable: bool = False) -> None:
        self.folder = folder
        self.port = port
        # A benchmark measures what a real server does: every commit flushed to disk.
        self.durable = durable
        self.data = folder / "data"
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            self._as_user = ["runuser", "-u", "postgres", "--"]
            owner = pwd.getpwnam("postgres")
            folder.mkdir(parents=True, exist_ok=True)
            os.chown(folder, owner.pw_uid, owner.pw_gid)

    def _run(self, *command: str) -> None:
        subprocess.run([*self._as_user, *command], check=True, capture_output=True, timeout=120)

    def start(self) -> PgServer:
        """Make the cluster and start its server, waiting until it takes connections."""
        self._run(
            _bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
            "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        options = f"-k {self.folder} -p {self.port} -c listen_addresses='' -c max_connections=100"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(
            _bin("pg_ctl"), "-D", str(self.data), "-o", options, "-l",
            str(self.folder / "server.log"), "-w", "start",
        )  # fmt: skip
        return self

    def url(self, database: str = "postgres") -> str:
        """Return the connection address of `database` on this server."""
        return f"postgresql://postgres@/{database}?host={self.folder}&port={self.port}"

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create an empty database (or a copy of `template`) and return its address."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            copy = f" TEMPLATE {template}" if template else ""
            conn.execute(f'CREATE DATABASE "{name}"{copy}')
        return self.url(name)

    def stop(self) -> None:
        """Stop the server at once and remove its folder."""
        try:
            self._run(_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
