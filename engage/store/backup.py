"""Backups of an instance: the database through SQLite's online backup, plus its files."""

from __future__ import annotations

import os
import shutil
import sqlite3
import tarfile
import tempfile
from pathlib import Path

DATABASE_NAME = "engage.db"
# The signing key never goes into a backup: whoever holds a backup could otherwise sign
# cookies. A restore keeps the instance's own key (or the app makes a new one at start).
KEY_NAME = "secret_key"
# Caches are rebuilt on demand, and uploads and media being processed belong to requests in
# flight: a backup leaves them out, and a restore leaves them alone (`engage media sweep`
# clears any a crash left behind).
SKIPPED_FOLDERS = frozenset({("audio",), ("tmp",), ("media", "uploads"), ("media", "work")})


def _skipped(relative: Path) -> bool:
    return any(relative.parts[: len(folder)] == folder for folder in SKIPPED_FOLDERS)


def _instance_files(instance: Path) -> list[Path]:
    # os.walk, unlike Path.rglob, passes over a folder that goes while it is being read (a
    # request's work folder is removed when it finishes), so a backup under load does not fail.
    files = []
    for folder, subfolders, names in os.walk(instance):
        relative_folder = Path(folder).relative_to(instance)
        if _skipped(relative_folder):
            subfolders.clear()
            continue
        for name in names:
            relative = relative_folder / name
            if not _skipped(relative) and not name.startswith(DATABASE_NAME):
                files.append(instance / relative)
    return sorted(files)


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
        files = [path for path in _instance_files(instance) if path != instance / KEY_NAME]
        added = 1
        # Owner-only from the first byte, whatever the caller's umask.
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
        os.chmod(partial, 0o600)
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(copy, arcname=DATABASE_NAME)
            for path in files:
                try:
                    archive.add(path, arcname=str(path.relative_to(instance)))
                except FileNotFoundError:
                    # Gone since the listing (a file erased since): leave it out rather than
                    # fail the whole backup.
                    continue
                added += 1
        partial.replace(target)
    return added


def checked_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    """Return a backup's entries, refusing the whole backup if any is not a plain file.

    A backup holds only regular files at plain relative paths (`create_backup` writes no
    folders or links). Checked here, not left to tarfile's `filter="data"`, because that came
    in Python 3.11.4 and Debian 12 has 3.11.2: one check, stricter than the filter (no
    absolute paths, no `..` or `.`, no links, devices, pipes or folders), on every Python.
    """
    members = archive.getmembers()
    for member in members:
        parts = member.name.split("/")
        if not member.isreg() or any(part in ("", ".", "..") for part in parts):
            raise ValueError(f"The backup holds an unsafe entry: {member.name!r}")
    return members


def _unpack(archive: tarfile.TarFile, member: tarfile.TarInfo, folder: Path) -> None:
    # Names are checked and the folder is new and holds only what this writes, so every
    # target is inside it; contents are copied, never the entry's owner or mode bits.
    target = folder / member.name
    source = archive.extractfile(member)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with source, open(target, "wb") as copy:
            shutil.copyfileobj(source, copy)
    except (NotADirectoryError, FileExistsError, IsADirectoryError):
        # A name used both as a file and as a folder ("a" and "a/b"): not a backup's layout.
        raise ValueError(f"The backup holds an unsafe entry: {member.name!r}") from None


def restore_backup(archive_path: Path, database: Path, instance: Path) -> int:
    """Bring an instance back to a backup: database contents and files.

    The database is written through the online backup API into the live file, so running
    servers see the restored data without being stopped. Files not in the backup are removed.
    Return how many files were restored.
    """
    with tempfile.TemporaryDirectory() as folder, tarfile.open(archive_path, "r:gz") as archive:
        members = checked_members(archive)
        unpacked = Path(folder)
        for member in members:
            _unpack(archive, member, unpacked)
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
        kept = {member.name for member in members if member.name not in (DATABASE_NAME, KEY_NAME)}
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
