"""The demo: a campaign anyone can try, and made-up respondents to fill its evidence.

`engage demo` and the export benchmark call it; nothing here is about a real person.
"""

from __future__ import annotations

import random

from engage import campaigns, evidence, store
from engage.i18n import LANGUAGES
from engage.store.engine import Database


def ensure_campaign(db: Database, full: bool = False) -> dict:
    """Return the demo campaign, creating it the first time.

    It covers every statement; unless `full`, with one question each (nine questions, a few
    minutes), since trying the whole set of 27 takes about twenty.
    """
    existing = store.campaigns.campaign_by_code(db, campaigns.DEMO_CODE)
    if existing:
        return existing
    campaigns.create(
        db,
        framework_id="cqc-la",
        statement_ids=[],
        title="Demo: tell us about your care and support",
        code=campaigns.DEMO_CODE,
        is_demo=True,
        first_question_only=not full,
        # The demo shows every language the app ships, so a lead can try each one.
        languages=list(LANGUAGES),
    )
    return store.campaigns.campaign_by_code(db, campaigns.DEMO_CODE)


# Demo data: made-up people, with made-up names and numbers for the redaction to find.
_DEMO_GROUPS = (
    ("person", 45),
    ("family", 20),
    ("advocate", 8),
    ("staff", 17),
    ("partner", 10),
)
_DEMO_LEANING = {"person": 0.55, "family": 0.45, "advocate": 0.5, "staff": 0.75, "partner": 0.6}
_DEMO_WORDS = {
    "en": (
        "My support worker Dafydd Jones is kind and listens to me.",
        "Mrs Okafor helps me every Tuesday. Call her on 07700 900123.",
        "I did not know who to ring when my care changed on 3rd March.",
        "My name is Priya and I want more say in my plan.",
        "Nobody told me about the move. Write to me at 14 Elm Road, CF10 1AA.",
        "The day centre is good. I see my friends there.",
        "Email me at sam.taylor@example.org if you want to know more.",
        "Staff change too often, so I have to explain things again.",
    ),
    "cy": (
        "Mae fy ngofalwr yn garedig iawn.",
        "Fy enw i yw Cerys ac rydw i'n hoffi'r ganolfan.",
        "Does neb yn gwrando ar fy nheulu.",
    ),
    "pl": ("Opiekunka jest bardzo miła.",),
}


def seed_responses(db: Database, campaign: dict, total: int) -> int:
    """Top the demo campaign up to `total` synthetic respondents; return how many there are.

    The same respondents come out every time (each is drawn from its own seeded generator),
    so running the demo again adds only what is missing.
    """
    existing = store.respondents.synthetic_session_count(db, campaign["id"])
    questions = store.campaigns.campaign_questions(db, campaign["id"])
    values = ("good", "ok", "not_good") if campaign["scale_points"] == 3 else None
    sessions = []
    for index in range(existing, total):
        rng = random.Random(f"engage-demo-{index}")
        group = rng.choices([g for g, _ in _DEMO_GROUPS], [w for _, w in _DEMO_GROUPS])[0]
        how = rng.choice(("own", "own", "helped", "answered_for")) if group == "person" else "own"
        language = rng.choices(("en", "cy", "pl"), (80, 15, 5))[0]
        answers = []
        for question in questions:
            answers.append(
                (
                    question["question_id"],
                    _demo_value(rng, _DEMO_LEANING[group], values),
                    rng.choice(_DEMO_WORDS[language]) if rng.random() < 0.15 else "",
                )
            )
        sessions.append(
            {
                "respondent_group": group,
                "answered_how": how,
                "language": language,
                "consent_quote": rng.random() < 0.75,
                "consent_media": rng.random() < 0.5,
                "answers": answers,
            }
        )
    if sessions:
        store.respondents.add_synthetic_sessions(db, campaign["id"], sessions)
        evidence.suggest_redactions(db, campaign["id"])
    return max(existing, total)


def _demo_value(rng: random.Random, leaning: float, values: tuple[str, ...] | None) -> str:
    roll = rng.random()
    if roll < 0.06:
        return "not_sure"
    if roll < 0.08:
        return "prefer_not_to_say"
    scale = values or ("very_good", "good", "ok", "not_good", "very_not_good")
    if rng.random() < leaning:
        return scale[0] if len(scale) == 3 else rng.choice(scale[:2])
    return rng.choice(scale[1:])
