"""Backups of an instance: the database through SQLite's online backup, plus its files."""

from __future__ import annotations

import sqlite3
import tarfile
import tempfile
from pathlib import Path

DATABASE_NAME = "engage.db"
# Caches are rebuilt on demand, so a backup leaves them out.
CACHE_FOLDERS = frozenset({"audio", "tmp"})


def _instance_files(instance: Path) -> list[Path]:
    files = []
    for path in sorted(instance.rglob("*")):
        relative = path.relative_to(instance)
        if not path.is_file() or relative.parts[0] in CACHE_FOLDERS:
            continue
        if relative.name.startswith(DATABASE_NAME):
            continue
        files.append(path)
    return files


def create_backup(database: Path, instance: Path, target: Path) -> int:
    """Write a .tar.gz of a consistent copy of the database and the instance's files.

    The online backup API copies the database while others keep writing to it.
    Return how many files (database included) went in.
    """
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / DATABASE_NAME
        source = sqlite3.connect(database)
        destination = sqlite3.connect(copy)
        try:
            source.backup(destination)
        finally:
            destination.close()
            source.close()
        partial = target.with_name(target.name + ".partial")
        files = _instance_files(instance)
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(copy, arcname=DATABASE_NAME)
            for path in files:
                archive.add(path, arcname=str(path.relative_to(instance)))
        partial.replace(target)
    return len(files) + 1


def restore_backup(archive_path: Path, database: Path, instance: Path) -> int:
    """Bring an instance back to a backup: database contents and files.

    The database is written through the online backup API into the live file, so running
    servers see the restored data without being stopped. Files not in the backup are removed.
    Return how many files were restored.
    """
    with tempfile.TemporaryDirectory() as folder, tarfile.open(archive_path, "r:gz") as archive:
        members = archive.getmembers()
        for member in members:
            if (
                not member.isfile()
                or Path(member.name).is_absolute()
                or ".." in Path(member.name).parts
            ):
                raise ValueError(f"The backup holds an unsafe entry: {member.name!r}")
        archive.extractall(folder, filter="data")
        unpacked = Path(folder)
        source = sqlite3.connect(unpacked / DATABASE_NAME)
        destination = sqlite3.connect(database, timeout=30)
        try:
            result = source.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                raise ValueError(f"The backup's database is damaged: {result}")
            source.backup(destination)
        finally:
            destination.close()
            source.close()
        kept = {member.name for member in members if member.name != DATABASE_NAME}
        for path in _instance_files(instance):
            relative = str(path.relative_to(instance))
            if relative not in kept and relative != "secret_key":
                path.unlink()
        for name in kept:
            target = instance / name
            target.parent.mkdir(parents=True, exist_ok=True)
            staged = target.with_name(target.name + ".restoring")
            staged.write_bytes((unpacked / name).read_bytes())
            staged.replace(target)
    return len(kept)
