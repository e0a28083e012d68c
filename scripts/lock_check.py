"""Say which of pyproject.toml's requirements the lock in requirements/ does not pin.

`scripts/setup.sh` runs this after installing the lock, and a test runs it too, so a dependency
added to pyproject.toml without `make lock` is caught before anything imports it.
Exit status 1, with the requirements listed, when the lock is behind.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def pins(lock: Path) -> dict[str, str]:
    """Return name -> version for each pin in a lock file that applies on this machine."""
    found = {}
    for line in lock.read_text().splitlines():
        match = PIN.match(line)
        if match and (match[3] is None or Marker(match[3]).evaluate()):
            found[canonicalize_name(match[1])] = match[2]
    return found


def requirements(pyproject: Path, extras: tuple[str, ...] = ()) -> list[Requirement]:
    """Return the project's requirements (and those of `extras`) that apply on this machine."""
    project = tomllib.loads(pyproject.read_text())["project"]
    listed = list(project.get("dependencies", []))
    for extra in extras:
        listed += project.get("optional-dependencies", {}).get(extra, [])
    wanted = [Requirement(text) for text in listed]
    return [r for r in wanted if r.marker is None or r.marker.evaluate({"extra": ""})]


def unpinned(pyproject: Path, lock: Path, extras: tuple[str, ...] = ()) -> list[str]:
    """Return the requirements the lock leaves out or pins at a version they do not allow."""
    pinned = pins(lock)
    missing = []
    for requirement in requirements(pyproject, extras):
        version = pinned.get(canonicalize_name(requirement.name))
        if version is None or not requirement.specifier.contains(version, prereleases=True):
            missing.append(str(requirement))
    return missing


def main() -> int:
    pyproject = ROOT / "pyproject.toml"
    missing = unpinned(pyproject, ROOT / "requirements" / "runtime.txt")
    missing += unpinned(pyproject, ROOT / "requirements" / "dev.txt", ("dev",))
    if missing:
        print(
            "setup: requirements/ does not pin what pyproject.toml asks for: "
            + ", ".join(sorted(set(missing)))
            + ". Run `make lock`, then commit requirements/.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
