"""Lambert W at huge arguments: ``W((1/z) exp(f/z))`` in float64 without overflow, and an
mpmath reference.

Everything here rests on the Wright omega function ``omega(y) = W(e^y)`` (principal branch),
which satisfies ``omega + log(omega) = y``. Then

* ``W((1/z) e^{f/z}) = omega(f/z - log z)`` (no ``exp`` is ever formed, so ``f/z`` may be
  ``1e15`` or more);
* the Hoorfar-Hassani remainder ``delta(x) = W(x) - log x + log log x`` is, with ``y = log x``,
  ``delta = log(y / omega(y)) = log1p(log(omega)/omega)`` (the last form has no cancellation
  for large ``y``, where ``delta ~ log(y)/y``);
* the normalised remainder ``D(x) = delta(x) log(x) / log(log(x))`` is ``delta * y / log(y)``.

float64 uses :func:`scipy.special.wrightomega` (real path); the reference uses
:func:`mpmath.lambertw` on ``mpmath.exp(y)`` (mpmath exponents are unbounded), an
independent route. numpy / scipy / mpmath only.
"""

from __future__ import annotations

import mpmath
import numpy as np
from scipy import special

from theorycheck.core import tolerances as tol
from theorycheck.core.validation import check_finite

__all__ = [
    "wright_omega",
    "lambertw_exp_scaled",
    "hh08_delta",
    "hh08_normalized",
    "wright_omega_mp",
    "lambertw_exp_scaled_mp",
    "hh08_delta_mp",
    "hh08_normalized_mp",
]


def wright_omega(y):
    """``omega(y) = W(e^y)`` in float64, elementwise (real input, real output).

    Finite for every finite ``y``: ``omega(y) ~ e^y`` as ``y -> -inf`` (underflows to 0
    below ``y ~ -745``) and ``omega(y) = y - log y + O(log y / y)`` as ``y -> inf``.
    NaN or infinite ``y`` raises ValueError.
    """
    y = np.asarray(check_finite(y, "y"), dtype=np.float64)
    return np.real(special.wrightomega(y))


def lambertw_exp_scaled(f, z):
    """``W((1/z) exp(f/z))`` in float64 for ``z > 0``, as ``omega(f/z - log z)`` (no overflow).
    ``f`` must be finite and ``z`` finite and > 0, else ValueError."""
    f = np.asarray(check_finite(f, "f"), dtype=np.float64)
    z = np.asarray(z, dtype=np.float64)
    if not np.isfinite(z).all() or (z <= 0).any():
        raise ValueError(f"z: must be finite and > 0, got {z!r}")
    return wright_omega(f / z - np.log(z))


def hh08_delta(y):
    """``delta(x) = W(x) - log x + log log x`` at ``x = e^y`` (``y > 0``), float64.

    Uses ``delta = log1p(log(omega)/omega)`` with ``omega = W(e^y)`` (from
    ``omega + log omega = y``), accurate to a few ulps of ``delta`` even at ``y = 1e15``.
    ``y`` must be finite and > 0, else ValueError.
    """
    y = np.asarray(check_finite(y, "y"), dtype=np.float64)
    if (y <= 0).any():
        raise ValueError(f"y: must be > 0 (x = e^y > 1), got {y!r}")
    w = wright_omega(y)
    return np.log1p(np.log(w) / w)


def hh08_normalized(y):
    """``D(x) = delta(x) log(x) / log(log(x))`` at ``x = e^y`` (``y > 0``, ``y != 1``), float64.

    ``D -> 1/2`` as ``x -> e`` (``y -> 1``, a 0/0), ``D -> 1`` as ``x -> inf``. Near ``y = 1``
    both factors vanish and the float value loses about ``log10(1/|y-1|)`` digits: use
    :func:`hh08_normalized_mp` there.
    """
    y = np.asarray(y, dtype=np.float64)
    return hh08_delta(y) * y / np.log(y)


# --- mpmath reference --------------------------------------------------------------------


def _mpf(v) -> mpmath.mpf:
    """An mpf from a number or a decimal string (strings are read with 200 digits so that
    e.g. ``"1.000000000000000000000000000001"`` keeps its last digit)."""
    if isinstance(v, mpmath.mpf):
        return v
    with mpmath.workdps(200):
        return mpmath.mpf(v)


def _extra_digits(y: mpmath.mpf) -> int:
    """Guard digits for ``W(e^y) - y + log y``: cancellation of ``log10 |y|`` digits at large
    ``y`` and of ``log10 1/|y - 1|`` digits near ``y = 1`` (where ``delta -> 0``)."""
    with mpmath.workdps(30):
        big = mpmath.log10(abs(y) + 1)
        near = -mpmath.log10(abs(y - 1)) if y != 1 else mpmath.mpf(0)
        return int(2 * max(0, big) + max(0, near)) + 10


def wright_omega_mp(y, dps: int = tol.MP_DPS) -> mpmath.mpf:
    """``W(e^y)`` with ``dps`` digits, via :func:`mpmath.lambertw` of ``mpmath.exp(y)``."""
    with mpmath.workdps(dps):
        return +mpmath.lambertw(mpmath.exp(_mpf(y))).real


def lambertw_exp_scaled_mp(f, z, dps: int = tol.MP_DPS) -> mpmath.mpf:
    """``W((1/z) exp(f/z))`` with ``dps`` digits (``exp`` formed in mpmath, never overflows)."""
    with mpmath.workdps(dps):
        f, z = _mpf(f), _mpf(z)
        return +mpmath.lambertw(mpmath.exp(f / z) / z).real


def hh08_delta_mp(y, dps: int = tol.MP_DPS) -> mpmath.mpf:
    """``delta(e^y) = W(e^y) - y + log y`` with ``dps`` digits (working precision raised so
    that the cancellation at large ``y`` costs nothing)."""
    y = _mpf(y)
    extra = _extra_digits(y)
    with mpmath.workdps(dps + extra):
        w = mpmath.lambertw(mpmath.exp(y)).real
        return +(w - y + mpmath.log(y))


def hh08_normalized_mp(y, dps: int = tol.MP_DPS) -> mpmath.mpf:
    """``D(e^y) = delta(e^y) * y / log(y)`` with ``dps`` digits (``y > 0``, ``y != 1``)."""
    y = _mpf(y)
    extra = _extra_digits(y)
    with mpmath.workdps(dps + extra):
        return +(hh08_delta_mp(y, dps + extra) * y / mpmath.log(y))
