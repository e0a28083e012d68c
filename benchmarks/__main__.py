"""Run the benchmarks: `python -m benchmarks [load] [exports] [narration] [uploads]`, or all."""

from __future__ import annotations

import importlib
import inspect
import sys

NAMES = ("load", "exports", "narration", "uploads")


def main(argv: list[str]) -> None:
    """Run each named benchmark module's main() in turn."""
    chosen = argv or list(NAMES)
    unknown = [name for name in chosen if name not in NAMES]
    if unknown:
        raise SystemExit(f"Unknown benchmark {', '.join(unknown)}; choose from {', '.join(NAMES)}.")
    for name in chosen:
        print(f"== {name}", flush=True)
        module = importlib.import_module(f"benchmarks.{name}")
        # Run each with its defaults, not with this command's own arguments.
        if inspect.signature(module.main).parameters:
            module.main([])
        else:
            module.main()


if __name__ == "__main__":
    main(sys.argv[1:])
