"""Setting up campaigns from the content library."""

from __future__ import annotations

from datetime import UTC, datetime

from engage import content, store
from engage.errors import refuse
from engage.i18n import DEFAULT_LANGUAGE, LANGUAGES
from engage.narration import texts as narration_texts
from engage.store import get_db
from engage.store.engine import Database
from engage.vocab import RESPONDENT_GROUPS, SCALES

DEMO_CODE = "demo"


def campaign_or_404(code: str) -> dict:
    """Return the campaign a staff page's address names, or answer 404."""
    found = store.campaigns.campaign_by_code(get_db(), code)
    if found is None:
        refuse(404)
    return found


def statements(campaign: dict) -> list:
    """Return the framework statements a campaign asks about, in its order."""
    framework = content.library().framework(campaign["framework_id"])
    return [framework.statement(s) for s in campaign["statement_ids"]]


def is_open(campaign: dict) -> bool:
    """Say whether people can answer the campaign today: open, and between its dates."""
    if campaign["status"] != "open":
        return False
    today = datetime.now(UTC).date().isoformat()
    if campaign["opens_at"] and today < campaign["opens_at"][:10]:
        return False
    return not (campaign["closes_at"] and today > campaign["closes_at"][:10])


def opens_later(campaign: dict) -> str | None:
    """Return the day (YYYY-MM-DD) an open campaign starts taking answers, if after today."""
    today = datetime.now(UTC).date().isoformat()
    if campaign["status"] == "open" and campaign["opens_at"] and today < campaign["opens_at"][:10]:
        return campaign["opens_at"][:10]
    return None


class CampaignError(ValueError):
    """A campaign cannot be made as asked."""


def create(
    db: Database,
    *,
    framework_id: str,
    statement_ids: list[str],
    title: str,
    scale_points: int = 3,
    respondent_groups: list[str] | None = None,
    code: str | None = None,
    is_demo: bool = False,
    languages: list[str] | None = None,
    first_question_only: bool = False,
) -> dict:
    """Create a campaign over chosen statements, copying their questions (or each one's first)."""
    try:
        framework = content.library().framework(framework_id)
    except KeyError:
        raise CampaignError(f"There is no framework called {framework_id!r}.") from None
    if not statement_ids:
        statement_ids = [statement.id for statement in framework.statements]
    unknown = [sid for sid in statement_ids if sid not in {s.id for s in framework.statements}]
    if unknown:
        raise CampaignError(f"{framework_id} has no statement {', '.join(unknown)}.")
    if len(set(statement_ids)) != len(statement_ids):
        raise CampaignError("A statement is listed twice.")
    if scale_points not in SCALES:
        raise CampaignError("The scale must have 3 or 5 points.")
    groups = respondent_groups or list(RESPONDENT_GROUPS)
    if any(group not in RESPONDENT_GROUPS for group in groups):
        raise CampaignError(f"Respondent groups must be among {', '.join(RESPONDENT_GROUPS)}.")
    languages = languages or [DEFAULT_LANGUAGE]
    if DEFAULT_LANGUAGE not in languages or any(code not in LANGUAGES for code in languages):
        raise CampaignError(f"Languages must include en and be among {', '.join(LANGUAGES)}.")
    if not title.strip():
        raise CampaignError("A campaign needs a title.")
    if code is not None and store.campaigns.campaign_by_code(db, code):
        raise CampaignError(f"The code {code!r} is already used.")
    chosen = framework.questions_for(statement_ids)
    if first_question_only:
        firsts = {}
        for question in chosen:
            firsts.setdefault(question.statement_id, question)
        chosen = list(firsts.values())
    questions = [content.question_copy(q) for q in chosen]
    campaign = store.campaigns.create_campaign(
        db,
        title=title.strip(),
        framework_id=framework_id,
        statement_ids=statement_ids,
        questions=questions,
        respondent_groups=groups,
        scale_points=scale_points,
        code=code,
        is_demo=is_demo,
        languages=languages,
    )
    # Recorded now, so every question's clip can be rendered ahead of the first respondent.
    narration_texts.register_campaign(db, campaign["code"])
    return campaign
