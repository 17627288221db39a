"""The kill matrix: every built-in claim declares wrong variants of its printed statement (and
true-but-stronger ones), and its check rejects every wrong one and no stronger one.

One test per claim, so ``pytest tests/test_kill_matrix.py -k K24.lemma5`` runs one row. Checks
that simulate cache their runs keyed by everything the run depends on, so a variant that changes
only the comparison reuses the simulation.
"""

from __future__ import annotations

import pytest

from theorycheck.core import mutants, registry

CLAIMS = [c for c in registry.all_claims() if c.module.startswith("theorycheck.claims.")]


@pytest.mark.parametrize("cid", [c.id for c in CLAIMS])
def test_variants_are_declared(cid):
    """At least three wrong variants, and one wrong dependence for each stated parameter."""
    assert mutants.declaration_problems(registry.get(cid)) == []


@pytest.mark.parametrize("cid", [c.id for c in CLAIMS])
def test_every_wrong_variant_is_rejected_and_no_stronger_one(cid):
    cells = mutants.run_variants(registry.get(cid), "quick")
    bad = [f"{m.variant.name} ({m.variant.kind}): expected to {m.variant.expect}, got {m.verdict}: {m.finding}"
           for m in cells if not m.ok]
    assert not bad, "\n".join(bad)
