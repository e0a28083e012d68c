"""engage: easy-read engagement with people who draw on care."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask
from flask_wtf.csrf import CSRFProtect
from jinja2 import StrictUndefined
from werkzeug.routing import IntegerConverter

from engage import config, security
from engage.proxy import TrustedProxies, parse_networks

csrf = CSRFProtect()
PRIVATE_UMASK = 0o077


def make_private(folder: Path) -> None:
    """Make a folder and everything in it readable by its owner only (files 0600, folders 0700).

    Instances made before engage set its umask were left readable by every local user.
    """
    folder.chmod(0o700)
    for root, folders, files in os.walk(folder):
        for name in folders:
            os.chmod(os.path.join(root, name), 0o700, follow_symlinks=False)
        for name in files:
            path = os.path.join(root, name)
            if not os.path.islink(path):
                os.chmod(path, 0o600)


class RowIdConverter(IntegerConverter):
    """Match only numbers SQLite can hold: a larger one in a URL is a page that cannot exist.

    Without the bound, such a number reached a query and SQLite's driver raised OverflowError.
    """

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the engage application around an instance folder."""
    instance = config.instance_from_environment()
    if test_config and test_config.get("INSTANCE_PATH"):
        instance = test_config["INSTANCE_PATH"]
    # Everything engage writes (database, WAL, uploads, backups, exports) is the owner's alone.
    os.umask(PRIVATE_UMASK)
    app = Flask(
        __name__,
        instance_path=str(Path(instance).resolve()) if instance else None,
        instance_relative_config=True,
    )
    app.url_map.converters["int"] = RowIdConverter
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    make_private(Path(app.instance_path))
    app.config.from_mapping(
        DATABASE=str(Path(app.instance_path) / "engage.db"),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="engage_session",
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_SSL_STRICT=False,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        **config.defaults(app.instance_path),
    )
    app.config.from_prefixed_env(config.PREFIX.rstrip("_"))
    if not app.config["BASE_URL"]:
        app.config["BASE_URL"] = config.defaults(app.instance_path)["BASE_URL"]
    if test_config:
        app.config.update(test_config)
    config.resolve_folders(app.config, app.instance_path)
    # Cookies travel only over HTTPS when the service is published on HTTPS.
    if security.published_on_https(app):
        app.config["SESSION_COOKIE_SECURE"] = True
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
        if app.config.get("DATABASE_URL") and not app.testing:
            # A shared database usually means several servers: each would sign with its own
            # key and refuse the cookies the others signed.
            app.logger.warning(
                "The signing key is this server's own (%s/secret_key). If more than one "
                "server uses this database, give them all the same ENGAGE_SECRET_KEY.",
                app.instance_path,
            )

    app.jinja_env.undefined = StrictUndefined
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    from engage import content, errors, i18n, narration, respondent, settings, site, staff, store
    from engage.cli import register_commands
    from engage.respondent import offline
    from engage.site import pictures

    store.init_app(app)
    i18n.init_app(app)
    content.init_app(app)
    csrf.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    settings.init_app(app)
    narration.init_app(app)
    app.register_blueprint(site.bp)
    pictures.init_app(app)
    respondent.init_app(app)
    app.register_blueprint(offline.bp)
    staff.init_app(app)
    register_commands(app)
    # Before any request reaches a view, the client's real address is known.
    app.wsgi_app = TrustedProxies(app.wsgi_app, parse_networks(app.config["TRUSTED_PROXIES"]))
    return app


def _instance_secret(instance: Path) -> str:
    """Read the instance's signing key, creating it once with owner-only permissions."""
    path = instance / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_text().strip()
