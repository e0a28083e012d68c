"""Every route, and who may use it: a route cannot appear or vanish unnoticed."""

from __future__ import annotations

import pytest

ROLES = ("anonymous", "lead", "supporter", "advocate")

# Staff routes (GET) and the status each role gets. 302 for anonymous means "to sign in".
STAFF_GET_MATRIX = {
    "/staff/": {"anonymous": 302, "lead": 200, "supporter": 200, "advocate": 200},
    "/staff/audit": {"anonymous": 302, "lead": 200, "supporter": 403, "advocate": 403},
    "/staff/patterns": {"anonymous": 302, "lead": 200, "supporter": 200, "advocate": 200},
    "/staff/sign-in": {"anonymous": 200, "lead": 200, "supporter": 200, "advocate": 200},
    "/staff/session": {"anonymous": 401, "lead": 200, "supporter": 200, "advocate": 200},
    "/staff/erase": {"anonymous": 302, "lead": 200, "supporter": 403, "advocate": 403},
    "/staff/users": {"anonymous": 302, "lead": 200, "supporter": 403, "advocate": 403},
    "/staff/invitation/<token>": {"anonymous": 404, "lead": 404, "supporter": 404, "advocate": 404},
    "/staff/campaigns/new": {"anonymous": 302, "lead": 200, "supporter": 403, "advocate": 403},
    "/staff/campaigns/<code>/": {"anonymous": 302, "lead": 200, "supporter": 403, "advocate": 403},
    "/staff/campaigns/<code>/settings": {
        "anonymous": 302,
        "lead": 200,
        "supporter": 403,
        "advocate": 403,
    },
    "/staff/campaigns/<code>/questions": {
        "anonymous": 302,
        "lead": 200,
        "supporter": 403,
        "advocate": 403,
    },
    "/staff/campaigns/<code>/questions/<question_id>": {
        "anonymous": 302,
        "lead": 200,
        "supporter": 403,
        "advocate": 403,
    },
    "/staff/campaigns/<code>/questions/<question_id>/preview": {
        "anonymous": 302,
        "lead": 200,
        "supporter": 403,
        "advocate": 403,
    },
    "/staff/campaigns/<code>/statements/<statement_id>/new-question": {
        "anonymous": 302,
        "lead": 200,
        "supporter": 403,
        "advocate": 403,
    },
    "/staff/campaigns/<code>/invitation": {
        "anonymous": 302,
        "lead": 200,
        "supporter": 403,
        "advocate": 403,
    },
    "/staff/campaigns/<code>/invitation.png": {
        "anonymous": 302,
        "lead": 200,
        "supporter": 403,
        "advocate": 403,
    },
    "/staff/campaigns/<code>/invitation.pdf": {
        "anonymous": 302,
        "lead": 200,
        "supporter": 403,
        "advocate": 403,
    },
    "/staff/words": {"anonymous": 302, "lead": 200, "supporter": 403, "advocate": 403},
    "/staff/assist/": {"anonymous": 302, "lead": 200, "supporter": 200, "advocate": 403},
    "/staff/pin": {"anonymous": 302, "lead": 200, "supporter": 200, "advocate": 200},
    "/staff/password": {"anonymous": 302, "lead": 200, "supporter": 200, "advocate": 200},
    # Nothing was handed over on this browser, so there is nothing to take back.
    "/staff/take-back": {"anonymous": 404, "lead": 404, "supporter": 404, "advocate": 404},
    "/staff/groups/": {"anonymous": 302, "lead": 200, "supporter": 403, "advocate": 200},
    "/staff/groups/new": {"anonymous": 302, "lead": 200, "supporter": 403, "advocate": 200},
    "/staff/safeguarding/": {"anonymous": 302, "lead": 200, "supporter": 403, "advocate": 403},
    "/staff/safeguarding/phrases": {
        "anonymous": 302,
        "lead": 200,
        "supporter": 403,
        "advocate": 403,
    },
    "/staff/safeguarding/leads": {
        "anonymous": 302,
        "lead": 200,
        "supporter": 403,
        "advocate": 403,
    },
    # The evidence pages show people's words before redaction: leads only.
    "/staff/campaigns/<code>/redact-list": {
        "anonymous": 302,
        "lead": 200,
        "supporter": 403,
        "advocate": 403,
    },
    "/staff/campaigns/<code>/voices": {
        "anonymous": 302,
        "lead": 200,
        "supporter": 403,
        "advocate": 403,
    },
    "/staff/campaigns/<code>/pictures": {
        "anonymous": 302,
        "lead": 200,
        "supporter": 403,
        "advocate": 403,
    },
    "/staff/campaigns/<code>/evidence/": {
        "anonymous": 302,
        "lead": 200,
        "supporter": 403,
        "advocate": 403,
    },
    "/staff/campaigns/<code>/evidence/search": {
        "anonymous": 302,
        "lead": 200,
        "supporter": 403,
        "advocate": 403,
    },
    "/staff/campaigns/<code>/evidence/triangulation": {
        "anonymous": 302,
        "lead": 200,
        "supporter": 403,
        "advocate": 403,
    },
    "/staff/campaigns/<code>/evidence/exports": {
        "anonymous": 302,
        "lead": 200,
        "supporter": 403,
        "advocate": 403,
    },
    "/staff/campaigns/<code>/evidence/we-will": {
        "anonymous": 302,
        "lead": 200,
        "supporter": 403,
        "advocate": 403,
    },
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
    # An empty search finds nobody (404); erasing a session that does not exist is 404 too.
    "/staff/erase": {"anonymous": 302, "lead": 404, "supporter": 403, "advocate": 403},
    "/staff/erase/<int:session_id>": {
        "anonymous": 302,
        "lead": 404,
        "supporter": 403,
        "advocate": 403,
    },
    # A lead sending an empty form gets 400: each of these needs a choice or a value.
    "/staff/users/invite": {"anonymous": 302, "lead": 400, "supporter": 403, "advocate": 403},
    "/staff/users/<int:user_id>/role": {
        "anonymous": 302,
        "lead": 400,
        "supporter": 403,
        "advocate": 403,
    },
    "/staff/users/<int:user_id>/active": {
        "anonymous": 302,
        "lead": 400,
        "supporter": 403,
        "advocate": 403,
    },
    "/staff/users/invitations/<int:invitation_id>/revoke": {
        "anonymous": 302,
        "lead": 404,
        "supporter": 403,
        "advocate": 403,
    },
    # Every role changes its own password; an empty form has no current password (400).
    "/staff/password": {"anonymous": 302, "lead": 400, "supporter": 400, "advocate": 400},
    "/staff/campaigns/<code>/status": {
        "anonymous": 302,
        "lead": 400,
        "supporter": 403,
        "advocate": 403,
    },
    "/staff/campaigns/<code>/check-wording": {
        "anonymous": 302,
        "lead": 400,
        "supporter": 403,
        "advocate": 403,
    },
    "/staff/invitation/<token>": {"anonymous": 404, "lead": 404, "supporter": 404, "advocate": 404},
    "/staff/campaigns/new": {"anonymous": 302, "lead": 400, "supporter": 403, "advocate": 403},
    "/staff/campaigns/<code>/settings": {
        "anonymous": 302,
        "lead": 400,
        "supporter": 403,
        "advocate": 403,
    },
    "/staff/campaigns/<code>/questions/<question_id>": {
        "anonymous": 302,
        "lead": 400,
        "supporter": 403,
        "advocate": 403,
    },
    # Answering in a preview saves nothing and shows the page again.
    "/staff/campaigns/<code>/questions/<question_id>/preview": {
        "anonymous": 302,
        "lead": 200,
        "supporter": 403,
        "advocate": 403,
    },
    "/staff/campaigns/<code>/statements/<statement_id>/new-question": {
        "anonymous": 302,
        "lead": 400,
        "supporter": 403,
        "advocate": 403,
    },
    "/staff/words": {"anonymous": 302, "lead": 400, "supporter": 403, "advocate": 403},
    "/staff/words/<int:term_id>/remove": {
        "anonymous": 302,
        "lead": 302,
        "supporter": 403,
        "advocate": 403,
    },
    # Empty forms: refused with a message (400) by those allowed, before anything is stored.
    "/staff/assist/": {"anonymous": 302, "lead": 400, "supporter": 400, "advocate": 403},
    "/staff/pin": {"anonymous": 302, "lead": 400, "supporter": 400, "advocate": 400},
    "/staff/take-back": {"anonymous": 404, "lead": 404, "supporter": 404, "advocate": 404},
    "/staff/groups/new": {"anonymous": 302, "lead": 200, "supporter": 403, "advocate": 200},
    "/staff/safeguarding/phrases": {
        "anonymous": 302,
        "lead": 400,
        "supporter": 403,
        "advocate": 403,
    },
    "/staff/safeguarding/leads": {
        "anonymous": 302,
        "lead": 400,
        "supporter": 403,
        "advocate": 403,
    },
    # An empty export form names no format; suggesting and saving "we will" need nothing.
    # An empty voice form names no text (400), and no text has a recording to remove (404).
    # An empty redact-list form names nothing (400), and nothing is on it to remove (404).
    "/staff/campaigns/<code>/redact-list": {
        "anonymous": 302,
        "lead": 400,
        "supporter": 403,
        "advocate": 403,
    },
    "/staff/campaigns/<code>/redact-list/remove": {
        "anonymous": 302,
        "lead": 404,
        "supporter": 403,
        "advocate": 403,
    },
    "/staff/campaigns/<code>/voices": {
        "anonymous": 302,
        "lead": 400,
        "supporter": 403,
        "advocate": 403,
    },
    "/staff/campaigns/<code>/voices/remove": {
        "anonymous": 302,
        "lead": 404,
        "supporter": 403,
        "advocate": 403,
    },
    "/staff/campaigns/<code>/pictures": {
        "anonymous": 302,
        "lead": 400,
        "supporter": 403,
        "advocate": 403,
    },
    "/staff/campaigns/<code>/evidence/suggest": {
        "anonymous": 302,
        "lead": 302,
        "supporter": 403,
        "advocate": 403,
    },
    "/staff/campaigns/<code>/evidence/exports": {
        "anonymous": 302,
        "lead": 400,
        "supporter": 403,
        "advocate": 403,
    },
    "/staff/campaigns/<code>/evidence/we-will": {
        "anonymous": 302,
        "lead": 302,
        "supporter": 403,
        "advocate": 403,
    },
}
# Routes about one record. The records belong to another supporter and another advocate, so
# even the roles that may use the page get 403: nobody opens someone else's session.
OTHERS = {"anonymous": 302, "lead": 403, "supporter": 403, "advocate": 403}
PARAM_GET_MATRIX = {
    "/staff/assist/<int:session_id>": ("/staff/assist/{session}", OTHERS),
    "/staff/groups/<int:group_id>/": ("/staff/groups/{group}/", OTHERS),
    "/staff/groups/<int:group_id>/q/<question_id>": ("/staff/groups/{group}/q/{question}", OTHERS),
    "/staff/groups/<int:group_id>/notes/<int:note_id>": (
        "/staff/groups/{group}/notes/{note}",
        OTHERS,
    ),
    "/staff/groups/<int:group_id>/q/<question_id>/tally": (
        "/staff/groups/{group}/q/{question}/tally",
        OTHERS,
    ),
    "/staff/safeguarding/<int:flag_id>": (
        "/staff/safeguarding/{flag}",
        {"anonymous": 302, "lead": 200, "supporter": 403, "advocate": 403},
    ),
}
PARAM_GET_MATRIX.update(
    {
        # A written answer has no media file to send.
        "/staff/campaigns/<code>/evidence/items/<int:item_id>": (
            "/staff/campaigns/{code}/evidence/items/{item}",
            {"anonymous": 302, "lead": 200, "supporter": 403, "advocate": 403},
        ),
        "/staff/campaigns/<code>/evidence/items/<int:item_id>/media/<variant>": (
            "/staff/campaigns/{code}/evidence/items/{item}/media/main",
            {"anonymous": 302, "lead": 404, "supporter": 403, "advocate": 403},
        ),
    }
)
PARAM_POST_MATRIX = {
    "/staff/assist/<int:session_id>/hand-over": ("/staff/assist/{session}/hand-over", OTHERS),
    "/staff/assist/<int:session_id>/finish": ("/staff/assist/{session}/finish", OTHERS),
    "/staff/groups/<int:group_id>/finish": ("/staff/groups/{group}/finish", OTHERS),
    "/staff/groups/<int:group_id>/photo": ("/staff/groups/{group}/photo", OTHERS),
    "/staff/groups/<int:group_id>/notes/<int:note_id>": (
        "/staff/groups/{group}/notes/{note}",
        OTHERS,
    ),
    "/staff/groups/<int:group_id>/q/<question_id>/notes": (
        "/staff/groups/{group}/q/{question}/notes",
        OTHERS,
    ),
    "/staff/groups/<int:group_id>/q/<question_id>/tally": (
        "/staff/groups/{group}/q/{question}/tally",
        OTHERS,
    ),
    "/staff/safeguarding/<int:flag_id>/decision": (
        "/staff/safeguarding/{flag}/decision",
        {"anonymous": 302, "lead": 400, "supporter": 403, "advocate": 403},
    ),
    # An empty form: a removable flag wants a reason, any other cannot be removed.
    "/staff/safeguarding/<int:flag_id>/remove": (
        "/staff/safeguarding/{flag}/remove",
        {"anonymous": 302, "lead": 400, "supporter": 403, "advocate": 403},
    ),
    "/staff/safeguarding/phrases/<int:phrase_id>/remove": (
        "/staff/safeguarding/phrases/{phrase}/remove",
        {"anonymous": 302, "lead": 302, "supporter": 403, "advocate": 403},
    ),
}
PARAM_POST_MATRIX.update(
    {
        # The item's suggested redaction is undecided, so quoting it is refused (409); the other
        # forms are empty, so they are refused for want of a choice (400), except the quote's own
        # form, whose fields may all be empty, and withdrawing, which needs nothing.
        "/staff/campaigns/<code>/evidence/items/<int:item_id>/quote": (
            "/staff/campaigns/{code}/evidence/items/{item}/quote",
            {"anonymous": 302, "lead": 409, "supporter": 403, "advocate": 403},
        ),
        "/staff/campaigns/<code>/evidence/items/<int:item_id>/included": (
            "/staff/campaigns/{code}/evidence/items/{item}/included",
            {"anonymous": 302, "lead": 400, "supporter": 403, "advocate": 403},
        ),
        "/staff/campaigns/<code>/evidence/items/<int:item_id>/describe": (
            "/staff/campaigns/{code}/evidence/items/{item}/describe",
            {"anonymous": 302, "lead": 400, "supporter": 403, "advocate": 403},
        ),
        "/staff/campaigns/<code>/evidence/items/<int:item_id>/redactions": (
            "/staff/campaigns/{code}/evidence/items/{item}/redactions",
            {"anonymous": 302, "lead": 400, "supporter": 403, "advocate": 403},
        ),
        "/staff/campaigns/<code>/evidence/items/<int:item_id>/redactions/<int:redaction_id>": (
            "/staff/campaigns/{code}/evidence/items/{item}/redactions/{redaction}",
            {"anonymous": 302, "lead": 400, "supporter": 403, "advocate": 403},
        ),
        "/staff/campaigns/<code>/evidence/quotes/<int:quote_id>": (
            "/staff/campaigns/{code}/evidence/quotes/{quote}",
            {"anonymous": 302, "lead": 302, "supporter": 403, "advocate": 403},
        ),
        # Nothing changed under the item's words, so there is nothing to decide again.
        "/staff/campaigns/<code>/evidence/items/<int:item_id>/decide-again": (
            "/staff/campaigns/{code}/evidence/items/{item}/decide-again",
            {"anonymous": 302, "lead": 302, "supporter": 403, "advocate": 403},
        ),
        "/staff/campaigns/<code>/evidence/quotes/<int:quote_id>/withdraw": (
            "/staff/campaigns/{code}/evidence/quotes/{quote}/withdraw",
            {"anonymous": 302, "lead": 302, "supporter": 403, "advocate": 403},
        ),
    }
)
OTHER_ROUTES = {
    "/",
    "/attributions",
    "/pictures/<int:size>/<picture_id>.<fmt>",
    "/static/<path:filename>",
    "/s/<code>/",
    "/s/<code>/check",
    "/s/<code>/consent",
    "/s/<code>/consent/words",
    "/s/<code>/consent/pictures",
    "/s/<code>/no-thanks",
    "/s/<code>/q/<question_id>",
    "/s/<code>/resume",
    "/s/<code>/resume/<resume_code>",
    "/s/<code>/stop",
    "/s/<code>/stop/done",
    "/s/<code>/thanks",
    "/s/<code>/thanks/done",
    "/s/<code>/my-answers",
    "/s/<code>/who",
    "/s/<code>/who/how",
    "/s/<code>/settings",
    "/s/<code>/language",
    "/s/<code>/media/add/<kind>",
    "/s/<code>/media/anything",
    "/s/<code>/media/file/<int:item_id>/<variant>",
    "/s/<code>/media/item/<int:item_id>",
    "/s/<code>/media/item/<int:item_id>/remove",
    "/s/<code>/media/uploads",
    "/s/<code>/media/uploads/<upload_id>",
    "/s/<code>/media/uploads/<upload_id>/finish",
    "/audio/<key>.<fmt>",
    "/s/<code>/worried",
    "/s/<code>/what-happens-next",
    "/s/<code>/talk",
    "/s/<code>/reopen",
    "/s/<code>/you-said",
    "/s/sw.js",
    "/s/<code>/outbox/<item_id>",
    "/s/<code>/offline",
    "/s/<code>/offline/manifest",
    "/s/<code>/offline/blank/<language>",
    "/pictures/own/<int:picture_id>/<size>",
    "/leave",
    "/search",
    "/staff/sign-in",
    "/staff/sign-out",
}
MATRIX_CODE = "matrix"


