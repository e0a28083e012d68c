"""`engage serve`, `engage backup`, `engage restore` and `engage erase`: running the service
and looking after its data."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from engage import store
from engage.store import backup, get_db


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(target: Path) -> None:
    """Write a backup (.tar.gz) of the database, files and media while engage keeps running."""
    count = backup.create_backup(
        store.database_address(current_app),
        Path(current_app.instance_path),
        target,
        Path(current_app.config["MEDIA_DIR"]),
    )
    store.staff.audit(get_db(), None, "backup", str(target), f"{count} files")
    click.echo(f"Backed up {count} files to {target}.")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the current data.")
@with_appcontext
def restore_command(source: Path, yes: bool) -> None:
    """Replace the current data with a backup's."""
    if not yes:
        click.confirm("Replace every answer and file with the backup's?", abort=True)
    try:
        count = backup.restore_backup(
            source,
            store.database_address(current_app),
            Path(current_app.instance_path),
            Path(current_app.config["MEDIA_DIR"]),
        )
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    store.staff.audit(get_db(), None, "restore", str(source), f"{count} files")
    click.echo(f"Restored the database and {count} files from {source}.")


@click.command("erase")
@click.option("--resume-code", help="The person's eight-character code.")
@click.option("--session", "session_id", type=int, help="The respondent session's number.")
@click.option("--yes", is_flag=True, help="Do not ask before erasing.")
@with_appcontext
def erase_command(resume_code: str | None, session_id: int | None, yes: bool) -> None:
    """Erase one person's answers, files, narration and index entries."""
    from engage.erasure import erase_respondent
    from engage.resume_codes import normalise_resume_code

    db = get_db()
    if resume_code:
        found = store.respondents.sessions_by_resume_code(db, normalise_resume_code(resume_code))
        if not found:
            raise click.ClickException("No one has that code.")
        session_id = found[0]["id"]
    if session_id is None or store.respondents.respondent_session(db, session_id) is None:
        raise click.ClickException("Give a --resume-code or a --session that exists.")
    if not yes:
        click.confirm(f"Erase everything from session {session_id}?", abort=True)
    erased = erase_respondent(db, session_id, None, "engage erase")
    click.echo(
        f"Erased session {erased.session_id}: {erased.files} files and {erased.clips} clips."
    )


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int, envvar="PORT")
@click.option("--workers", default=2, show_default=True, type=int)
def serve_command(host: str, port: int, workers: int) -> None:
    """Serve engage with gunicorn, a production WSGI server."""
    from engage.server import serve

    serve(host, port, workers)
