"""Claims: y25 (see :mod:`theorycheck.claims`)."""