def test_every_route_is_listed(app):
    listed = (
        set(STAFF_GET_MATRIX)
        | set(STAFF_POST_MATRIX)
        | set(PARAM_GET_MATRIX)
        | set(PARAM_POST_MATRIX)
        | OTHER_ROUTES
    )
    assert {rule.rule for rule in app.url_map.iter_rules()} == listed


def test_every_staff_view_checks_a_role(app):
    open_views = {
        "staff.sign_in.sign_in_page",
        "staff.sign_in.sign_out",
        "staff.sign_in.session_status",
        "staff.accounts.accept_invitation",
        # Taking a tablet back is for someone signed out: it checks the PIN against the marker.
        "staff.assist.take_back",
    }
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/staff/") and rule.endpoint not in open_views:
            view = app.view_functions[rule.endpoint]
            assert getattr(view, "allowed_roles", None), f"{rule.rule} checks no role"


def _client(role, app, staff_client):
    if role == "anonymous":
        return app.test_client()
    return staff_client(role)


@pytest.fixture
def fill(app, make_campaign, make_user):
    """Return a function that turns a rule into a real path, with things that exist."""
    from engage import store
    from engage.store import get_db

    make_campaign(code=MATRIX_CODE)
    target = make_user("supporter", email="target@example.org")
    with app.app_context():
        term_id = store.campaigns.add_extra_term(
            get_db(), campaign_id=None, term="widget", plainer="", added_by=target["id"]
        )
    values = {
        "<code>": MATRIX_CODE,
        "<question_id>": "QS1-01",
        "<statement_id>": "QS1",
        "<int:user_id>": str(target["id"]),
        "<int:session_id>": "999999",
        "<int:invitation_id>": "999999",
        "<int:term_id>": str(term_id),
        "<token>": "not-a-real-invitation",
    }

    def to_path(rule: str) -> str:
        for placeholder, value in values.items():
            rule = rule.replace(placeholder, value)
        return rule

    return to_path


