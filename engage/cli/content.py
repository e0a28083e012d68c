"""`engage content check`: validate the easy-read content."""

from __future__ import annotations

import click


@click.group("content")
def content_group() -> None:
    """Check the easy-read content."""


@content_group.command("check")
def content_check() -> None:
    """Validate every framework and question file; exit 1 if any problem is found."""
    from easyread import fallbacks, validate_content
    from engage.i18n import DEFAULT_LANGUAGE, LANGUAGES
    from media import pictures

    problems = validate_content(known_pictures=pictures.library_ids())
    for problem in problems:
        click.echo(str(problem))
    # A missing translation is shown in English, marked as such: counted, not a failure.
    missing = fallbacks(tuple(code for code in LANGUAGES if code != DEFAULT_LANGUAGE))
    for language, places in missing.items():
        for question_id, field in places:
            click.echo(
                f"{question_id}: the {field} has no {language} text, so it shows in English."
            )
    click.echo(
        "Fallbacks to English: "
        + ", ".join(f"{language} {len(places)}" for language, places in missing.items())
    )
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) found.")
    click.echo("Content is valid.")
