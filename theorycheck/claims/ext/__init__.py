"""Claims: ext (see :mod:`theorycheck.claims`)."""
