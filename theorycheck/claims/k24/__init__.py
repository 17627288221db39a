"""Claims: k24 (see :mod:`theorycheck.claims`)."""
