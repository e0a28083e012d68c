"""Pick a fixed sample of mutants per file, or report killed/total per file, for `make mutation`.

A whole run is about 5,000 mutants, too long beside other work on a shared machine, so
`make mutation MUTATION_SAMPLE=N` tries N mutants from each file, drawn with a fixed seed so
that a later run tries the same ones. It reads the mutant names mutmut keeps beside each
mutated file (`mutants/**/*.py.meta`), so mutmut must have generated them once.

    python scripts/mutation_sample.py N [GLOB]   print the sample, one name a line
    python scripts/mutation_sample.py --report [N]   print killed/total per file (of the sample)
"""

from __future__ import annotations

import fnmatch
import json
import random
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

SEED = "engage-mutation-2026"


def all_names() -> dict[str, list[str]]:
    """Return every mutant name, grouped by its module."""
    names: dict[str, list[str]] = {}
    for meta in sorted(Path("mutants").glob("**/*.py.meta")):
        keys = json.loads(meta.read_text())["exit_code_by_key"]
        if keys:
            module = next(iter(keys)).split(".x")[0]
            names[module] = sorted(keys)
    return names


def sample(size: int, pattern: str) -> list[str]:
    """Return up to `size` names from each module, those matching `pattern` only."""
    picked = []
    for module, names in all_names().items():
        wanted = [n for n in names if fnmatch.fnmatch(n, pattern)]
        picked += sorted(random.Random(f"{SEED}-{module}").sample(wanted, min(size, len(wanted))))
    return picked


def report(size: int | None = None) -> None:
    """Print killed/total per module for the mutants mutmut has tried (of a sample of `size`)."""
    wanted = set(sample(size, "*")) if size else None
    out = subprocess.run(
        [Path(sys.executable).parent / "mutmut", "results", "--all", "true"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    tried: Counter[str] = Counter()
    statuses: dict[str, Counter[str]] = defaultdict(Counter)
    killed: Counter[str] = Counter()
    for line in out.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if not name or status == "not checked" or (wanted is not None and name not in wanted):
            continue
        module = name.split(".x")[0]
        tried[module] += 1
        killed[module] += status == "killed"
        statuses[module][status] += 1
    for module in sorted(tried):
        detail = ", ".join(f"{status} {n}" for status, n in sorted(statuses[module].items()))
        print(f"{module}: {killed[module]}/{tried[module]} killed ({detail})")
    total = sum(tried.values())
    if total:
        print(f"all: {sum(killed.values())}/{total} ({100 * sum(killed.values()) / total:.1f}%)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--report"]:
        report(int(sys.argv[2]) if len(sys.argv) > 2 else None)
    else:
        print("\n".join(sample(int(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "*")))
