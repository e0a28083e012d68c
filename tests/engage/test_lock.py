"""The lock in requirements/ pins, with hashes, everything pyproject.toml asks for."""

from __future__ import annotations

from pathlib import Path

from scripts import lock_check

ROOT = Path(__file__).resolve().parents[2]


def test_the_lock_pins_every_requirement_with_hashes():
    pyproject = ROOT / "pyproject.toml"
    assert lock_check.unpinned(pyproject, ROOT / "requirements" / "runtime.txt") == []
    assert lock_check.unpinned(pyproject, ROOT / "requirements" / "dev.txt", ("dev",)) == []
    for lock in ("runtime.txt", "dev.txt"):
        text = (ROOT / "requirements" / lock).read_text()
        pinned = [line for line in text.splitlines() if lock_check.PIN.match(line)]
        assert pinned, lock
        # Each pin is followed by its hashes, which `pip install --require-hashes` checks.
        assert len([line for line in text.splitlines() if line[:1].isalnum()]) == len(pinned)
        assert all(line.endswith("\\") for line in pinned)
        assert text.count("--hash=sha256:") >= len(pinned)


def test_a_requirement_the_lock_lacks_is_named(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    text = (ROOT / "pyproject.toml").read_text()
    pyproject.write_text(
        text.replace(
            '"flask>=3.1,<3.2",', '"flask>=3.1,<3.2",\n    "not-locked-yet>=1",', 1
        ).replace('"pyyaml>=6,<7"', '"pyyaml>=99"', 1)
    )
    missing = lock_check.unpinned(pyproject, ROOT / "requirements" / "runtime.txt")
    assert missing == ["not-locked-yet>=1", "pyyaml>=99"]
