"""Shared entry point of the proof-check scripts: run claims by ID prefix and print each
verdict with its statement, correction and evidence."""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def main(prefixes: list[str]) -> int:
    from theorycheck.core import registry, runner

    profile = "full" if "--full" in sys.argv[1:] else "quick"
    results = runner.run_claims(registry.select(prefixes), profile=profile)
    for r in results:
        if isinstance(r, runner.Crash):
            print(f"{r.claim.id}  CRASH\n{r.trace}")
        else:
            print(runner.describe(r) + "\n")
    print(runner.summary_line(results))
    return 2 if any(isinstance(r, runner.Crash) for r in results) else 0
