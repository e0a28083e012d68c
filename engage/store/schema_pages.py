"""What respondent pages are made from, as one number that changes whenever any of it does.

Each server process keeps question pages rendered (engage.respondent.pages). A trigger on every
table those pages are made from gives `content_generation` a new random value on any change, so
every process sees an edit on its next request. Random rather than counted: a restored database
must never share a number with different content.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

from engage.store.schema import run_script

pages = Migrations("engage.pages")

# Each table and the changes to it that alter a respondent page. New narration texts are
# registered all the time and change no page; deleting one (erasure) takes a clip away.
SOURCES: dict[str, tuple[str, ...]] = {
    "campaigns": ("INSERT", "UPDATE", "DELETE"),
    "campaign_questions": ("INSERT", "UPDATE", "DELETE"),
    "campaign_pictures": ("INSERT", "UPDATE", "DELETE"),
    "narration_recordings": ("INSERT", "UPDATE", "DELETE"),
    "narration_texts": ("DELETE",),
}


@pages(name="0001_content_generation")
def _content_generation(db: Database) -> None:
    run_script(
        db,
        """
        CREATE TABLE content_generation (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            value INTEGER NOT NULL
        );
        INSERT INTO content_generation (id, value) VALUES (1, random());
        """,
    )
    for table, changes in SOURCES.items():
        for change in changes:
            # Names from SOURCES above, never from input.
            name = f"{table}_{change.lower()}_generation"
            db.execute(
                f"CREATE TRIGGER {name} AFTER {change} ON {table} "  # noqa: S608
                "BEGIN UPDATE content_generation SET value = random(); END"
            )