@pytest.mark.parametrize("role", ROLES)
def test_staff_get_matrix(role, app, staff_client, fill):
    client = _client(role, app, staff_client)
    for rule, expected in STAFF_GET_MATRIX.items():
        assert client.get(fill(rule)).status_code == expected[role], (rule, role)


@pytest.mark.parametrize("role", ROLES)
def test_staff_post_matrix(role, app, staff_client, fill):
    from tests.conftest import csrf_token

    for rule, expected in STAFF_POST_MATRIX.items():
        client = _client(role, app, staff_client)
        token = csrf_token(client.get("/staff/sign-in").get_data(as_text=True))
        response = client.post(fill(rule), data={"csrf_token": token})
        assert response.status_code == expected[role], (rule, role)


@pytest.fixture
def records(app, make_user, make_campaign):
    """Make one of every record a page is about, owned by staff other than the client."""
    from engage import store
    from engage.store import get_db

    campaign = make_campaign()
    supporter = make_user("supporter", email="owner-supporter@example.org")
    advocate = make_user("advocate", email="owner-advocate@example.org")
    with app.app_context():
        db = get_db()
        consent = {"take_part": True, "quote": True, "media": False}
        session = store.respondents.start_session(
            db, campaign["id"], consent, "en", supporter_id=supporter["id"], answered_how="helped"
        )
        question = store.campaigns.campaign_questions(db, campaign["id"])[0]["question_id"]
        group = store.groups.create_group_session(
            db,
            campaign_id=campaign["id"],
            advocate_id=advocate["id"],
            place="Day centre",
            group_size=8,
            respondent_group="person",
            question_ids=[question],
        )
        flag = store.safeguarding.raise_flag(
            db, campaign_id=campaign["id"], reason="worried", session_id=session["id"]
        )
        phrase = store.safeguarding.concern_phrases(db)[0]["id"]
        note = store.groups.add_group_note(db, group, question, "person", "The bus is late.")
        # A written answer in the review queue, with one quote and one undecided redaction.
        store.respondents.save_answer(
            db, session["id"], question, "good", "Ring me on 07700 900123."
        )
        item = store.review.review_queue(db, campaign["id"])[0]["id"]
        quote = store.review.mark_quote(db, item, 0, 4)["id"]
        store.review.record_redaction_suggestions(db, item, [(11, 23, "phone")])
        redaction = store.review.item_redactions(db, item)[0]["id"]
    return {
        "code": campaign["code"],
        "item": item,
        "quote": quote,
        "redaction": redaction,
        "session": session["id"],
        "group": group,
        "question": question,
        "flag": flag,
        "phrase": phrase,
        "note": note,
    }


@pytest.mark.parametrize("role", ROLES)
def test_record_get_matrix(role, app, staff_client, records):
    client = _client(role, app, staff_client)
    for template, expected in PARAM_GET_MATRIX.values():
        path = template.format(**records)
        assert client.get(path).status_code == expected[role], (path, role)


@pytest.mark.parametrize("role", ROLES)
def test_record_post_matrix(role, app, staff_client, records):
    from tests.conftest import csrf_token

    for template, expected in PARAM_POST_MATRIX.values():
        client = _client(role, app, staff_client)
        token = csrf_token(client.get("/staff/sign-in").get_data(as_text=True))
        path = template.format(**records)
        response = client.post(path, data={"csrf_token": token})
        assert response.status_code == expected[role], (path, role)
