"""theorycheck: symbolic and numerical checks of the theory of sign-based optimizers.

Every claim of the papers listed in ``SPEC.md`` is a :class:`Claim` with a check that
recomputes the truth independently and returns a :class:`Result` (a verdict plus the evidence
behind it).

The public API, for claims of your own::

    from theorycheck import claim, Result, Verdict, Variant, combine
    from theorycheck import prove_zero, prove_equal      # symbolic tactics (import SymPy)

Layers, each importing only from those below it:

* :mod:`theorycheck.core`   registry, results, runner, store, symbolic tactics, tolerances,
  validation, progress, executors;
* :mod:`theorycheck.models` the mathematics (softmax model, Lambert W, flows, ...);
* :mod:`theorycheck.sim`    the PyTorch optimizer simulator;
* :mod:`theorycheck.claims` one folder per paper;
* :mod:`theorycheck.app`    command line, report, docs, plots.

Importing this package is cheap: it imports neither SymPy nor torch (the symbolic tactics
are loaded on first use).
"""

from theorycheck.core.registry import (
    Claim,
    Outcome,
    Variant,
    all_claims,
    claim,
    get,
    load_file,
    select,
)
from theorycheck.core.result import Result, Verdict, combine
from theorycheck.core.version import __version__

_LAZY = {
    "prove_zero": ("theorycheck.core.symcheck", "prove_zero"),
    "prove_equal": ("theorycheck.core.symcheck", "prove_equal"),
    "Proof": ("theorycheck.core.symcheck", "Proof"),
    "tolerances": ("theorycheck.core.tolerances", None),
    "validation": ("theorycheck.core.validation", None),
}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        mod, attr = _LAZY[name]
        m = importlib.import_module(mod)
        return m if attr is None else getattr(m, attr)
    raise AttributeError(f"module 'theorycheck' has no attribute {name!r}")


__all__ = ["Claim", "Outcome", "Result", "Variant", "Verdict", "__version__", "all_claims", "claim", "combine", "get",
           "load_file", "select", *_LAZY]
