"""The declared settings table is the one source: the app uses it and the README lists it."""

from __future__ import annotations

import re
from pathlib import Path

from engage import config, create_app

ROOT = Path(__file__).resolve().parents[2]
# Config keys engage reads that are Flask's, Flask-WTF's or the tests' own, not an operator's.
NOT_SETTINGS = {
    "DATABASE",
    "INSTANCE_PATH",
    "LIGHT_PASSWORD_HASHING",
    "MAX_CONTENT_LENGTH",
    "SERVER_NAME",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_SECURE",
    "TRUSTED_HOSTS",
    "WTF_CSRF_ENABLED",
    "WTF_CSRF_METHODS",
    "WTF_CSRF_SECRET_KEY",
}


def _readme_rows() -> dict[str, tuple[str, str]]:
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = re.fullmatch(r"\| `([A-Z_]+)` \| (.+?) \| (.+) \|", line)
        if match:
            assert match[1] not in rows, f"{match[1]} is listed twice"
            rows[match[1]] = (match[2], match[3])
    return rows


def test_the_readme_lists_exactly_the_declared_settings_with_their_defaults():
    rows = _readme_rows()
    assert rows == {s.variable: (s.shown, s.meaning) for s in config.SETTINGS}
    assert len(rows) == len(config.SETTINGS) >= 13


def test_every_setting_engage_reads_is_declared():
    sources = "\n".join(path.read_text() for path in (ROOT / "engage").rglob("*.py"))
    declared = {s.name for s in config.SETTINGS}
    named = set(re.findall(r"ENGAGE_([A-Z][A-Z_]+)", sources))
    assert named <= declared, named - declared
    read = set(re.findall(r"config(?:\.get\(|\[)\s*[\"']([A-Z][A-Z_]+)[\"']", sources))
    assert "EXIT_URL" in read and "STAFF_IDLE_SECONDS" in read
    assert read - NOT_SETTINGS <= declared, read - NOT_SETTINGS - declared


def test_create_app_takes_the_declared_defaults(tmp_path, monkeypatch):
    for setting in config.SETTINGS:
        monkeypatch.delenv(setting.variable, raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance")})
    for setting in config.SETTINGS:
        if setting.default is not None:
            assert app.config[setting.name] == setting.default, setting.name
    assert app.config["BASE_URL"] == "http://127.0.0.1:5000"
    assert app.config["NARRATION_DIR"] == str(tmp_path / "instance" / "audio")


def test_an_engage_variable_in_the_environment_changes_its_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("ENGAGE_STAFF_IDLE_SECONDS", "60")
    monkeypatch.setenv("ENGAGE_EXIT_URL", "https://example.org/")
    monkeypatch.setenv("ENGAGE_INSTANCE", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("PORT", "5123")
    app = create_app()
    assert app.config["STAFF_IDLE_SECONDS"] == 60
    assert app.config["EXIT_URL"] == "https://example.org/"
    assert app.instance_path == str(tmp_path / "elsewhere")
    assert app.config["BASE_URL"] == "http://127.0.0.1:5123"
