"""A respondent driven through the journey by the Flask test client."""

from __future__ import annotations

from tests.conftest import csrf_token


class Respondent:
    """Drive one person's journey through a campaign."""

    def __init__(self, client, code: str):
        self.client = client
        self.base = f"/s/{code}"

    def token(self, path: str = "/") -> str:
        return csrf_token(self.client.get(self.base + path).get_data(as_text=True))

    def post(self, path: str, data: dict, token: bool = True, **kwargs):
        form = dict(data)
        if token:
            form["csrf_token"] = self.token("/consent" if path == "/consent" else "/resume")
        return self.client.post(self.base + path, data=form, **kwargs)

    def consent(self, take_part="yes", quote="yes", media="no"):
        form = {"take_part": take_part, "quote": quote, "media": media}
        return self.post("/consent", {k: v for k, v in form.items() if v is not None})

    def who(self, group="person", how="own", change=False):
        path = "/who?change=1" if change else "/who"
        return self.post(path, {"respondent_group": group, "answered_how": how})

    def answer(self, question_id: str, value: str | None, free_text: str = "", **extra):
        form = {"free_text": free_text, "action": "continue", **extra}
        if value is not None:
            form["answer"] = value
        return self.post(f"/q/{question_id}", form)

    def start(self, group="person", how="own"):
        assert self.consent().status_code == 302
        assert self.who(group, how).status_code == 302


def follow_resume_link(client, path: str):
    """Open a resume link and press "Yes, carry on": the link alone binds nothing."""
    page = client.get(path)
    if page.status_code != 200:
        return page
    return client.post(path, data={"csrf_token": csrf_token(page.get_data(as_text=True))})
