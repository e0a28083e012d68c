"""Content-addressed storage for people's media: each file is named by its SHA-256."""

from __future__ import annotations

import hashlib
import os
import re
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
        """Move a finished file into the store and return its digest."""
        digest = sha256_file(source)
        target = self.path(digest)
        if target.exists():
            os.unlink(source)
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(os.fspath(source), target)
        os.chmod(target, 0o600)
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
        return {
            part.name + leaf.name
            for part in self.root.iterdir()
            if part.is_dir()
            for leaf in part.iterdir()
        }
