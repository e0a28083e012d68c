"""Back up and restore a small instance with engage/store/backup.py alone, under any Python.

Run by tests/engage/test_backup.py with an older interpreter than the test's own (Debian 12's
3.11.2, whose tarfile has no `filter`), which has none of engage's packages: the module is
loaded from its file. Prints what happened as JSON.
"""

from __future__ import annotations

import importlib.util
import io
import json
import sqlite3
import sys
import tarfile
from pathlib import Path


def main(module_path: str, folder: str) -> None:
    spec = importlib.util.spec_from_file_location("backup", module_path)
    backup = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(backup)
    root = Path(folder)
    instance = root / "instance"
    (instance / "media").mkdir(parents=True)
    database = instance / "engage.db"
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE answers (value TEXT)")
        db.execute("INSERT INTO answers VALUES ('good')")
    db.close()
    picture = instance / "media" / "a.png"
    picture.write_bytes(b"picture bytes")
    backup.create_backup(database, instance, root / "backup.tar.gz")

    with sqlite3.connect(database) as db:
        db.execute("DELETE FROM answers")
    db.close()
    picture.unlink()
    restored = backup.restore_backup(root / "backup.tar.gz", database, instance)
    with sqlite3.connect(database) as db:
        values = [row[0] for row in db.execute("SELECT value FROM answers")]
    db.close()

    evil = root / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as archive:
        entry = tarfile.TarInfo("../outside.txt")
        entry.size = 1
        archive.addfile(entry, io.BytesIO(b"x"))
    try:
        backup.restore_backup(evil, database, instance)
        refused = ""
    except ValueError as error:
        refused = str(error)
    print(
        json.dumps(
            {
                "version": list(sys.version_info[:3]),
                "tarfile_has_filter": hasattr(tarfile, "data_filter"),
                "restored": restored,
                "values": values,
                "picture": picture.read_bytes().decode(),
                "refused": refused,
                "outside": (root / "outside.txt").exists(),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
