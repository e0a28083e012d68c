"""Evidence from someone who never said who they are or how they answered.

The journey asks who is answering before the first question, but a session exists from the
moment a person agrees to take part, and a person may stop there. Such a session can still
come to hold answers: a journey that began online and ended on a device without internet
keeps its answers on the device, without who was answering, for a lead to join to the
session the server holds. No page writes those answers yet (the media pages and their upload
protocol both wait for "who"), so the test keeps the photo with the same service the upload
protocol uses, and stores the written answer and the photo's consent with the store's own
functions; everything else goes through the pages. A supporter's session knows how the person
answers (with help) from the start, and who they are only once they say. Every export format
must label what was never said "Not given", never anything made up, and name it only where
the Engagement record shows its line.
"""

from __future__ import annotations

import re
import shutil

from engage import store
from engage.services import media_files
from engage.store import get_db
from exports.content import ALL_WAYS
from tests.engage.journey import Respondent
from tests.engage.test_assist import PIN, _set_pin, _start, _take_back
from tests.engage.test_export_filing import FORMATS, _lead_describes_the_photo, _people
from tests.engage.test_group_evidence import _export, _quote
from tests.media import samples

WORDS = "I like the garden but the tea is cold."
METHOD = f"{ALL_WAYS}; easy-read 3-point faces scale"


def _text(value) -> str:
    return "" if value is None else str(value)


def _unsaid(app, campaign, people: int, tmp_path) -> str:
    """Have people agree to take part and go no further, the first with a photo kept offline.

    The first also has a written answer, quoted by a lead, and the photo is described by
    the lead; return the question's id.
    """
    with app.app_context():
        question_id = store.campaigns.campaign_questions(get_db(), campaign["id"])[0]["question_id"]
    # Enough people who said who they are for the tables and the language to be shown.
    _people(app, campaign, "QS1", ["good"] * 8 + ["not_good"] * 4)
    for _ in range(people):
        person = Respondent(app.test_client(), campaign["code"])
        assert person.consent(take_part="yes", quote="yes", media="yes").status_code == 302
    with app.app_context():
        db = get_db()
        unsaid = db.execute(
            "SELECT id FROM respondent_sessions "
            "WHERE respondent_group IS NULL AND answered_how IS NULL ORDER BY id"
        ).fetchall()
        assert len(unsaid) == people
        # No page takes a file from a session that has not said who: this is the photo a
        # device kept for the first person, joined to their session by a lead.
        work = media_files.work_dir()
        try:
            samples.photo_with_gps(work / "source")
            media_files.keep_answer_file(
                "photo", "photo", work / "source", work, unsaid[0]["id"], question_id
            )
        finally:
            shutil.rmtree(work, ignore_errors=True)
        [(item_id, session_id)] = db.execute("SELECT id, session_id FROM media_items").fetchall()
        assert session_id == unsaid[0]["id"]
        store.media.set_media_consent(db, item_id, "report", "The garden")
        store.respondents.save_answer(db, session_id, question_id, "ok", WORDS)
    return question_id


def _lead_quotes_and_describes(staff_client, app, campaign):
    lead = staff_client("lead")
    _quote(lead, app, campaign, [WORDS])
    _lead_describes_the_photo(lead, app, campaign)
    return lead


def _engagement(tables) -> dict[tuple[str, str], str]:
    return {(r[0], r[1]): _text(r[2]) for r in tables["Engagement record"]}


def test_a_quote_and_a_photo_from_someone_who_never_said_who_are_labelled_not_given(
    staff_client, app, make_campaign, tmp_path
):
    campaign = make_campaign(statement_ids=["QS1"], code="unsaid")
    _unsaid(app, campaign, 5, tmp_path)
    lead = _lead_quotes_and_describes(staff_client, app, campaign)
    for fmt in FORMATS:
        tables = _export(lead, campaign, fmt, tmp_path)
        [quote] = tables["Quotes"]
        # group, way of answering, language; after the offline mark, the source.
        assert [_text(v) for v in quote[4:7]] == ["Not given", "Not given", "en"], fmt
        assert _text(quote[12]) == "Not given: easy-read survey, written answer", fmt
        # The day the words were written, as the quote's date and its period.
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", _text(quote[7])), fmt
        assert _text(quote[11]) == _text(quote[7]), fmt
        [media] = tables["Media"]
        assert _text(media[2]) == "A garden with flowers", fmt
        assert _text(media[9]) == "Not given: easy-read survey, photo", fmt
        assert _text(media[10]) == METHOD, fmt
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", _text(media[8])), fmt
        # The five are counted as people who did not say, not as anyone made up.
        engagement = _engagement(tables)
        assert engagement[("Respondent group", "Not given")] == "5", fmt
        assert engagement[("How they answered", "Not given")] == "5", fmt
        assert engagement[("Everyone", "People who took part")] == "17", fmt


def test_a_photo_names_no_group_where_its_way_of_answering_line_is_hidden(
    staff_client, app, make_campaign, tmp_path
):
    campaign = make_campaign(statement_ids=["QS1"], code="unsaid")
    _unsaid(app, campaign, 1, tmp_path)
    # Four people a supporter helps agree to take part and stop before saying who they are.
    supporter = staff_client("supporter")
    _set_pin(supporter)
    for _ in range(4):
        assert _start(supporter, campaign).status_code == 302
        assert Respondent(supporter, campaign["code"]).consent().status_code == 302
        assert _take_back(supporter, PIN).status_code == 302
    lead = _lead_quotes_and_describes(staff_client, app, campaign)
    for fmt in FORMATS:
        tables = _export(lead, campaign, fmt, tmp_path)
        engagement = _engagement(tables)
        # Five never said their group; only the one who sent the photo never said how.
        assert engagement[("Respondent group", "Not given")] == "5", fmt
        assert engagement[("How they answered", "Not given")] == "", fmt
        [media] = tables["Media"]
        assert _text(media[9]) == "Easy-read survey or advocate group session: photo", fmt
        assert _text(media[10]) == METHOD, fmt
