"""Find every text a respondent can hear, for rendering in advance.

A campaign's own wording (questions, hints, "tell us more" prompts) is data, listed per language.
The words on the respondent pages live in templates, so they are found by showing every page
of the journey once, error states included, to a throwaway respondent that is erased afterwards.
"""

from __future__ import annotations

from flask import Flask

from engage import store
from engage.content import localise
from engage.store import get_db
from media.narration import normalise_text


def campaign_texts(campaign: dict, questions: list[dict]) -> list[tuple[str, str]]:
    """Return (text, language) for a campaign's question wording in each of its languages."""
    texts = []
    for language in campaign["languages"]:
        for question in questions:
            content = question["content"]
            for field in ("text", "hint", "tell_us_more"):
                if content.get(field):
                    texts.append((localise(content[field], language), language))
    return texts


def register_campaign(db, code: str) -> int:
    """Record the texts of a campaign; return how many clips were new."""
    from engage.narration import runtime

    campaign = store.campaigns.campaign_by_code(db, code)
    questions = store.campaigns.campaign_questions(db, campaign["id"])
    return len(runtime().register(db, campaign_texts(campaign, questions)))


def journey_texts(app: Flask, code: str) -> set[tuple[str, str]]:
    """Show every respondent page of a campaign once and return the texts they narrate."""
    from engage.narration import runtime

    state = runtime()
    state.collecting = set()
    walker = app.test_client()
    csrf_before = app.config.get("WTF_CSRF_ENABLED", True)
    # The walker is this process talking to itself; its forms carry no token.
    app.config["WTF_CSRF_ENABLED"] = False
    base = f"/s/{code}"
    with app.app_context():
        languages = store.campaigns.campaign_by_code(get_db(), code)["languages"]
    try:
        # Every page once in each of the campaign's languages, each in its own voice.
        for language in languages:
            with walker.session_transaction() as stored:
                stored.clear()
                stored["languages"] = {code: language}
            _walk_language(app, walker, code, base)
    finally:
        app.config["WTF_CSRF_ENABLED"] = csrf_before
        collected, state.collecting = state.collecting, None
    return collected


def _walk_language(app: Flask, walker, code: str, base: str) -> None:
    for path in (
        "/",
        "/settings",
        "/resume",
        "/no-thanks",
        "/stop",
        "/thanks",
        "/q/none",
        "/worried",
        "/what-happens-next",
    ):
        walker.get(base + path)
    walker.post(base + "/resume", data={"resume_code": ""})
    walker.post(base + "/resume", data={"resume_code": "AAAAAAAA"})
    # Each consent page, with its error, then answered.
    for path, field in (
        ("/consent", "take_part"),
        ("/consent/words", "quote"),
        ("/consent/pictures", "media"),
    ):
        walker.post(base + path, data={})
        walker.post(base + path, data={field: "yes" if field == "take_part" else "no"})
    session_id = _walker_session(walker, code)
    try:
        _walk_session(walker, base)
    finally:
        if session_id is not None:
            with app.app_context():
                _forget_walker(session_id)


def _forget_walker(session_id: int) -> None:
    """Erase the throwaway session, with the narration of its code: it is nobody's page text."""
    from engage.narration import runtime
    from engage.resume_codes import spell_code

    db = get_db()
    respondent = store.respondents.respondent_session(db, session_id)
    store.respondents.erase_session(db, session_id)
    if respondent is None:
        return
    spoken = spell_code(respondent["resume_code"])
    state = runtime()
    if state.collecting is not None:
        said = normalise_text(spoken)
        state.collecting = {item for item in state.collecting if item[0] != said}
    keys = store.narration.narration_keys_for_texts(db, {spoken})
    store.narration.forget_narration(db, keys)
    state.forget(keys)


def _walker_session(walker, code: str) -> int | None:
    with walker.session_transaction() as stored:
        return stored.get("respondents", {}).get(code)


def _walk_session(walker, base: str) -> None:
    walker.get(base + "/consent")
    campaign = store.campaigns.campaign_by_code(get_db(), base.rsplit("/", 1)[1])
    walker.post(base + "/who", data={})
    walker.post(base + "/who", data={"respondent_group": campaign["respondent_groups"][0]})
    walker.post(base + "/who/how", data={})
    walker.post(base + "/who/how", data={"answered_how": "own"})
    walker.get(base + "/who")
    walker.get(base + "/who/how")
    questions = store.campaigns.campaign_questions(get_db(), campaign["id"])
    for question in questions:
        path = f"{base}/q/{question['question_id']}"
        walker.post(path, data={"action": "continue"})
        walker.post(path, data={"action": "continue", "answer": "not_sure"})
    walker.get(base + "/check")
    for kind in ("drawing", "photo", "video", "audio"):
        walker.get(f"{base}/media/add/{kind}")
        walker.get(f"{base}/media/add/{kind}?q={questions[0]['question_id']}")
    walker.get(base + "/media/anything")
    walker.get(base + "/stop")
