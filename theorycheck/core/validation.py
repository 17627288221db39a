"""Input validation shared by every numeric entry point (the one validation layer).

Contract of every public function of :mod:`theorycheck.models` and :mod:`theorycheck.sim`: it
returns a finite answer of the documented type and shape, or raises ``ValueError`` whose
message starts with the name of the offending parameter and states its valid range
(``"pi: a class frequency must lie in (0, 1], got ..."``). Bad input never becomes a silent NaN,
an ``IndexError``, a ``ZeroDivisionError`` or a hang. ``tests/test_contract.py`` discovers every
public function and checks this with bad and extreme values.

The checks here accept Python scalars, sequences and numpy arrays (torch tensors where said) and
return the value converted (floats / float64 arrays / ints). A function whose documented answer
may be infinite or NaN (a moment that diverges, a run that blew up) says so with
:func:`contract`, which the contract test reads.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Callable

import numpy as np

#: scipy.integrate.solve_ivp methods.
ODE_METHODS = ("RK45", "RK23", "DOP853", "Radau", "BDF", "LSODA")
#: Valid working precisions (decimal digits) of the mpmath references: a reference must carry
#: more digits than float64 (~16) to judge a float64 value; above the upper end a single
#: evaluation takes minutes (mpmath's cost grows ~ dps^1.6).
MP_DPS_RANGE = (20, 10_000)


def _fmt(x: Any) -> str:
    s = repr(x)
    return s if len(s) <= 80 else s[:77] + "..."


def _as_array(x: Any, name: str) -> np.ndarray:
    if isinstance(x, (str, bytes)) or x is None:
        raise ValueError(f"{name}: must be a real number or array of real numbers, got {_fmt(x)}")
    if hasattr(x, "detach") and hasattr(x, "cpu"):  # a torch tensor
        x = x.detach().cpu().numpy()
    try:
        a = np.asarray(x, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{name}: must be a real number or array of real numbers, got {_fmt(x)}") from None
    if np.iscomplexobj(np.asarray(x)):
        raise ValueError(f"{name}: must be real, got a complex value")
    if np.isnan(a).any():
        raise ValueError(f"{name}: contains NaN")
    return a


def _out(a: np.ndarray, name: str = "", scalar: bool = False):
    if scalar and a.ndim:
        raise ValueError(f"{name}: must be a single real number, got an array of shape {a.shape}")
    return a if a.ndim else float(a)


def _interval(lo, hi, lo_open, hi_open) -> str:
    left = "(" if lo_open or lo is None else "["
    right = ")" if hi_open or hi is None else "]"
    return f"{left}{'-inf' if lo is None else lo!r}, {'inf' if hi is None else hi!r}{right}"


# --- numbers and arrays --------------------------------------------------------------------------

def check_real(x: Any, name: str, lo: float | None = None, hi: float | None = None, *, lo_open: bool = False,
               hi_open: bool = False, finite: bool = True, scalar: bool = False):
    """Real number(s) in an interval (``lo``/``hi`` ``None``: unbounded; ``*_open``: strict).
    Returns a float (scalar input) or a float64 array; ``scalar=True`` refuses arrays."""
    a = _as_array(x, name)
    if scalar and a.ndim:
        raise ValueError(f"{name}: must be a single real number, got an array of shape {a.shape}")
    if finite and not np.isfinite(a).all():
        raise ValueError(f"{name}: must be finite, valid range {_interval(lo, hi, lo_open, hi_open)}")
    bad = np.zeros(a.shape, dtype=bool)
    if lo is not None:
        bad |= (a <= lo) if lo_open else (a < lo)
    if hi is not None:
        bad |= (a >= hi) if hi_open else (a > hi)
    if bad.any():
        got = a if a.ndim == 0 else f"range [{a.min()!r}, {a.max()!r}]"
        raise ValueError(f"{name}: must lie in {_interval(lo, hi, lo_open, hi_open)}, got {got}")
    return _out(a)


def check_int(x: Any, name: str, lo: int | None = None, hi: int | None = None) -> int:
    """An integer (Python or numpy integer; not a bool, not a float) in ``[lo, hi]``."""
    if isinstance(x, bool) or not isinstance(x, (numbers.Integral, np.integer)):
        raise ValueError(f"{name}: must be an integer in {_interval(lo, hi, False, False)}, got {_fmt(x)}")
    x = int(x)
    if (lo is not None and x < lo) or (hi is not None and x > hi):
        raise ValueError(f"{name}: must be an integer in {_interval(lo, hi, False, False)}, got {x}")
    return x


def check_bool(x: Any, name: str) -> bool:
    """``True`` or ``False`` (numpy bools too)."""
    if not isinstance(x, (bool, np.bool_)):
        raise ValueError(f"{name}: must be True or False, got {_fmt(x)}")
    return bool(x)


def check_str(x: Any, name: str) -> str:
    """A string."""
    if not isinstance(x, str):
        raise ValueError(f"{name}: must be a string, got {_fmt(x)}")
    return x


def check_array(x: Any, name: str, *, ndim: int | tuple | None = None, shape: tuple | None = None,
                min_size: int = 0, finite: bool = True) -> np.ndarray:
    """A float64 array: ``ndim`` (an int or a tuple of allowed values), ``shape`` (``None``
    entries are free), at least ``min_size`` entries, finite unless ``finite=False``."""
    a = _as_array(x, name)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if a.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name}: must be a {want} array, got shape {a.shape}")
    if shape is not None:
        if a.ndim != len(shape) or any(s is not None and s != t for s, t in zip(shape, a.shape)):
            want = "(" + ", ".join("*" if s is None else str(s) for s in shape) + ")"
            raise ValueError(f"{name}: must have shape {want}, got {a.shape}")
    if a.size < min_size:
        raise ValueError(f"{name}: needs at least {min_size} entries, got {a.size}")
    if finite and not np.isfinite(a).all():
        raise ValueError(f"{name}: must be finite (no NaN or inf)")
    return a


def check_finite(x: Any, name: str, scalar: bool = False):
    """Finite real values (no NaN, no inf)."""
    a = _as_array(x, name)
    if not np.isfinite(a).all():
        raise ValueError(f"{name}: must be finite")
    return _out(a, name, scalar)


def check_positive(x: Any, name: str, scalar: bool = False):
    """A finite, strictly positive number (or array)."""
    a = _as_array(x, name)
    if not np.isfinite(a).all() or (a <= 0).any():
        raise ValueError(f"{name}: must be finite and > 0, got {_fmt(x)}")
    return _out(a, name, scalar)


def check_nonnegative(x: Any, name: str, scalar: bool = False):
    """A finite number (or array) ``>= 0``."""
    a = _as_array(x, name)
    if not np.isfinite(a).all() or (a < 0).any():
        raise ValueError(f"{name}: must be finite and >= 0, got {_fmt(x)}")
    return _out(a, name, scalar)


# --- the quantities of the papers --------------------------------------------------------------

def check_classes(c: Any, name: str = "c", integer: bool = False):
    """Number of classes: a real (or integer) ``c >= 2``, finite, broadcastable."""
    if integer and isinstance(c, bool):
        raise ValueError(f"{name}: must be an integer >= 2, got {c!r}")
    a = _as_array(c, name)
    if integer and a.ndim:
        raise ValueError(f"{name}: must be a single integer >= 2, got an array of shape {a.shape}")
    if not np.isfinite(a).all():
        raise ValueError(f"{name}: must be finite, valid range is c >= 2")
    if (a < 2).any():
        raise ValueError(f"{name}: the number of classes must satisfy c >= 2, got min {a.min()!r}")
    if integer and (a != np.round(a)).any():
        raise ValueError(f"{name}: must be an integer >= 2, got {_fmt(c)}")
    if integer and a.ndim == 0 and isinstance(c, (numbers.Integral, np.integer)):
        return int(c)  # exact, also beyond 2^53
    return a if a.ndim else (int(a) if integer else float(a))


def check_time(t: Any, name: str = "t", scalar: bool = False):
    """Time ``t >= 0`` (finite)."""
    a = _as_array(t, name)
    if (a < 0).any():
        raise ValueError(f"{name}: time must be >= 0, got min {a.min()!r}")
    if not np.isfinite(a).all():
        raise ValueError(f"{name}: time must be finite (0 <= t < inf)")
    return _out(a, name, scalar)


def check_step(alpha: Any, name: str = "step", scalar: bool = False):
    """Step size ``alpha > 0`` (finite)."""
    a = _as_array(alpha, name)
    if not np.isfinite(a).all() or (a <= 0).any():
        raise ValueError(f"{name}: step size must be finite and > 0, got {_fmt(alpha)}")
    return _out(a, name, scalar)


def check_frequency(pi: Any, name: str = "pi", scalar: bool = False):
    """A class frequency ``0 < pi <= 1`` (elementwise)."""
    a = _as_array(pi, name)
    if (a <= 0).any() or (a > 1).any():
        raise ValueError(f"{name}: a class frequency must lie in (0, 1], got range [{a.min()!r}, {a.max()!r}]")
    return _out(a, name, scalar)


def check_probability_vector(pi: Any, name: str = "pi", rtol: float = 1e-9) -> np.ndarray:
    """A probability vector: 1-D, every entry in (0, 1], summing to 1 within ``rtol``."""
    a = _as_array(pi, name)
    if a.ndim != 1 or a.size < 2:
        raise ValueError(f"{name}: must be a 1-D vector of at least 2 class frequencies, got shape {a.shape}")
    check_frequency(a, name)
    s = math.fsum(a.tolist())
    if abs(s - 1.0) > rtol:
        raise ValueError(f"{name}: class frequencies must sum to 1 (a probability vector), got sum {s!r}")
    return a


def check_beta(beta: Any, name: str) -> float:
    """A momentum / averaging coefficient in ``[0, 1)`` (a scalar)."""
    return float(check_real(beta, name, 0.0, 1.0, hi_open=True, scalar=True))


def check_choice(x: Any, name: str, choices) -> Any:
    """One of ``choices`` (compared with ``==``; unhashable values are refused)."""
    try:
        ok = any(type(x) is type(c) and x == c for c in choices) or (isinstance(x, str) and x in choices)
    except Exception:  # noqa: BLE001 - e.g. an array compared with a string
        ok = False
    if not ok:
        raise ValueError(f"{name}: must be one of {tuple(choices)}, got {_fmt(x)}")
    return x


def check_tolerances(rtol: Any, atol: Any, rtol_name: str = "rtol", atol_name: str = "atol") -> tuple[float, float]:
    """ODE tolerances: ``rtol`` in ``(0, 1)`` and ``atol`` in ``(0, inf)``, both finite. ``atol = 0``
    is refused: with a state that starts at 0 the error test then asks for exact steps and the
    integration never ends (measured: ``solve_ivp`` hung on the flows of this package)."""
    r = check_real(rtol, rtol_name, 0.0, 1.0, lo_open=True, hi_open=True, scalar=True)
    a = check_real(atol, atol_name, 0.0, None, lo_open=True, scalar=True)
    return float(r), float(a)


def check_dps(dps: Any, name: str = "dps") -> int:
    """mpmath working precision: an integer in :data:`MP_DPS_RANGE`."""
    return check_int(dps, name, *MP_DPS_RANGE)


def check_callable(f: Any, name: str) -> Callable:
    """A callable."""
    if not callable(f):
        raise ValueError(f"{name}: must be callable, got {_fmt(f)}")
    return f


def check_seed(seed: Any, name: str = "seed"):
    """A seed for :func:`numpy.random.default_rng`: ``None``, an integer ``>= 0``, or a
    ``numpy.random.Generator`` / ``SeedSequence`` / ``BitGenerator`` (returned as is)."""
    if seed is None or isinstance(seed, (np.random.Generator, np.random.SeedSequence, np.random.BitGenerator)):
        return seed
    return check_int(seed, name, 0)


def check_returned(value: Any, name: str, what: str = "values") -> np.ndarray:
    """The output of a user-supplied callable ``name``: real and finite."""
    try:
        a = np.asarray(value.detach().cpu().numpy() if hasattr(value, "detach") else value, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{name}: must return real {what}, got {type(value).__name__}") from None
    if not np.isfinite(a).all():
        raise ValueError(f"{name}: returned non-finite {what} (NaN or inf)")
    return a


def physical_memory_bytes() -> int:
    """Physical memory of this machine (``sysconf``; 2^40 where it is not available)."""
    import os

    try:
        return int(os.sysconf("SC_PHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, OSError, ValueError):  # pragma: no cover - non-POSIX
        return 1 << 40


def check_memory(n_items: Any, name: str, what: str = "values", itemsize: int = 8) -> None:
    """An array of ``n_items`` entries of ``itemsize`` bytes must fit in this machine's physical
    memory; else ValueError naming ``name`` (instead of numpy's MemoryError or "Maximum allowed
    size exceeded" after minutes of swapping)."""
    need = float(n_items) * itemsize
    have = physical_memory_bytes()
    if need > have:
        raise ValueError(f"{name}: needs {float(n_items):.3g} {what} ({need / 2**30:.3g} GiB), more than this machine's "
                         f"{have / 2**30:.3g} GiB of memory")


# --- declarations read by the contract test ----------------------------------------------------

def contract(**notes: str) -> Callable:
    """Declare what the contract test (``tests/test_contract.py``) must know about a public
    function, with the reason as the value. Known keys:

    * ``nonfinite``: the documented answer may hold ``+-inf`` or NaN (a moment that diverges,
      a run that blew up, a correlation of a constant input), so the contract test accepts
      them in its result.

    The function is returned unchanged, with ``__contract__`` set."""
    unknown = set(notes) - {"nonfinite"}
    if unknown:
        raise ValueError(f"notes: unknown contract keys {sorted(unknown)}")

    def deco(fn):
        fn.__contract__ = dict(notes)
        return fn

    return deco
