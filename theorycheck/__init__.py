"""theorycheck: symbolic and numerical checks of the theory of sign-based optimizers.

Every claim of the papers listed in ``SPEC.md`` is a :class:`~theorycheck.registry.Claim`
with a check that recomputes the truth independently and returns a
:class:`~theorycheck.result.Result` (a verdict plus the evidence behind it).

Importing this package is cheap: it imports neither SymPy nor torch. Use
:func:`theorycheck.registry.all_claims` to load the built-in claims.
"""

__version__ = "0.1.0"

from .result import Result, Verdict  # noqa: E402  (cheap, stdlib only)

__all__ = ["Result", "Verdict", "__version__"]
