"""Content-addressed storage for people's media: each file is named by its SHA-256."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import secrets
import shutil
from pathlib import Path

SHA256 = re.compile(r"^[0-9a-f]{64}$")
BLOCK = 1 << 20


def sha256_file(path: str | os.PathLike) -> str:
    """Return the hex SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(BLOCK):
            digest.update(block)
    return digest.hexdigest()


def place_atomically(source: Path, target: Path) -> None:
    """Put a finished file at target (owner-only) so that no one ever sees part of it.

    The file goes to a unique temporary name in the target's own folder (renamed there when it
    is on the same file system, copied otherwise), is flushed to disk, and is then renamed over
    the target; the folder is flushed too, so the new name survives a power cut.
    """
    temporary = target.parent / f".{target.name}.{secrets.token_hex(8)}.tmp"
    try:
        try:
            os.rename(source, temporary)
        except OSError as error:
            if error.errno != errno.EXDEV:
                raise
            shutil.copyfile(source, temporary)
            os.unlink(source)
        os.chmod(temporary, 0o600)
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    sync_folder(target.parent)


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries to disk, so a rename into it is durable."""
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


class BlobStore:
    """Files under root/ab/cdef..., written once and never changed."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def path(self, digest: str) -> Path:
        """Return where a blob lives; refuse anything that is not a hex digest."""
        if not SHA256.match(digest):
            raise ValueError("not a SHA-256 digest")
        return self.root / digest[:2] / digest[2:]

    def put_file(self, source: str | os.PathLike) -> str:
        """Move a finished file into the store and return its digest.

        The store may be a folder shared by several servers (a network mount), and two of
        them may keep the same file at once: each places its copy under a name of its own in
        the target folder, flushes it to disk, then renames it over the target in one step.
        Readers see no file or the whole file, never half of one; the second rename replaces
        identical bytes.
        """
        digest = sha256_file(source)
        target = self.path(digest)
        if target.exists():
            os.unlink(source)
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        place_atomically(Path(source), target)
        return digest

    def put_bytes(self, data: bytes, scratch: str | os.PathLike) -> str:
        """Store bytes by way of a scratch file in the same file system."""
        scratch = Path(scratch)
        scratch.write_bytes(data)
        return self.put_file(scratch)

    def delete(self, digest: str) -> None:
        """Remove a blob if it is there."""
        self.path(digest).unlink(missing_ok=True)

    def digests(self) -> set[str]:
        """Return the digest of every blob held."""
        if not self.root.exists():
            return set()
        # A name that is not a digest is another server's file still being placed.
        return {
            part.name + leaf.name
            for part in self.root.iterdir()
            if part.is_dir()
            for leaf in part.iterdir()
            if SHA256.match(part.name + leaf.name)
        }
