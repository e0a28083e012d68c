"""Serve engage from a process whose files cannot grow past a limit, as on a full disk.

The file-size limit (RLIMIT_FSIZE) makes the kernel refuse writes with EFBIG, the same way a
full disk refuses them with ENOSPC. Prints the port, then serves until killed.
"""

from __future__ import annotations

import resource
import signal
import sys

LIMIT = 8 * 1024 * 1024


def main(instance: str, code_file: str) -> None:
    """Make a campaign, write its code to a file, then serve with the limit in force."""
    from werkzeug.serving import make_server

    from engage import create_app
    from engage.campaigns import create
    from engage.store import get_db

    app = create_app({"INSTANCE_PATH": instance})
    with app.app_context():
        campaign = create(get_db(), framework_id="cqc-la", statement_ids=["QS1"], title="Full")
    with open(code_file, "w") as handle:
        handle.write(campaign["code"])
    server = make_server("127.0.0.1", 0, app, threaded=True)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
