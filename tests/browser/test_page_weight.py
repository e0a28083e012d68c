"""Page weight: a respondent page's HTML, CSS and JS stay under 64 KB; audio waits for play;
pictures below the fold load lazily."""

from __future__ import annotations

import pytest

from tests.browser.conftest import TABLET

pytestmark = pytest.mark.browser

# 60 KB until the one-question-per-page and play-beside-words styles (2026-12-05) added 4 KB of
# CSS; the welcome page's 37 play buttons (each naming its Opus and MP3) are most of its HTML.
BUDGET = 64 * 1024


def _visit(page, url: str) -> dict:
    """Load a page with an empty cache and sum what it transferred, by kind."""
    sizes: dict[str, int] = {}
    media_requests: list[str] = []

    def on_response(response) -> None:
        kind = response.request.resource_type
        if kind == "media":
            media_requests.append(response.url)
        try:
            body = response.body()
        except Exception:  # noqa: BLE001 - redirects have no body to count
            return
        sizes[kind] = sizes.get(kind, 0) + len(body)

    page.on("response", on_response)
    page.goto(url, wait_until="networkidle")
    page.remove_listener("response", on_response)
    return {"sizes": sizes, "media": media_requests}


def _below_the_fold_pictures_not_lazy(page) -> list[str]:
    return page.evaluate(
        """() => [...document.images]
            .filter(img => img.getBoundingClientRect().top > window.innerHeight)
            .filter(img => img.loading !== 'lazy')
            .map(img => img.currentSrc || img.src)"""
    )


def test_respondent_pages_fit_the_budget(live_server, new_page):
    campaign = live_server.campaign(statement_ids=["QS1"])
    base = f"{live_server.url}/s/{campaign['code']}"
    page = new_page(**TABLET)
    page.context.route(
        "**/*",
        lambda route: route.continue_(
            headers={**route.request.headers, "cache-control": "no-cache"}
        ),
    )
    seen = {}
    seen["welcome"] = _visit(page, f"{base}/")
    seen["consent"] = _visit(page, f"{base}/consent")
    for name, value in (("take_part", "yes"), ("quote", "no"), ("media", "no")):
        page.locator(f"label[for='{name}-{value}']").click()
        with page.expect_navigation():
            page.get_by_role("button", name="Continue", exact=True).click()
    assert page.url.endswith("/who")
    seen["who"] = _visit(page, page.url)
    page.locator("label[for='respondent_group-person']").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Continue", exact=True).click()
    page.locator("label[for='answered_how-own']").click()
    page.get_by_role("button", name="Continue", exact=True).click()
    page.wait_for_url("**/q/*")
    seen["question"] = _visit(page, page.url)
    assert _below_the_fold_pictures_not_lazy(page) == []
    for name, visit in seen.items():
        text_weight = sum(
            visit["sizes"].get(kind, 0) for kind in ("document", "stylesheet", "script")
        )
        assert 0 < text_weight < BUDGET, (name, visit["sizes"])
        assert visit["media"] == [], f"{name} fetched audio before anyone pressed play"
    audio = page.locator("audio")
    if audio.count():
        assert set(audio.evaluate_all("els => els.map(a => a.preload)")) == {"none"}
