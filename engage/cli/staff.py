"""`engage user`: staff accounts from the shell."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from engage import auth, store
from engage.store import get_db


@click.group("user")
def user_group() -> None:
    """Manage staff accounts."""


@user_group.command("create")
@click.option("--role", type=click.Choice(auth.ROLES), default="lead", show_default=True)
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input, not a prompt."
)
@with_appcontext
def user_create(role: str, email: str, name: str, password_stdin: bool) -> None:
    """Create a staff account: the first lead, who then invites everyone else."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problem = auth.password_problem(password, email, name)
    if problem:
        raise click.ClickException(problem)
    if "@" not in email or not name.strip():
        raise click.ClickException("Give an email address and a name.")
    db = get_db()
    if store.staff.user_by_email(db, email):
        raise click.ClickException(f"An account for {email} already exists.")
    user_id = store.staff.create_user(
        db, email=email, name=name, role=role, password_hash=auth.hash_password(password)
    )
    store.staff.audit(db, None, "user_created", f"user:{user_id}", f"role {role} from the shell")
    click.echo(f"Created {role} {email}.")
