"""Benchmark the exports: 100,000 answers and 20,000 quotes in each format.

Run from the repository root:  python -m benchmarks.exports [--answers N] [--quotes N]

The campaign is seeded in a temporary instance through the store's own writes, then each
format is exported in a fresh child process through `engage.evidence.export_campaign`, the
path `engage export` takes, so each figure is one export's wall time and the child's peak
resident memory (ru_maxrss), interpreter and app included.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from exports.writers import FORMATS

QUOTE_TEXT = (
    "My carer Dafydd Jones comes on Tuesdays and is kind, but nobody told me about the "
    "move to 14 Elm Road. Ring me on 07700 900123. I want more say in my plan."
)


def seed(instance: Path, answers: int, quotes: int) -> dict:
    """Fill a demo campaign with synthetic answers and decided, quoted free text."""
    from engage import create_app, store
    from engage.services.demo import ensure_campaign
    from engage.store import get_db
    from exports import redaction

    app = create_app({"INSTANCE_PATH": str(instance)})
    started = time.perf_counter()
    with app.app_context():
        db = get_db()
        db.execute("PRAGMA synchronous = OFF")  # seeding only: the export reads normally
        campaign = ensure_campaign(db)
        questions = [
            q["question_id"] for q in store.campaigns.campaign_questions(db, campaign["id"])
        ]
        groups = ("person", "family", "advocate", "staff", "partner")
        values = ("good", "ok", "not_good", "not_sure")
        sessions, texts_left, made = [], quotes, 0
        step = max(1, answers // max(quotes, 1))
        for n in range(-(-answers // len(questions))):
            rows = []
            for position, question in enumerate(questions):
                if made == answers:
                    break
                text = ""
                if texts_left and made % step == 0:
                    text, texts_left = QUOTE_TEXT, texts_left - 1
                rows.append((question, values[(n + position) % 4], text))
                made += 1
            sessions.append(
                {
                    "respondent_group": groups[n % 5],
                    "answered_how": "helped" if n % 7 == 0 else "own",
                    "language": "cy" if n % 6 == 0 else "en",
                    "consent_quote": n % 10 != 0,
                    "consent_media": False,
                    "answers": rows,
                }
            )
        store.respondents.add_synthetic_sessions(db, campaign["id"], sessions)
        spans = [(s.start, s.end, s.kind) for s in redaction.suggest(QUOTE_TEXT)]
        with store.transaction(db):
            for item in store.review.items_needing_suggestions(db, campaign["id"]):
                store.review.record_redaction_suggestions(db, item["id"], spans)
                store.review.mark_quote(db, item["id"], 0, len(QUOTE_TEXT), strength="improve")
            db.execute(
                "UPDATE redactions SET status = 'confirmed', decided_by = 'benchmark', "
                "decided_at = '2026-01-01'"
            )
        counts = {
            "answers": db.execute("SELECT COUNT(*) FROM answers").fetchone()[0],
            "quotes": db.execute("SELECT COUNT(*) FROM quotes").fetchone()[0],
            "seed_seconds": round(time.perf_counter() - started, 1),
        }
    return counts


def run_one(instance: Path, export_format: str, output: Path) -> dict:
    """Export the seeded demo campaign once, in this process, and measure it."""
    from engage import create_app, evidence, store
    from engage.store import get_db

    app = create_app({"INSTANCE_PATH": str(instance)})
    with app.app_context():
        db = get_db()
        campaign = store.campaigns.campaign_by_code(db, "demo")
        before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started, cpu_started = time.perf_counter(), time.process_time()
        tally = evidence.export_campaign(db, campaign, export_format, output, by="benchmark")
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "format": export_format,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "peak_mb": round(peak_kb / 1024, 1),
        "before_export_mb": round(before_kb / 1024, 1),
        "file_mb": round(output.stat().st_size / 1_048_576, 2),
        "quotes": tally.quotes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--quotes", type=int, default=20_000)
    parser.add_argument("--one", choices=FORMATS, help=argparse.SUPPRESS)
    parser.add_argument("--instance", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        output = args.instance / f"export.{args.one}"
        print(json.dumps(run_one(args.instance, args.one, output)))
        return
    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder) / "instance"
        seeded = seed(instance, args.answers, args.quotes)
        print(
            f"Seeded {seeded['answers']:,} answers and {seeded['quotes']:,} quotes "
            f"in {seeded['seed_seconds']} s"
        )
        print(
            "| format | seconds (wall) | seconds (CPU) | peak memory (MB) "
            "| before export (MB) | file (MB) | quotes |"
        )
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for export_format in FORMATS:
            result = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "benchmarks.exports",
                    "--one",
                    export_format,
                    "--instance",
                    str(instance),
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            r = json.loads(result.stdout.strip().splitlines()[-1])
            print(
                f"| {r['format']} | {r['seconds']} | {r['cpu_seconds']} | {r['peak_mb']} "
                f"| {r['before_export_mb']} "
                f"| {r['file_mb']} | {r['quotes']:,} |"
            )


if __name__ == "__main__":
    main()
