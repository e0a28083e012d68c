"""Campaign set-up by leads: how families get help, and the extra words to avoid."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

from engage.store.schema import run_script

setup = Migrations("engage.setup")


@setup(name="0001_help_contact_and_extra_terms")
def _help_contact_and_extra_terms(db: Database) -> None:
    run_script(
        db,
        """
        ALTER TABLE campaigns ADD COLUMN help_contact TEXT NOT NULL DEFAULT '';
        CREATE TABLE extra_terms (
            id INTEGER PRIMARY KEY,
            campaign_id INTEGER REFERENCES campaigns(id) ON DELETE CASCADE,  -- NULL: every campaign
            term TEXT NOT NULL COLLATE NOCASE,
            plainer TEXT NOT NULL DEFAULT '',
            added_by INTEGER REFERENCES users(id),
            created_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX extra_terms_scope_term ON extra_terms(IFNULL(campaign_id, 0), term)
        """,
    )
