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
        """Answer the three consent pages in turn; return the last page's reply."""
        reply = None
        for path, name, value in (
            ("/consent", "take_part", take_part),
            ("/consent/words", "quote", quote),
            ("/consent/pictures", "media", media),
        ):
            if reply is not None and not reply.location.endswith(path):
                return reply
            reply = self.post(path, {name: value} if value is not None else {})
            if reply.status_code != 302:
                return reply
        return reply

    def who(self, group="person", how="own", change=False):
        """Say who is answering, then how (a supporter's session skips "how")."""
        query = "?change=1" if change else ""
        reply = self.post("/who" + query, {"respondent_group": group})
        if reply.status_code != 302 or not reply.location.endswith("/who/how" + query):
            return reply
        return self.post("/who/how" + query, {"answered_how": how} if how is not None else {})

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
