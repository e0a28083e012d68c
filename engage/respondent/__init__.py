"""The respondent wing: every page under /s/<code>, for the people a campaign asks.

One parent blueprint loads the campaign named in the address and the person's language, and
keeps the survey shut after "exit this page"; its children are the rooms of the wing:

- journey: welcome, consent, who is answering, questions, check, thanks, my answers, settings
- media: drawings, photos, video and voice as answers
- worried: "I am worried", "talk to someone", what happens next, and a supporter's reopen
- you_said: what people said and what will happen, once a lead publishes it

Which session a browser holds is in `binding`; the kept question pages in `pages`.
"""

from __future__ import annotations

from flask import Blueprint, Flask, g, redirect, request

from engage.errors import refuse
from engage.respondent import binding, journey, media, offline, pages, worried, you_said
from engage.safeguarding import exit_hold_active, exit_url

bp = Blueprint("respondent", __name__, url_prefix="/s/<code>", template_folder="templates")


@bp.url_value_preprocessor
def _load_campaign(_endpoint: str | None, values: dict | None) -> None:
    code = (values or {}).pop("code", "")
    kept = pages.rendered_pages()
    campaign = kept.campaign(code)
    if campaign is None:
        refuse(404)
    g.campaign = campaign
    binding.set_language()
    g.questions = kept.questions(campaign["id"])


@bp.url_defaults
def _add_code(_endpoint: str, values: dict) -> None:
    if "campaign" in g:
        values.setdefault("code", g.campaign["code"])


@bp.before_request
def _stay_out_after_exit():
    # After "exit this page", the back button must land on the neutral page, not the survey.
    # Only the supporter's reopen page is let through; no page links to it.
    if exit_hold_active() and request.endpoint != "respondent.worried.reopen":
        return redirect(exit_url())
    return None


@bp.after_request
def _mark_journey(response):
    # A prepared tablet's service worker keeps which session this is, in case the connection
    # goes part-way (engage.respondent.offline).
    return offline.mark_journey(response)


for room in (journey, media, worried, you_said):
    bp.register_blueprint(room.bp)


def init_app(app: Flask) -> None:
    """Register the wing, its kept pages and the helpers its templates use."""
    pages.init_app(app)
    media.init_app(app)
    app.register_blueprint(bp)
