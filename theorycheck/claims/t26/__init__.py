"""Claims: t26 (see :mod:`theorycheck.claims`)."""
