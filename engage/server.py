"""Run engage under gunicorn from Python, so `engage serve` needs no other command."""

from __future__ import annotations

from collections.abc import Callable

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from engage.security import redact_target

# Atoms of gunicorn's access log that can hold a path, a query string or a referring page.
_PATH_ATOMS = ("U", "{raw_uri}e", "{path_info}e", "{request_uri}e")
_HIDDEN_ATOMS = ("q", "f", "{query_string}e", "{referer}i", "{http_referer}e")


class RedactingLogger(Logger):
    """gunicorn's logger with invitation tokens, resume codes and search terms left out."""

    def atoms(self, resp, req, environ, request_time) -> dict:
        """Return the access log's atoms with every path redacted and every query hidden."""
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["r"] = " ".join(
            (
                environ["REQUEST_METHOD"],
                redact_target(environ.get("RAW_URI", "")),
                environ["SERVER_PROTOCOL"],
            )
        )
        for name in _PATH_ATOMS:
            if name in atoms:
                atoms[name] = redact_target(str(atoms[name]))
        for name in _HIDDEN_ATOMS:
            if name in atoms:
                atoms[name] = "-"
        return atoms


# Seconds a worker has to finish its requests once told to stop, before it is killed.
GRACEFUL_TIMEOUT = 10


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict, load: Callable[[], Callable]):
        self.options = options
        self._load = load
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self._load()


def load_engage():
    """Make the app in the master, tidy what a crash left on disk and warm it up."""
    from engage import create_app
    from engage.services.media_files import sweep

    app = create_app()
    # Before any request: clear what a crash (even kill -9) left half-done on disk.
    with app.app_context():
        sweep(starting=True)
        warm_up(app)
    return app


def warm_up(app) -> None:
    """Compile every template and load what pages read once per process, before forking.

    Done here, in the master, the workers share it; otherwise each of their first requests for
    each page paid for it, which was most of the slowest tenth of requests under load.
    """
    from engage import i18n, narration
    from engage.store import get_db

    for name in app.jinja_env.list_templates(filter_func=lambda name: name.endswith(".html")):
        app.jinja_env.get_template(name)
    for language in i18n.LANGUAGES:
        i18n.catalogue(language)
    narration.runtime().register(get_db(), [])


def serve(host: str, port: int, workers: int) -> None:
    """Serve until stopped, with threaded workers so slow clients do not block others."""
    _Gunicorn(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "worker_class": "gthread",
            "threads": 8,
            "accesslog": "-",
            "logger_class": RedactingLogger,
            "graceful_timeout": GRACEFUL_TIMEOUT,
            "timeout": 60,
            # One app in the master: migrations run once, before any worker forks.
            "preload_app": True,
        },
        load_engage,
    ).run()
