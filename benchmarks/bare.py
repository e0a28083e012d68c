"""The baseline: a bare Flask app with one route, served by engage's own server settings.

Run as `python -m benchmarks.bare --port PORT --workers N`: the same `engage.server.serve` that
`engage serve` uses (gunicorn, its worker class, threads and access log), so the load
benchmark's throughput ratio compares the apps and nothing else.
"""

import argparse

from flask import Flask

from engage.server import serve

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """Answer with a word."""
    return "hello"


def main() -> None:
    """Serve the bare app on 127.0.0.1 until stopped."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    serve("127.0.0.1", args.port, args.workers, load=lambda: app)


if __name__ == "__main__":
    main()
