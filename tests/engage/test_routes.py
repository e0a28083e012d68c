"""Every route, and who may use it: a route cannot appear or vanish unnoticed."""

from __future__ import annotations

import pytest

ROLES = ("anonymous", "lead", "supporter", "advocate")

# Staff routes (GET) and the status each role gets. 302 for anonymous means "to sign in".
STAFF_GET_MATRIX = {
    "/staff/": {"anonymous": 302, "lead": 200, "supporter": 200, "advocate": 200},
    "/staff/audit": {"anonymous": 302, "lead": 200, "supporter": 403, "advocate": 403},
    "/staff/sign-in": {"anonymous": 200, "lead": 200, "supporter": 200, "advocate": 200},
    "/staff/session": {"anonymous": 401, "lead": 200, "supporter": 200, "advocate": 200},
}
STAFF_POST_MATRIX = {
    "/staff/sign-out-everywhere": {
        "anonymous": 302,
        "lead": 302,
        "supporter": 302,
        "advocate": 302,
    },
    "/staff/stay-signed-in": {"anonymous": 302, "lead": 302, "supporter": 302, "advocate": 302},
    "/staff/sign-out": {"anonymous": 302, "lead": 302, "supporter": 302, "advocate": 302},
}
OTHER_ROUTES = {
    "/",
    "/attributions",
    "/pictures/<int:size>/<picture_id>.<fmt>",
    "/static/<path:filename>",
    "/s/<code>/",
    "/s/<code>/check",
    "/s/<code>/consent",
    "/s/<code>/no-thanks",
    "/s/<code>/q/<question_id>",
    "/s/<code>/resume",
    "/s/<code>/resume/<resume_code>",
    "/s/<code>/stop",
    "/s/<code>/stop/done",
    "/s/<code>/thanks",
    "/s/<code>/who",
    "/staff/sign-in",
    "/staff/sign-out",
}


def test_every_route_is_listed(app):
    listed = set(STAFF_GET_MATRIX) | set(STAFF_POST_MATRIX) | OTHER_ROUTES
    assert {rule.rule for rule in app.url_map.iter_rules()} == listed


def test_every_staff_view_checks_a_role(app):
    open_views = {"staff.sign_in_page", "staff.sign_out", "staff.session_status"}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/staff/") and rule.endpoint not in open_views:
            view = app.view_functions[rule.endpoint]
            assert getattr(view, "allowed_roles", None), f"{rule.rule} checks no role"


def _client(role, app, staff_client):
    if role == "anonymous":
        return app.test_client()
    return staff_client(role)


@pytest.mark.parametrize("role", ROLES)
def test_staff_get_matrix(role, app, staff_client):
    client = _client(role, app, staff_client)
    for path, expected in STAFF_GET_MATRIX.items():
        assert client.get(path).status_code == expected[role], (path, role)


@pytest.mark.parametrize("role", ROLES)
def test_staff_post_matrix(role, app, staff_client):
    from tests.conftest import csrf_token

    for path, expected in STAFF_POST_MATRIX.items():
        client = _client(role, app, staff_client)
        token = csrf_token(client.get("/staff/sign-in").get_data(as_text=True))
        response = client.post(path, data={"csrf_token": token})
        assert response.status_code == expected[role], (path, role)
