"""Claims: x24 (see :mod:`theorycheck.claims`)."""
