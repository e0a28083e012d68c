"""A worried person may leave a way to reach them; the lead sees it and can say they could not."""

from __future__ import annotations

from engage import store
from engage.store import get_db
from tests.conftest import csrf_token
from tests.engage.journey import Respondent


def _flags(app) -> list[dict]:
    with app.app_context():
        return [dict(r) for r in get_db().execute("SELECT * FROM safeguarding_flags ORDER BY id")]


def _set_numbers(lead, code: str) -> None:
    page = lead.get(f"/staff/campaigns/{code}/settings").get_data(as_text=True)
    assert "Local adult safeguarding number" in page
    form = {
        "title": "How is your support?",
        "statements": ["QS1", "QS7"],
        "scale": "3",
        "groups": ["person", "family"],
        "min_group_size": "10",
        "min_cell_count": "5",
        "help_contact": "Priya on 01632 960123",
        "safeguarding_number": "01632 960999",
        "max_photo_mb": "10",
        "max_video_mb": "50",
        "max_audio_mb": "20",
        "csrf_token": csrf_token(page),
    }
    response = lead.post(f"/staff/campaigns/{code}/settings", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)


def test_worried_person_leaves_a_phone_number_the_lead_sees(
    app, client, staff_client, make_campaign
):
    campaign = make_campaign()
    code = campaign["code"]
    base = f"/s/{code}"
    lead = staff_client("lead")
    _set_numbers(lead, code)

    person = Respondent(client, code)
    person.start()
    page = client.get(f"{base}/worried").get_data(as_text=True)
    # The local number and the campaign's help contact sit beside 999.
    assert "phone 999" in page
    assert "To talk about being safe, phone 01632 960999." in page
    assert "To ask about this survey, contact Priya on 01632 960123." in page
    response = client.post(
        f"{base}/worried", data={"worry": "My money goes missing", "csrf_token": csrf_token(page)}
    )
    assert response.headers["Location"].startswith(f"{base}/talk")
    talk = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "We do not know who you are." in talk
    token = csrf_token(talk)

    # A phone chosen without a number gets a clear error and stores nothing.
    wrong = client.post(f"{base}/talk", data={"way": "phone", "name": "Sam", "csrf_token": token})
    assert wrong.status_code == 400
    assert "Write how we can reach you." in wrong.get_data(as_text=True)
    assert 'value="Sam"' in wrong.get_data(as_text=True)
    assert _flags(app)[0]["contact_way"] == ""
    assert client.post(f"{base}/talk", data={"way": "fax", "csrf_token": token}).status_code == 400

    sent = client.post(
        f"{base}/talk",
        data={"way": "phone", "name": "Sam", "details": "07700 900123", "csrf_token": token},
    )
    assert sent.headers["Location"].startswith(f"{base}/what-happens-next")
    next_page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "They will try to reach you the way you told us." in next_page
    assert "To talk about being safe, phone 01632 960999." in next_page
    [flag] = _flags(app)
    assert (flag["contact_name"], flag["contact_way"], flag["contact_details"]) == (
        "Sam",
        "phone",
        "07700 900123",
    )
    # The contact can be given once: the browser's link to the flag is gone.
    again = client.post(
        f"{base}/talk", data={"way": "email", "details": "x@example.org", "csrf_token": token}
    )
    assert again.status_code == 302
    assert _flags(app)[0]["contact_way"] == "phone"

    flag_page = lead.get(f"/staff/safeguarding/{flag['id']}").get_data(as_text=True)
    assert "Sam. Phone: 07700 900123" in flag_page
    assert "Could not contact" in flag_page


def test_could_not_contact_keeps_the_session_held_until_no_concern(
    app, client, staff_client, make_campaign
):
    campaign = make_campaign()
    base = f"/s/{campaign['code']}"
    lead = staff_client("lead")
    person = Respondent(client, campaign["code"])
    person.start()
    page = client.get(f"{base}/worried").get_data(as_text=True)
    client.post(f"{base}/worried", data={"worry": "help", "csrf_token": csrf_token(page)})
    talk = client.get(f"{base}/talk").get_data(as_text=True)
    client.post(f"{base}/talk", data={"way": "supporter", "csrf_token": csrf_token(talk)})
    [flag] = _flags(app)
    assert flag["contact_way"] == "supporter"

    flag_page = lead.get(f"/staff/safeguarding/{flag['id']}").get_data(as_text=True)
    assert "Their supporter can say how" in flag_page
    token = csrf_token(flag_page)
    decided = lead.post(
        f"/staff/safeguarding/{flag['id']}/decision",
        data={"decision": "could_not_contact", "note": "No answer twice", "csrf_token": token},
    )
    assert decided.status_code == 302
    assert _flags(app)[0]["status"] == "could_not_contact"
    with app.app_context():
        assert store.safeguarding.held_for_safeguarding(get_db(), campaign["id"]).sessions == {
            flag["session_id"]
        }
    listing = lead.get("/staff/safeguarding/").get_data(as_text=True)
    assert "Could not contact" in listing
    # The lead can still decide, and "no concern" releases the session.
    again = lead.get(f"/staff/safeguarding/{flag['id']}").get_data(as_text=True)
    assert "No answer twice" in again
    assert "stays held from evidence" in again
    released = lead.post(
        f"/staff/safeguarding/{flag['id']}/decision",
        data={"decision": "no_concern", "note": "Reached via supporter", "csrf_token": token},
    )
    assert released.status_code == 302
    with app.app_context():
        assert store.safeguarding.held_for_safeguarding(get_db(), campaign["id"]).sessions == set()


def test_talk_without_a_worry_sends_on_and_stores_nothing(client, make_campaign, app):
    campaign = make_campaign()
    base = f"/s/{campaign['code']}"
    assert client.get(f"{base}/talk").status_code == 302
    assert _flags(app) == []
