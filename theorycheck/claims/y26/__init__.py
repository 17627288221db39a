"""Claims: y26 (see :mod:`theorycheck.claims`)."""
