"""The framework: the claim registry, verdicts and results, the runner, the results store,
symbolic proof tactics, tolerances, input validation, progress and executors.

``core`` imports nothing else of theorycheck: every other layer builds on it.
"""
