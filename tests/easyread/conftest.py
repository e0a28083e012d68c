"""Give easyread tests a fixture that writes a throwaway content folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.easyread.helpers import FRAMEWORK


@pytest.fixture
def content(tmp_path: Path):
    """Return a function that writes files (relative path -> text) into a content folder."""

    def write(files: dict[str, str], framework: str = FRAMEWORK) -> Path:
        root = tmp_path / "content"
        (root / "frameworks").mkdir(parents=True, exist_ok=True)
        (root / "frameworks" / "demo.yaml").write_text(framework, encoding="utf-8")
        for relative, text in files.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return root

    return write
