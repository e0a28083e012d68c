"""Assisted answering, group sessions and safeguarding in Chromium: axe, exit, hand-over."""

from __future__ import annotations

import pytest

from engage import store
from engage.auth import hash_password
from engage.store import get_db
from tests.browser.conftest import TABLET, check_page

pytestmark = pytest.mark.browser

PASSWORD = "a long enough password"


def _user(server, role: str, email: str) -> dict:
    with server.app.app_context():
        user_id = store.staff.create_user(
            get_db(),
            email=email,
            name=f"Sam {role}",
            role=role,
            password_hash=hash_password(PASSWORD),
        )
    return {"id": user_id, "email": email}


def _sign_in(page, server, user: dict, next_path: str = "") -> None:
    page.goto(f"{server.url}/staff/sign-in" + (f"?next={next_path}" if next_path else ""))
    page.locator("#email").fill(user["email"])
    page.locator("#password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()


def _questions(server, campaign) -> list[str]:
    rows = server.query(
        "SELECT question_id FROM campaign_questions WHERE campaign_id = ? ORDER BY position",
        [campaign["id"]],
    )
    return [row["question_id"] for row in rows]


def test_exit_this_page_leaves_no_way_back(live_server, new_page):
    campaign = live_server.campaign()
    page = new_page(**TABLET)
    page.goto(f"{live_server.url}/")
    page.goto(f"{live_server.url}/s/{campaign['code']}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Start", exact=True).click()
    assert page.url.endswith("/consent")
    with page.expect_navigation():
        page.get_by_role("link", name="Exit this page", exact=True).click()
    assert page.url == f"{live_server.url}/search"
    check_page(page)
    page.go_back()
    assert "/s/" not in page.url
    assert page.get_by_role("heading", level=1).inner_text() == "Search"
    assert campaign["title"] not in page.content()


def test_exit_this_page_without_javascript(live_server, new_page):
    campaign = live_server.campaign()
    page = new_page(java_script_enabled=False, viewport={"width": 1024, "height": 768})
    page.goto(f"{live_server.url}/s/{campaign['code']}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Start", exact=True).click()
    with page.expect_navigation():
        page.get_by_role("link", name="Exit this page", exact=True).click()
    assert page.url == f"{live_server.url}/search"
    page.go_back()
    assert page.url == f"{live_server.url}/search"
    assert campaign["title"] not in page.content()


def test_pressing_shift_three_times_exits(live_server, new_page):
    campaign = live_server.campaign()
    page = new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/s/{campaign['code']}/consent")
    with page.expect_navigation():
        for _ in range(3):
            page.keyboard.press("Shift")
    assert page.url == f"{live_server.url}/search"


def test_worried_pages_pass_axe(live_server, new_page):
    campaign = live_server.campaign()
    page = new_page(**TABLET)
    page.goto(f"{live_server.url}/s/{campaign['code']}/")
    check_page(page)
    with page.expect_navigation():
        page.get_by_role("link", name="I am worried", exact=True).tap()
    assert "/worried" in page.url
    check_page(page)
    page.locator("#worry").fill("x" * 5001)
    page.locator("#worry").evaluate("el => el.removeAttribute('maxlength')")
    page.locator("#worry").fill("x" * 5001)
    with page.expect_navigation():
        page.get_by_role("button", name="Tell someone I am worried", exact=True).tap()
    assert page.locator(".error-summary").is_visible()
    check_page(page)
    page.locator("#worry").fill("I want to talk to someone")
    with page.expect_navigation():
        page.get_by_role("button", name="Tell someone I am worried", exact=True).tap()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Do you want someone to talk to you?"
    )
    check_page(page)
    page.locator("#name").fill("Sam")
    with page.expect_navigation():
        page.get_by_role("button", name="Send", exact=True).tap()
    assert page.locator(".error-summary").is_visible()
    check_page(page)
    with page.expect_navigation():
        page.get_by_role("button", name="No, thank you", exact=True).tap()
    assert page.get_by_role("heading", level=1).inner_text() == "What happens next"
    check_page(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Carry on", exact=True).tap()
    assert page.url.endswith(f"/s/{campaign['code']}/")
    # The worried and exit controls reflow on the narrowest screens.
    page.set_viewport_size({"width": 320, "height": 640})
    for path in ("/", "/worried", "/what-happens-next"):
        page.goto(f"{live_server.url}/s/{campaign['code']}{path}")
        check_page(page)


def test_hand_over_and_take_back_on_a_tablet(live_server, new_page):
    campaign = live_server.campaign(title="Assisted in the browser")
    supporter = _user(live_server, "supporter", "tablet-supporter@example.org")
    page = new_page(**TABLET)
    _sign_in(page, live_server, supporter)
    page.goto(f"{live_server.url}/staff/pin")
    check_page(page)
    page.locator("#pin").fill("12")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the PIN", exact=True).tap()
    check_page(page)
    page.locator("#pin").fill("4725")
    page.locator("#pin_again").fill("4725")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the PIN", exact=True).tap()
    assert page.get_by_text("Your PIN is saved.").is_visible()

    page.goto(f"{live_server.url}/staff/assist/")
    check_page(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Hand the tablet over", exact=True).tap()
    assert page.locator(".error-summary").is_visible()
    check_page(page)
    page.locator(f"label[for='campaign-{campaign['code']}']").tap()
    page.locator("label[for='help-reading_out']").tap()
    with page.expect_navigation():
        page.get_by_role("button", name="Hand the tablet over", exact=True).tap()
    assert page.url.endswith(f"/s/{campaign['code']}/")
    # The person's screen: no staff navigation, name or sign-out anywhere.
    assert page.locator(".staff-nav").count() == 0
    assert "Sam supporter" not in page.content()
    with page.expect_navigation():
        page.get_by_role("link", name="Start", exact=True).tap()
    for name in ("take_part-yes", "quote-yes", "media-no"):
        page.locator(f"label[for='{name}']").tap()
        with page.expect_navigation():
            page.get_by_role("button", name="Continue", exact=True).tap()
    check_page(page)
    assert page.locator("input[name='answered_how']").count() == 0
    page.locator("label[for='respondent_group-person']").tap()
    with page.expect_navigation():
        page.get_by_role("button", name="Continue", exact=True).tap()
    page.locator("label[for='answer-good']").tap()
    with page.expect_navigation():
        page.get_by_role("button", name="Stop and come back later", exact=True).tap()
    check_page(page)
    with page.expect_navigation():
        page.get_by_role("link", name="My supporter takes the tablet", exact=True).tap()
    check_page(page)
    page.locator("#pin").fill("0000")
    with page.expect_navigation():
        page.get_by_role("button", name="Take the tablet back", exact=True).tap()
    assert page.get_by_text("That PIN is wrong.").first.is_visible()
    check_page(page)
    page.locator("#pin").fill("4725")
    with page.expect_navigation():
        page.get_by_role("button", name="Take the tablet back", exact=True).tap()
    assert "/staff/assist/" in page.url
    assert page.get_by_text("1 of").is_visible()
    check_page(page)
    rows = live_server.query(
        "SELECT a.answered_how, a.supporter_id, s.help_detail FROM answers a "
        "JOIN respondent_sessions s ON s.id = a.session_id WHERE s.campaign_id = ?",
        [campaign["id"]],
    )
    assert rows == [
        {"answered_how": "helped", "supporter_id": supporter["id"], "help_detail": "reading_out"}
    ]
    page.goto(f"{live_server.url}/staff/assist/")
    check_page(page)


def test_group_pages_pass_axe(live_server, new_page):
    campaign = live_server.campaign(title="Groups in the browser")
    advocate = _user(live_server, "advocate", "browser-advocate@example.org")
    page = new_page(**TABLET)
    _sign_in(page, live_server, advocate)
    page.goto(f"{live_server.url}/staff/groups/")
    check_page(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Start a group session", exact=True).tap()
    check_page(page)
    page.locator(f"label[for='campaign-{campaign['code']}']").tap()
    with page.expect_navigation():
        page.get_by_role("button", name="Continue", exact=True).tap()
    check_page(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Start the session", exact=True).tap()
    assert page.locator(".error-summary").is_visible()
    check_page(page)
    page.locator("#place").fill("Oak Lane day centre")
    page.locator("#group_size").fill("6")
    with page.expect_navigation():
        page.get_by_role("button", name="Start the session", exact=True).tap()
    check_page(page)
    first = _questions(live_server, campaign)[0]
    with page.expect_navigation():
        page.get_by_role("link", name="Big screen for question 1", exact=True).tap()
    assert first in page.url
    check_page(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Count the answers", exact=True).tap()
    check_page(page)
    page.locator("#count-good").fill("5")
    page.locator("#count-ok").fill("3")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the counts", exact=True).tap()
    assert page.get_by_text("but there are 6 people").first.is_visible()
    check_page(page)
    page.locator("label[for='speaker_role-family']").tap()
    page.locator("#note").fill("The bus is late every week.")
    with page.expect_navigation():
        page.get_by_role("button", name="Add the note", exact=True).tap()
    check_page(page)
    page.goto(page.url.split("/q/")[0] + "/")
    check_page(page)


def test_safeguarding_pages_pass_axe(live_server, new_page):
    campaign = live_server.campaign(title="Flags in the browser")
    lead = _user(live_server, "lead", "browser-lead@example.org")
    with live_server.app.app_context():
        flag_id = store.safeguarding.raise_flag(
            get_db(),
            campaign_id=campaign["id"],
            reason="concern_words",
            matched="scared",
            excerpt="I am scared at night",
        )
    page = new_page(**TABLET)
    _sign_in(page, live_server, lead)
    page.goto(f"{live_server.url}/staff/safeguarding/")
    check_page(page)
    with page.expect_navigation():
        page.get_by_role("link", name=f"Flag {flag_id}", exact=True).tap()
    assert page.get_by_text("I am scared at night").is_visible()
    check_page(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Record the decision", exact=True).tap()
    assert page.locator(".error-summary").is_visible()
    check_page(page)
    page.locator("label[for='decision-referred']").tap()
    page.locator("#note").fill("Referred to the adult safeguarding team.")
    with page.expect_navigation():
        page.get_by_role("button", name="Record the decision", exact=True).tap()
    check_page(page)
    page.goto(f"{live_server.url}/staff/safeguarding/phrases")
    check_page(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Add", exact=True).tap()
    check_page(page)
    page.goto(f"{live_server.url}/staff/safeguarding/leads")
    check_page(page)
    page.set_viewport_size({"width": 320, "height": 640})
    for path in (
        "/staff/safeguarding/",
        "/staff/safeguarding/leads",
        f"/staff/safeguarding/{flag_id}",
    ):
        page.goto(live_server.url + path)
        check_page(page)


def test_new_pages_pass_the_nu_html_checker(app, staff_client, make_campaign, tmp_path):
    import json
    import subprocess

    from tests.browser.test_html_valid import VNU
    from tests.conftest import csrf_token
    from tests.engage.journey import Respondent

    campaign = make_campaign()
    code = campaign["code"]
    pages: dict[str, str] = {}
    person_client = app.test_client()
    person = Respondent(person_client, code)
    person.start()
    pages["worried"] = person_client.get(f"/s/{code}/worried").get_data(as_text=True)
    pages["next"] = person_client.get(f"/s/{code}/what-happens-next").get_data(as_text=True)
    pages["search"] = person_client.get("/search?q=rain").get_data(as_text=True)
    with app.app_context():
        flag_id = store.safeguarding.raise_flag(
            get_db(), campaign_id=campaign["id"], reason="worried", excerpt="help"
        )
    lead = staff_client("lead")
    for path in (
        "/staff/safeguarding/",
        f"/staff/safeguarding/{flag_id}",
        "/staff/safeguarding/phrases",
        "/staff/safeguarding/leads",
        "/staff/pin",
        "/staff/assist/",
        "/staff/groups/",
        "/staff/groups/new",
        f"/staff/groups/new?campaign={code}",
    ):
        pages[path] = lead.get(path).get_data(as_text=True)
    token = csrf_token(pages["/staff/pin"])
    pages["pin-error"] = lead.post("/staff/pin", data={"pin": "1", "csrf_token": token}).get_data(
        as_text=True
    )
    response = lead.post(
        f"/staff/groups/new?campaign={code}",
        data={
            "place": "Hall",
            "group_size": "4",
            "respondent_group": "person",
            "questions": [],
            "csrf_token": token,
        },
    )
    pages["group-error"] = response.get_data(as_text=True)
    response = lead.post(
        f"/staff/groups/new?campaign={code}",
        data={
            "place": "Hall",
            "group_size": "4",
            "respondent_group": "person",
            "questions": [person_question(app, campaign)],
            "csrf_token": token,
        },
    )
    overview = response.headers["Location"]
    pages["overview"] = lead.get(overview).get_data(as_text=True)
    question = person_question(app, campaign)
    pages["screen"] = lead.get(f"{overview}q/{question}").get_data(as_text=True)
    pages["tally-error"] = lead.post(
        f"{overview}q/{question}/tally", data={"count-good": "9", "csrf_token": token}
    ).get_data(as_text=True)
    lead.post("/staff/assist/", data={"campaign": code, "help": "explaining", "csrf_token": token})
    pages["take-back"] = lead.get("/staff/take-back").get_data(as_text=True)
    files = []
    for index, (name, html) in enumerate(pages.items()):
        path = tmp_path / f"{index:02d}.html"
        path.write_text(html, encoding="utf-8")
        files.append((name, path))
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--stdout"]
        + [str(path) for _, path in files],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    names = {str(path.resolve()): name for name, path in files}
    errors = [
        f"{names.get(m.get('url', '').removeprefix('file:'), m.get('url'))}: {m['message']}"
        for m in json.loads(result.stdout or "{}").get("messages", [])
    ]
    assert errors == []
    assert len(pages) == 18


def person_question(app, campaign) -> str:
    with app.app_context():
        return (
            get_db()
            .execute(
                "SELECT question_id FROM campaign_questions WHERE campaign_id = ? "
                "ORDER BY position LIMIT 1",
                [campaign["id"]],
            )
            .fetchone()[0]
        )
