"""The load benchmark's people walk whole journeys against a real `engage serve`, losing nothing."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

from benchmarks import load


def test_a_few_people_finish_every_journey_and_every_answer_is_saved_once():
    # With this seed, people 0, 2 and 4 send a photo in their first journey; 1 and 3 do not.
    argv = ["--people", "5", "--think", "0.1", "--minutes", "0.05", "--photo-share", "0.5"]
    # Its own thread: the browser tests' Playwright keeps an event loop running on this one.
    with ThreadPoolExecutor(max_workers=1) as worker:
        result = worker.submit(load.main, [*argv, "--seed", "6"]).result()
    assert result["errors"] == 0, result["first_errors"]
    assert result["server_tracebacks"] == 0, result["server_errors"]
    assert result["journeys_started"] >= 5
    assert result["journeys_finished"] == result["journeys_started"]
    assert result["lost"] == 0
    assert result["duplicated"] == 0
    # Nine questions in the campaign, each answered once in every finished journey.
    assert result["answers_acknowledged"] == 9 * result["journeys_finished"]
    assert result["answers_saved"] == result["answers_acknowledged"]
    assert result["photos_sent"] >= 3
    assert result["photos_saved"] == result["photos_sent"]
    assert result["ms"]["question_page"]["count"] >= result["answers_acknowledged"]
    assert result["ms"]["answer_post"]["count"] >= result["answers_acknowledged"]


PAGE = """
<form method="post" action="/settings"><input type="hidden" name="csrf_token" value="t">
<button class="button" type="submit">Save</button></form>
<form method="post" id="answer-form" action="/s/abc/q/Q1">
<input type="hidden" name="csrf_token" value="t&amp;1">
<input type="radio" name="answer" value="good"><input type="radio" name="answer" value="ok" checked>
<input type="radio" name="shown" value="first"><input type="radio" name="shown" value="second">
<input type="checkbox" name="ticked" value="yes" checked><input type="checkbox" name="left">
<textarea name="free_text"></textarea>
<button class="button" type="submit" name="action" value="continue">Next</button>
</form>
<button type="submit" form="answer-form" name="action" value="media-photo">Photo</button>
"""


def test_the_people_follow_the_form_a_page_shows_as_a_browser_would():
    url = "http://127.0.0.1:5000/s/abc/q/Q1"
    form = load.journey_form(load.page_forms(PAGE, url), url)
    assert form.action == url
    values, files, chosen = load.fill(form, random.Random(1), "load 1-1", None)
    assert dict(values) == {
        "csrf_token": "t&1",
        "answer": "ok",
        "shown": "first",
        "ticked": "yes",
        "free_text": "load 1-1",
    }
    assert files == []
    assert chosen["answer"] == "ok"
    assert load.choose_button(form)["value"] == "continue"
    assert load.choose_button(form, "media-photo")["value"] == "media-photo"
