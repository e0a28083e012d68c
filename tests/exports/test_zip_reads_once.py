"""The evidence ZIP reads the answers once: its workbook and charts share one set of tables."""

from __future__ import annotations

from exports.writers import write_zip
from tests.exports.known import known_input


def test_the_zip_reads_each_answer_once_and_says_so_once(tmp_path):
    data = known_input(tmp_path)
    count = len(data.answers)
    data.answers = iter(data.answers)
    calls: list = []
    write_zip(data, tmp_path / "e.zip", lambda *c: calls.append(c))
    # A lead watching the progress sees the answers counted up once, never again from zero.
    assert [done for stage, done in calls if stage == "answers"] == [count]
