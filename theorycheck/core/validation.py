"""Input validation shared by every numeric entry point.

Each function raises ``ValueError`` naming the parameter and its valid range, so bad
input never becomes a silent NaN. They accept Python scalars and numpy arrays, and
return the value converted (floats / float64 arrays).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def _as_array(x: Any, name: str) -> np.ndarray:
    try:
        a = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: must be a real number or array of real numbers, got {x!r}") from None
    if np.isnan(a).any():
        raise ValueError(f"{name}: contains NaN")
    return a


def check_classes(c: Any, name: str = "c", integer: bool = False):
    """Number of classes: a real (or integer) ``c >= 2``, finite, broadcastable."""
    a = _as_array(c, name)
    if not np.isfinite(a).all():
        raise ValueError(f"{name}: must be finite, valid range is c >= 2")
    if (a < 2).any():
        raise ValueError(f"{name}: the number of classes must satisfy c >= 2, got min {a.min()!r}")
    if integer and (a != np.round(a)).any():
        raise ValueError(f"{name}: must be an integer >= 2")
    return a if a.ndim else (int(a) if integer else float(a))


def check_time(t: Any, name: str = "t"):
    """Time ``t >= 0`` (finite)."""
    a = _as_array(t, name)
    if (a < 0).any():
        raise ValueError(f"{name}: time must be >= 0, got min {a.min()!r}")
    if not np.isfinite(a).all():
        raise ValueError(f"{name}: time must be finite (0 <= t < inf)")
    return a if a.ndim else float(a)


def check_step(alpha: Any, name: str = "step"):
    """Step size ``alpha > 0`` (finite)."""
    a = _as_array(alpha, name)
    if not np.isfinite(a).all() or (a <= 0).any():
        raise ValueError(f"{name}: step size must be finite and > 0, got {alpha!r}")
    return a if a.ndim else float(a)


def check_frequency(pi: Any, name: str = "pi"):
    """A class frequency ``0 < pi <= 1`` (elementwise)."""
    a = _as_array(pi, name)
    if (a <= 0).any() or (a > 1).any():
        raise ValueError(f"{name}: a class frequency must lie in (0, 1], got range [{a.min()!r}, {a.max()!r}]")
    return a if a.ndim else float(a)


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


def check_positive(x: Any, name: str):
    """A finite, strictly positive number (or array)."""
    a = _as_array(x, name)
    if not np.isfinite(a).all() or (a <= 0).any():
        raise ValueError(f"{name}: must be finite and > 0, got {x!r}")
    return a if a.ndim else float(a)


def check_finite(x: Any, name: str):
    """Finite real values (no NaN, no inf)."""
    a = _as_array(x, name)
    if not np.isfinite(a).all():
        raise ValueError(f"{name}: must be finite")
    return a if a.ndim else float(a)


def check_choice(x: Any, name: str, choices) -> Any:
    if x not in choices:
        raise ValueError(f"{name}: must be one of {tuple(choices)}, got {x!r}")
    return x
