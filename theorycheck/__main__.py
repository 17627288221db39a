"""``python -m theorycheck`` is the same as the ``theorycheck`` console script."""

from .cli import main

raise SystemExit(main())
