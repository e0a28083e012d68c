"""Forwarded headers believed only from configured proxies; links never taken from Host."""

from __future__ import annotations

import pytest
from werkzeug.test import EnvironBuilder

from engage import create_app
from engage.proxy import TrustedProxies, parse_networks
from tests.engage.journey import Respondent


def _seen(trusted: str, remote: str, forwarded: str = "", proto: str = "") -> tuple[str, str]:
    """Return the (address, scheme) an app behind the middleware sees for one request."""
    seen = {}

    def app(environ, start_response):
        seen["address"] = environ["REMOTE_ADDR"]
        seen["scheme"] = environ["wsgi.url_scheme"]
        start_response("204 No Content", [])
        return [b""]

    headers = {}
    if forwarded:
        headers["X-Forwarded-For"] = forwarded
    if proto:
        headers["X-Forwarded-Proto"] = proto
    environ = EnvironBuilder(
        path="/", headers=headers, environ_base={"REMOTE_ADDR": remote}
    ).get_environ()
    list(TrustedProxies(app, parse_networks(trusted))(environ, lambda *args: None))
    return seen["address"], seen["scheme"]


def test_headers_from_anyone_but_a_configured_proxy_are_ignored():
    assert _seen("", "203.0.113.7", "198.51.100.1", "https") == ("203.0.113.7", "http")
    assert _seen("10.0.0.2", "203.0.113.7", "198.51.100.1", "https") == ("203.0.113.7", "http")


def test_a_configured_proxy_says_who_the_client_was_and_how_they_came():
    assert _seen("10.0.0.2", "10.0.0.2", "198.51.100.1", "https") == ("198.51.100.1", "https")
    assert _seen("10.0.0.0/24", "10.0.0.2", "198.51.100.1") == ("198.51.100.1", "http")


def test_a_claim_the_client_made_before_our_proxies_is_not_believed():
    # The client wrote "1.1.1.1" itself; our proxy appended the address it really saw.
    assert _seen("10.0.0.2", "10.0.0.2", "1.1.1.1, 198.51.100.1") == ("198.51.100.1", "http")
    # Two proxies of ours in a row: the first address that is not ours is the client.
    assert _seen("10.0.0.0/24", "10.0.0.2", "1.1.1.1, 198.51.100.1, 10.0.0.9") == (
        "198.51.100.1",
        "http",
    )


def test_nonsense_in_the_header_leaves_the_proxy_address():
    assert _seen("10.0.0.2", "10.0.0.2", "not-an-address", "gopher") == ("10.0.0.2", "http")


def test_the_setting_takes_a_list_and_refuses_what_is_not_an_address():
    assert [str(n) for n in parse_networks(["127.0.0.1", " ::1 "])] == ["127.0.0.1/32", "::1/128"]
    with pytest.raises(ValueError):
        parse_networks("proxy.example")


def test_a_resume_link_uses_the_configured_address_whatever_host_was_sent(
    app, client, make_campaign
):
    campaign = make_campaign()
    app.config["BASE_URL"] = "https://engage.example.org"
    # Every request of this person's claims another host, as a poisoned proxy or cache might.
    client.environ_base["HTTP_HOST"] = "evil.example"
    person = Respondent(client, campaign["code"])
    assert person.consent().status_code == 302
    question = person.who().headers["Location"].rsplit("/", 1)[1]
    stop = person.answer(question, "ok", action="stop")
    text = client.get(stop.headers["Location"]).get_data(as_text=True)
    assert f"https://engage.example.org/s/{campaign['code']}/resume/" in text
    assert "evil.example" not in text


def test_hsts_only_when_published_on_https(tmp_path):
    plain = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "a")})
    assert "Strict-Transport-Security" not in plain.test_client().get("/").headers
    secure = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "b"),
            "BASE_URL": "https://engage.example.org",
        }
    )
    response = secure.test_client().get("/", base_url="https://engage.example.org")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
