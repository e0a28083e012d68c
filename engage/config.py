"""Every setting an operator can change, declared once: its name, default and meaning.

`create_app` takes its defaults from this table and then reads `ENGAGE_<NAME>` from the
environment (Flask's prefixed environment: `true`, numbers and lists are read as JSON). The
README's configuration table is checked against it by tests/engage/test_config.py, so a setting
cannot be added, dropped or given a new default without the documentation following.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PREFIX = "ENGAGE_"
GIB = 1024 * 1024 * 1024


@dataclass(frozen=True)
class Setting:
    """One setting: its config key, its default, the default as people read it, and meaning."""

    name: str
    default: object
    shown: str
    meaning: str
    # The environment variable, when it is not ENGAGE_ followed by the name.
    env: str = ""

    @property
    def variable(self) -> str:
        """Return the environment variable that sets it."""
        return self.env or PREFIX + self.name


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "PORT",
        5000,
        "`5000`",
        "the port `make run` and `engage serve` listen on",
        env="PORT",
    ),
    Setting(
        "INSTANCE",
        None,
        "`./instance`",
        "the instance folder: database, signing key, uploads (`media/`) and narration (`audio/`)",
    ),
    Setting(
        "DATABASE_URL",
        None,
        "unset: `engage.db` in the instance folder",
        "where the database is: unset, a SQLite file in the instance folder; a"
        " `postgresql://user:password@host:port/name` address puts it on a PostgreSQL server,"
        " which several app servers can share (see `docs/architecture.md`)",
    ),
    Setting(
        "BASE_URL",
        None,
        "`http://127.0.0.1:$PORT`",
        "the address printed in links",
    ),
    Setting(
        "SECRET_KEY",
        None,
        "made once in the instance folder",
        "the key that signs sessions; with more than one app server, the same on every one",
    ),
    Setting(
        "SECRET_KEY_FALLBACKS",
        [],
        "none",
        "old signing keys still accepted while rotating the key (see `docs/security.md`)",
    ),
    Setting(
        "STAFF_IDLE_SECONDS",
        20 * 60,
        "`1200` (20 minutes)",
        "how long a staff member may go without a request before they are signed out",
    ),
    Setting(
        "RESPONDENT_IDLE_SECONDS",
        2 * 60 * 60,
        "`7200` (2 hours)",
        "how long a browser may go without a request and still hold a person's answers; after"
        " that the person types their code (or opens their link) to carry on, and nothing is lost",
    ),
    Setting(
        "EXIT_URL",
        # An ordinary outside page, so the address bar and the history show nothing about
        # the survey.
        "https://www.bbc.co.uk/weather",
        "a weather page",
        'the outside page "Exit this page" goes to (empty: engage\'s own neutral search page)',
    ),
    Setting(
        "MEDIA_BUSY_WAIT",
        5.0,
        "`5`",
        "seconds a photo, drawing, video or recording waits for one of the two media slots a"
        ' server process has before the person is told "we are busy"',
    ),
    Setting(
        "MEDIA_SESSION_QUOTA",
        GIB,
        "1 GiB",
        "bytes one person may send in all (finished and unfinished uploads), or twice the"
        " campaign's largest file limit if that is more",
    ),
    Setting(
        "TRUSTED_PROXIES",
        "",
        "empty",
        "addresses or CIDR networks (comma-separated) of the reverse proxies whose"
        " `X-Forwarded-For` and `X-Forwarded-Proto` are believed; from anyone else those"
        " headers are ignored",
    ),
    Setting(
        "MEDIA_DIR",
        None,
        "`media/` in the instance folder",
        "where people's photos, drawings, video and recordings, staff pictures, unfinished"
        " uploads and offline answers kept for the lead are stored; with more than one app"
        ' server, a folder every server reaches (see "Running on more than one server")',
    ),
    Setting(
        "NARRATION_DIR",
        None,
        "`audio/` in the media folder if `ENGAGE_MEDIA_DIR` is set, else in the instance folder",
        "where narration clips are kept",
    ),
    Setting(
        "NARRATION_PRERENDER",
        # None: on, except in an app made for tests, which must not start background work.
        None,
        "`true` (`false` in tests)",
        "make a page's missing clips in the background when the page is first shown",
    ),
)
BY_NAME = {setting.name: setting for setting in SETTINGS}


def defaults(instance_path: str) -> dict:
    """Return the config the table gives before the environment is read."""
    values = {setting.name: setting.default for setting in SETTINGS}
    values["PORT"] = int(os.environ.get("PORT") or values["PORT"])
    values["INSTANCE"] = instance_path
    values["BASE_URL"] = f"http://127.0.0.1:{values['PORT']}"
    return values


def resolve_folders(values: dict, instance_path: str) -> None:
    """Fill in the media and narration folders once the environment has been read.

    Narration follows the media folder when that is set, so a shared media folder shares the
    clips too; unset, both stay in the instance folder, where they always were.
    """
    shared = values.get("MEDIA_DIR")
    media = Path(shared).resolve() if shared else Path(instance_path) / "media"
    values["MEDIA_DIR"] = str(media)
    if not values.get("NARRATION_DIR"):
        values["NARRATION_DIR"] = str((media if shared else Path(instance_path)) / "audio")


def instance_from_environment() -> str | None:
    """Return the instance folder the environment names, if it names one."""
    return os.environ.get(BY_NAME["INSTANCE"].variable)
