"""``python -m theorycheck`` is the same as the ``theorycheck`` console script."""

from theorycheck.app.cli import main

raise SystemExit(main())
