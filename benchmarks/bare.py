"""The baseline: a bare Flask app with one route, served like engage."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """Answer with a word."""
    return "hello"
