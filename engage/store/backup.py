"""Backups of an instance: its database, plus its files and media.

SQLite's database goes in through its online backup API, as the file `engage.db`;
PostgreSQL's through `pg_dump --format=custom`, as `engage.pgdump`, restored with
`pg_restore --clean --if-exists --single-transaction`, so a restore that fails changes
nothing. An archive holds one or the other, and is restored only to the engine it came from.
This module imports nothing of engage's (a test loads it alone, under an older Python).
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

DATABASE_NAME = "engage.db"
DUMP_NAME = "engage.pgdump"
# The media folder's files go into an archive under this name, wherever the folder is.
MEDIA_NAME = "media"
# The signing key never goes into a backup: whoever holds a backup could otherwise sign
# cookies. A restore keeps the instance's own key (or the app makes a new one at start).
KEY_NAME = "secret_key"
# Caches are rebuilt on demand, and uploads and media being processed belong to requests in
# flight: a backup leaves them out, and a restore leaves them alone (`engage media sweep`
# clears any a crash left behind).
SKIPPED_FOLDERS = frozenset(
    {("audio",), ("tmp",), ("media", "uploads"), ("media", "work"), ("media", "audio")}
)
# A dump or restore of a council's database takes seconds; this only stops a hung one.
PG_TIMEOUT = 3600


def is_postgresql(database: str | os.PathLike) -> bool:
    """Say whether the database is a PostgreSQL address rather than a SQLite file."""
    return str(database).startswith(("postgresql://", "postgres://"))


def postgresql_program(name: str) -> str:
    """Return the newest installed pg_dump or pg_restore (Debian keeps them off PATH)."""
    found = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0,
    )
    if found:
        return found[-1]
    on_path = shutil.which(name)
    if on_path is None:
        raise ValueError(
            f"PostgreSQL's {name} is not installed (apt-get install postgresql-client)"
        )
    return on_path


def _run_postgresql(name: str, *args: str) -> None:
    done = subprocess.run(
        [postgresql_program(name), *args], capture_output=True, text=True, timeout=PG_TIMEOUT
    )
    if done.returncode:
        raise ValueError(f"{name} failed: {done.stderr.strip()[-1000:]}")


def _skipped(relative: Path) -> bool:
    return any(relative.parts[: len(folder)] == folder for folder in SKIPPED_FOLDERS)


def _instance_files(instance: Path, media: Path | None = None) -> dict[str, Path]:
    """Return each file a backup holds, by its name in the archive.

    The media folder's files are named `media/...` whether the folder is inside the instance
    (as by default) or elsewhere (`ENGAGE_MEDIA_DIR`, shared by several servers).
    """
    places = [(instance, Path())]
    outside = media is not None and not media.resolve().is_relative_to(instance.resolve())
    if outside:
        places.append((media, Path(MEDIA_NAME)))
    files = {}
    for root, prefix in places:
        # os.walk, unlike Path.rglob, passes over a folder that goes while it is being read (a
        # request's work folder is removed when it finishes), so a backup under load does not
        # fail.
        for folder, subfolders, names in os.walk(root):
            relative_folder = prefix / Path(folder).relative_to(root)
            if _skipped(relative_folder) or (
                outside and prefix == Path() and relative_folder.parts[:1] == (MEDIA_NAME,)
            ):
                subfolders.clear()
                continue
            for name in names:
                relative = relative_folder / name
                if not _skipped(relative) and not name.startswith(DATABASE_NAME):
                    files[str(relative)] = Path(folder) / name
    files.pop(KEY_NAME, None)
    return dict(sorted(files.items()))


def create_backup(
    database: str | os.PathLike, instance: Path, target: Path, media: Path | None = None
) -> int:
    """Write a .tar.gz of a consistent copy of the database and the instance's files.

    SQLite's online backup API, or pg_dump's one snapshot, copies the database while others
    keep writing to it. Return how many files (database included) went in.
    """
    with tempfile.TemporaryDirectory() as folder:
        if is_postgresql(database):
            name, copy = DUMP_NAME, Path(folder) / DUMP_NAME
            _run_postgresql(
                "pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                f"--file={copy}", f"--dbname={database}",
            )  # fmt: skip
        else:
            name, copy = DATABASE_NAME, Path(folder) / DATABASE_NAME
            source = sqlite3.connect(database)
            destination = sqlite3.connect(copy)
            try:
                source.backup(destination)
            finally:
                destination.close()
                source.close()
        partial = target.with_name(target.name + ".partial")
        files = _instance_files(instance, media)
        added = 1
        # Owner-only from the first byte, whatever the caller's umask.
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
        os.chmod(partial, 0o600)
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(copy, arcname=name)
            for arcname, path in files.items():
                try:
                    archive.add(path, arcname=arcname)
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


def restore_backup(
    archive_path: Path, database: str | os.PathLike, instance: Path, media: Path | None = None
) -> int:
    """Bring an instance back to a backup: database contents and files.

    SQLite's database is written through the online backup API into the live file, and
    PostgreSQL's by pg_restore in one transaction, so running servers see the restored data
    without being stopped. Nothing is changed until the archive has been checked whole, and the
    files only once the database is back. Files not in the backup are removed. Return how
    many files were restored.
    """
    with tempfile.TemporaryDirectory() as folder, tarfile.open(archive_path, "r:gz") as archive:
        members = checked_members(archive)
        names = {member.name for member in members}
        unpacked = Path(folder)
        for member in members:
            _unpack(archive, member, unpacked)
        wanted, other = (DUMP_NAME, DATABASE_NAME)
        if not is_postgresql(database):
            wanted, other = other, wanted
        if wanted not in names:
            engines = {DATABASE_NAME: "SQLite", DUMP_NAME: "PostgreSQL"}
            if other in names:
                raise ValueError(
                    f"This backup is of a {engines[other]} database, and this instance uses "
                    f"{engines[wanted]}. Restore it to a {engines[other]} instance (then use "
                    "`engage db copy` to move to PostgreSQL)."
                )
            raise ValueError("This is not a backup made by engage backup: it holds no database.")
        if is_postgresql(database):
            # Read the whole dump's table of contents first: a damaged dump stops here.
            _run_postgresql("pg_restore", "--list", str(unpacked / DUMP_NAME))
            _run_postgresql(
                "pg_restore", "--clean", "--if-exists", "--single-transaction",
                "--no-owner", "--no-privileges", "--exit-on-error",
                f"--dbname={database}", str(unpacked / DUMP_NAME),
            )  # fmt: skip
        else:
            _restore_sqlite(unpacked / DATABASE_NAME, Path(database))
        kept = names - {DATABASE_NAME, DUMP_NAME, KEY_NAME}
        media_root = media if media is not None else instance / MEDIA_NAME
        present = _instance_files(instance, media)
        for name, path in present.items():
            if name not in kept:
                path.unlink()
        for name in kept:
            parts = Path(name).parts
            target = (
                media_root.joinpath(*parts[1:])
                if parts[0] == MEDIA_NAME and len(parts) > 1
                else instance / name
            )
            target.parent.mkdir(parents=True, exist_ok=True)
            staged = target.with_name(target.name + ".restoring")
            staged.write_bytes((unpacked / name).read_bytes())
            staged.replace(target)
    return len(kept)


def _restore_sqlite(copy: Path, database: Path) -> None:
    source = sqlite3.connect(copy)
    destination = sqlite3.connect(database, timeout=30)
    try:
        result = source.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise ValueError(f"The backup's database is damaged: {result}")
        source.backup(destination)
    finally:
        destination.close()
        source.close()
