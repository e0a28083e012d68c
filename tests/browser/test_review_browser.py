"""The evidence pages in Chromium: axe, 44 px targets and reflow on each, and a quote marked
with the keyboard only."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from engage import evidence, store
from engage.auth import hash_password
from engage.store import get_db
from tests.browser.conftest import PHONE, TABLET, check_page

pytestmark = pytest.mark.browser
PASSWORD = "a long enough password"
WORDS = "My support worker Dafydd is kind. Ring 07700 900123 any time."


def _seed(server, code: str) -> dict:
    campaign = server.campaign(title=f"Evidence {code}", code=code)
    with server.app.app_context():
        db = get_db()
        question = store.campaigns.campaign_questions(db, campaign["id"])[0]["question_id"]
        for n in range(14):
            session = store.respondents.start_session(
                db, campaign["id"], {"take_part": True, "quote": True, "media": False}, "en"
            )
            store.respondents.set_who(db, session["id"], "person" if n < 11 else "staff", "own")
            text = WORDS if n == 0 else ("Mae fy ngofalwr yn garedig." if n == 1 else "")
            store.respondents.save_answer(
                db, session["id"], question, "good" if n % 3 else "ok", text
            )
        store.review.add_redaction_name(db, campaign["id"], "Dafydd")
        evidence.suggest_redactions(db, campaign["id"])
        item = store.review.search_items(db, campaign["id"], "Dafydd")[0]["id"]
        store.evidence.set_we_will(
            db, campaign["id"], "QS1", "We will ring you back the same day.", "lead"
        )
        store.campaigns.set_you_said_published(db, campaign["id"], True)
    return {"code": code, "item": item}


def _signed_in_lead(server, new_page, email: str, **context):
    with server.app.app_context():
        store.staff.create_user(
            get_db(),
            email=email,
            name="Rhian Lead",
            role="lead",
            password_hash=hash_password(PASSWORD),
        )
    page = new_page(**context)
    page.goto(f"{server.url}/staff/sign-in")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(f"{server.url}/staff/")
    return page


@pytest.mark.parametrize("context", [TABLET, PHONE], ids=["tablet", "phone"])
def test_every_evidence_page_passes_the_checks(live_server, new_page, context):
    suffix = "tablet" if context is TABLET else "phone"
    seeded = _seed(live_server, f"ev{suffix}")
    page = _signed_in_lead(live_server, new_page, f"review-{suffix}@example.org", **context)
    base = f"{live_server.url}/staff/campaigns/{seeded['code']}/evidence"
    for path in (
        "/",
        "/?kind=answer&state=to_redact",
        "/search?q=gofal",
        f"/items/{seeded['item']}",
        "/triangulation",
        "/exports",
        "/we-will",
    ):
        page.goto(base + path)
        check_page(page)
    for path in ("/voices", "/pictures", "/redact-list"):
        page.goto(f"{live_server.url}/staff/campaigns/{seeded['code']}{path}")
        check_page(page)
    page.goto(f"{live_server.url}/s/{seeded['code']}/you-said")
    expect(page.get_by_text("We will ring you back the same day.")).to_be_visible()
    check_page(page)


def test_a_lead_redacts_and_quotes_with_the_keyboard(live_server, new_page):
    seeded = _seed(live_server, "evkeys")
    page = _signed_in_lead(live_server, new_page, "review-keys@example.org", **TABLET)
    page.goto(f"{live_server.url}/staff/campaigns/evkeys/evidence/items/{seeded['item']}")
    # Confirm each suggested redaction by keyboard: focus the button, press Enter.
    while page.get_by_role("button", name="Redact “", exact=False).count():
        page.get_by_role("button", name="Redact “", exact=False).first.focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
    expect(page.get_by_text("(waiting for you)")).to_have_count(0)
    check_page(page)
    page.locator("#quote-first_word").focus()
    page.locator("#quote-first_word").select_option("1")
    page.locator("#quote-last_word").select_option("6")
    page.get_by_role("button", name="Mark the quote", exact=True).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="EV-QS1-0001")).to_be_visible()
    check_page(page)


def _jpeg(path):
    from PIL import Image

    Image.new("RGB", (400, 300), "teal").save(path, format="JPEG")
    return path


def test_photos_and_pictures_upload_and_pass_the_checks(live_server, new_page, tmp_path):
    _seed(live_server, "evphotos")
    page = _signed_in_lead(live_server, new_page, "review-photos@example.org", **PHONE)
    with live_server.app.app_context():
        db = get_db()
        lead = store.staff.user_by_email(db, "review-photos@example.org")
        campaign = store.campaigns.campaign_by_code(db, "evphotos")
        group = store.groups.create_group_session(
            db,
            campaign_id=campaign["id"],
            advocate_id=lead["id"],
            place="Hall",
            group_size=5,
            respondent_group="person",
            question_ids=["QS1-01"],
        )
    page.goto(f"{live_server.url}/staff/groups/{group}/")
    check_page(page)
    page.locator("#flipchart-photo").set_input_files(str(_jpeg(tmp_path / "flip.jpg")))
    page.locator("#flipchart-description").fill("Ideas about the bus, drawn on a flip-chart")
    page.get_by_role("button", name="Add the photo", exact=True).click()
    expect(page.get_by_text("1 photo added.", exact=False)).to_be_visible()
    item = live_server.query(
        "SELECT id FROM review_items WHERE campaign_id = ? AND item_kind = 'group_note'",
        [campaign["id"]],
    )[0]["id"]
    page.goto(f"{live_server.url}/staff/campaigns/evphotos/evidence/items/{item}")
    image = page.get_by_role("img", name="Ideas about the bus, drawn on a flip-chart")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.naturalWidth") > 0
    check_page(page)
    page.goto(f"{live_server.url}/staff/campaigns/evphotos/pictures")
    page.locator("#picture").set_input_files(str(_jpeg(tmp_path / "door.jpg")))
    page.locator("#alt").fill("The front door of the day centre")
    page.get_by_role("button", name="Add the picture", exact=True).click()
    expect(page.get_by_role("img", name="The front door of the day centre")).to_be_visible()
    check_page(page)


@pytest.mark.parametrize("context", [TABLET, PHONE], ids=["tablet", "phone"])
def test_words_changed_pages_pass_the_checks_and_decide_again_by_keyboard(
    live_server, new_page, context
):
    suffix = "tablet" if context is TABLET else "phone"
    code = f"evchanged{suffix}"
    campaign = live_server.campaign(title=f"Changed {suffix}", code=code, statement_ids=["QS1"])
    said = "Sharon on nights is always late with my tablets."
    with live_server.app.app_context():
        db = get_db()
        session = store.respondents.start_session(
            db, campaign["id"], {"take_part": True, "quote": True, "media": False}, "en"
        )
        store.respondents.set_who(db, session["id"], "person", "own")
        question = store.campaigns.campaign_questions(db, campaign["id"])[0]["question_id"]
        store.respondents.save_answer(db, session["id"], question, "not_good", said)
        item = store.review.review_queue(db, campaign["id"])[0]["id"]
        store.review.record_redaction_suggestions(db, item, [])
        store.review.add_redaction(db, item, 0, 6, "name", "lead")
        store.review.mark_quote(db, item, 0, len(said))
        store.respondents.save_answer(
            db, session["id"], question, "not_good", said + " Ask Sharon why."
        )
        advocate = store.staff.create_user(
            db,
            email=f"changed-advocate-{suffix}@example.org",
            name="Ade Advocate",
            role="advocate",
            password_hash=hash_password(PASSWORD),
        )
        group = store.groups.create_group_session(
            db,
            campaign_id=campaign["id"],
            advocate_id=advocate,
            place="Hall",
            group_size=6,
            respondent_group="person",
            question_ids=[question],
        )
        note = store.groups.add_group_note(db, group, question, "person", said, "en")
    # The advocate's tally page lists the note with a link to change it.
    page = new_page(**context)
    page.goto(f"{live_server.url}/staff/sign-in")
    page.locator("#email").fill(f"changed-advocate-{suffix}@example.org")
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(f"{live_server.url}/staff/")
    page.goto(f"{live_server.url}/staff/groups/{group}/q/{question}/tally")
    check_page(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Change this note").click()
    assert page.url.endswith(f"/staff/groups/{group}/notes/{note}")
    check_page(page)
    page = _signed_in_lead(live_server, new_page, f"changed-{suffix}@example.org", **context)
    base = f"{live_server.url}/staff/campaigns/{code}/evidence"
    page.goto(f"{base}/?state=words_changed")
    expect(page.locator(".tag--changed")).to_have_text("The words changed: decide again")
    check_page(page)
    page.goto(f"{base}/items/{item}")
    expect(page.get_by_role("heading", name="The words changed: decide again")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="The redactions and quotes are right").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="The words changed: decide again")).to_have_count(0)
    check_page(page)
