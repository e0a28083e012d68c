"""engage backup and engage restore, in process, and restore under an older Python."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
import tarfile
import threading
from pathlib import Path

import pytest

from engage import store
from engage.store import backup, get_db
from tests.engage.journey import Respondent

pytestmark = pytest.mark.sqlite_only(
    "backs up and restores the SQLite file; PostgreSQL's pg_dump is in test_many_servers"
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["this Python's tarfile", "tarfile without filter"])
def tarfile_support(request, monkeypatch) -> str:
    """Run as on this Python, then as on 3.11.2, whose extract methods take no `filter`."""
    if request.param == "tarfile without filter":
        for name in ("extract", "extractall"):
            original = getattr(tarfile.TarFile, name)

            def older(self, *args, _original=original, _name=name, **kwargs):
                if "filter" in kwargs:
                    raise TypeError(
                        f"TarFile.{_name}() got an unexpected keyword argument 'filter'"
                    )
                return _original(self, *args, **kwargs)

            monkeypatch.setattr(tarfile.TarFile, name, older)
        monkeypatch.delattr(tarfile, "data_filter", raising=False)
    return request.param


def _answers(app) -> int:
    with app.app_context():
        return get_db().execute("SELECT COUNT(*) FROM answers").fetchone()[0]


def test_backup_then_restore_brings_back_the_data_and_files(
    app, client, make_campaign, runner, tmp_path, tarfile_support
):
    campaign = make_campaign(statement_ids=["QS1"])
    person = Respondent(client, campaign["code"])
    person.start()
    with app.app_context():
        first = get_db().execute("SELECT question_id FROM campaign_questions").fetchone()[0]
    person.answer(first, "good")
    upload = tmp_path / "instance" / "media" / "ab" / "abcdef.png"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"picture bytes")
    archive = tmp_path / "backup.tar.gz"
    result = runner.invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    with tarfile.open(archive) as opened:
        names = set(opened.getnames())
    assert {"engage.db", "media/ab/abcdef.png"} <= names
    assert "secret_key" not in names

    person.post("/consent", {"take_part": "no"})
    upload.unlink()
    stray = tmp_path / "instance" / "media" / "cd" / "stray.png"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"made after the backup")
    assert _answers(app) == 0

    result = runner.invoke(args=["restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    assert _answers(app) == 1
    assert upload.read_bytes() == b"picture bytes"
    assert not stray.exists()
    with app.app_context():
        actions = [r[0] for r in get_db().execute("SELECT action FROM audit_log")]
    assert actions[-1] == "restore"


def test_backup_while_writes_continue_is_consistent(app, make_campaign, runner, tmp_path):
    campaign = make_campaign(statement_ids=["QS1"])
    stop = threading.Event()

    def keep_writing() -> None:
        from engage.store import connect

        db = connect(app.config["DATABASE"])
        while not stop.is_set():
            session = store.respondents.start_session(
                db, campaign["id"], {"take_part": True, "quote": True, "media": False}, "en"
            )
            store.respondents.save_answer(db, session["id"], "QS1-01", "good", "")
        db.close()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        for number in range(3):
            archive = tmp_path / f"b{number}.tar.gz"
            assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    finally:
        stop.set()
        writer.join()
    with tarfile.open(archive) as opened, opened.extractfile("engage.db") as stored:
        (tmp_path / "check.db").write_bytes(stored.read())
    copy = sqlite3.connect(tmp_path / "check.db")
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    sessions = copy.execute("SELECT COUNT(*) FROM respondent_sessions").fetchone()[0]
    answers = copy.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
    copy.close()
    # A session and its answer are two transactions: a backup may fall between them.
    assert 0 < answers <= sessions <= answers + 1


def _entry(name: str, kind: bytes = tarfile.REGTYPE, link: str = "") -> tarfile.TarInfo:
    entry = tarfile.TarInfo(name)
    entry.type = kind
    entry.linkname = link
    entry.size = 1 if kind == tarfile.REGTYPE else 0
    return entry


# Entries tarfile's "data" filter refuses: a restore must refuse them on every Python.
REFUSED_BY_THE_DATA_FILTER = [
    _entry("../outside.txt"),
    _entry("media/../../outside.txt"),
    _entry("media/link", tarfile.SYMTYPE, "/etc/passwd"),
    _entry("media/link", tarfile.SYMTYPE, "../../outside.txt"),
    _entry("media/hard", tarfile.LNKTYPE, "/etc/passwd"),
    _entry("media/null", tarfile.CHRTYPE),
    _entry("media/disk", tarfile.BLKTYPE),
    _entry("media/pipe", tarfile.FIFOTYPE),
]
# Entries the filter lets through (an absolute name it makes relative) but a backup never
# holds: refused as well.
REFUSED_AS_NO_BACKUP_HOLDS_THEM = [
    _entry("/etc/engage-evil"),
    _entry("media/inside", tarfile.SYMTYPE, "ab/abcdef.png"),
    _entry("media", tarfile.DIRTYPE),
    _entry("./media/ab.png"),
    _entry("media//ab.png"),
]
UNSAFE = REFUSED_BY_THE_DATA_FILTER + REFUSED_AS_NO_BACKUP_HOLDS_THEM


def _archive(path: Path, *entries: tarfile.TarInfo) -> Path:
    with tarfile.open(path, "w:gz") as opened:
        for entry in entries:
            opened.addfile(entry, io.BytesIO(b"x") if entry.isreg() else None)
    return path


@pytest.mark.parametrize("entry", REFUSED_BY_THE_DATA_FILTER, ids=lambda e: e.name)
def test_the_member_check_refuses_what_the_data_filter_refuses(entry, tmp_path):
    if hasattr(tarfile, "data_filter"):
        with pytest.raises(tarfile.FilterError):
            tarfile.data_filter(entry, str(tmp_path))
    with (
        tarfile.open(_archive(tmp_path / "evil.tar.gz", entry)) as opened,
        pytest.raises(ValueError, match="unsafe"),
    ):
        backup.checked_members(opened)


def test_restore_refuses_an_unsafe_archive(runner, tmp_path, tarfile_support):
    kept = tmp_path / "instance" / "media" / "ab" / "abcdef.png"
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b"picture bytes")
    good = tmp_path / "good.tar.gz"
    assert runner.invoke(args=["backup", str(good)]).exit_code == 0
    with tarfile.open(good) as opened, opened.extractfile("engage.db") as stored:
        database = stored.read()
    database_entry = tarfile.TarInfo("engage.db")
    database_entry.size = len(database)
    kept.unlink()
    for number, entry in enumerate(UNSAFE):
        # Each unsafe entry comes after a good database: nothing may be restored before the
        # check has seen every entry.
        evil = tmp_path / f"evil{number}.tar.gz"
        with tarfile.open(evil, "w:gz") as opened:
            opened.addfile(database_entry, io.BytesIO(database))
            opened.addfile(entry, io.BytesIO(b"x") if entry.isreg() else None)
        result = runner.invoke(args=["restore", str(evil), "--yes"])
        assert result.exit_code != 0, entry.name
        assert "unsafe" in result.output, entry.name
        assert not (tmp_path / "outside.txt").exists()
        assert not kept.exists(), entry.name


def test_restore_refuses_a_name_used_as_file_and_folder(runner, tmp_path):
    archive = _archive(tmp_path / "odd.tar.gz", _entry("media"), _entry("media/ab.png"))
    result = runner.invoke(args=["restore", str(archive), "--yes"])
    assert result.exit_code != 0
    assert "unsafe" in result.output


def _python_without_tarfile_filter() -> str | None:
    """Return an interpreter here whose tarfile has no `filter` (Debian 12's 3.11.2), if any."""
    for python in (sys.executable, "/usr/bin/python3"):
        if Path(python).exists():
            probe = "import sys, tarfile; sys.exit(hasattr(tarfile, 'data_filter'))"
            if subprocess.run([python, "-c", probe], check=False).returncode == 0:
                return python
    return None


@pytest.mark.skipif(
    _python_without_tarfile_filter() is None,
    reason="no Python older than 3.11.4 on this machine (Debian 12's python3 is 3.11.2)",
)
def test_backup_and_restore_under_a_python_without_tarfile_filter(tmp_path):
    python = _python_without_tarfile_filter()
    done = subprocess.run(
        [
            python,
            str(ROOT / "tests" / "engage" / "restore_child.py"),
            str(ROOT / "engage" / "store" / "backup.py"),
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["tarfile_has_filter"] is False
    assert seen["restored"] == 1
    assert seen["values"] == ["good"]
    assert seen["picture"] == "picture bytes"
    assert "unsafe" in seen["refused"]
    assert seen["outside"] is False
