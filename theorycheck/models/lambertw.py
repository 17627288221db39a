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
from theorycheck.core.validation import check_dps, check_finite, check_positive, check_real

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
    return _omega(y)


def _omega(y: np.ndarray) -> np.ndarray:
    out = np.real(special.wrightomega(y))
    return out if out.ndim else np.float64(out)


def lambertw_exp_scaled(f, z):
    """``W((1/z) exp(f/z))`` in float64 for ``z > 0``, as ``omega(f/z - log z)`` (no overflow).
    ``f`` must be finite and ``z`` finite and > 0, and ``f/z`` must be finite (``|f/z| <= ~1.8e308``),
    else ValueError."""
    f = np.asarray(check_finite(f, "f"), dtype=np.float64)
    z = np.asarray(check_positive(z, "z"), dtype=np.float64)
    with np.errstate(over="ignore"):
        y = f / z - np.log(z)
    if not np.isfinite(y).all():
        raise ValueError("f: f/z - log z overflows float64 (|f/z| must stay below ~1.8e308); use lambertw_exp_scaled_mp")
    return _omega(y)


#: ``hh08_delta`` switches formula at these ``y`` (see there).
_DELTA_LOW, _DELTA_HIGH = 0.5, 2.0


def _omega_minus_one(h: np.ndarray) -> np.ndarray:
    """``e = omega(1 + h) - 1`` to full relative precision for ``|h| <= 1``: the root of
    ``e + log1p(e) = h`` (``omega + log omega = y``), by Newton from the float64 omega (two
    steps: the start is within ~1e-16 absolute and the map is smooth, ``G' = 1 + 1/(1+e)``)."""
    e = _omega(1.0 + h) - 1.0
    for _ in range(3):
        e = e - (e + np.log1p(e) - h) / (1.0 + 1.0 / (1.0 + e))
    return e


def hh08_delta(y):
    """``delta(x) = W(x) - log x + log log x`` at ``x = e^y`` (``y > 0``), float64.

    With ``omega = W(e^y)`` (so ``log omega = y - omega``), three forms, each free of
    cancellation where it is used:

    * ``y >= 2``: ``delta = log1p(log(omega)/omega)``, accurate to a few ulps even at
      ``y = 1e300`` (``delta ~ log(y)/y``);
    * ``1/2 <= y < 2``: ``delta = log1p(log1p(e)/(1+e))`` with ``e = omega - 1`` solved from
      ``e + log1p(e) = y - 1`` (Newton), so ``delta ~ (y-1)/2`` keeps full relative precision
      at ``x -> e`` (``y -> 1``);
    * ``0 < y < 1/2``: ``delta = log(y) - log(omega)`` (``-> -inf`` like ``log y`` as ``x -> 1+``;
      the ``log1p`` form would reach ``log1p(-1)`` there and return NaN).

    ``y`` must be finite and > 0, else ValueError.
    """
    y = np.asarray(check_real(y, "y", 0.0, None, lo_open=True), dtype=np.float64)
    out = np.empty_like(y)
    lo, hi = y < _DELTA_LOW, y >= _DELTA_HIGH
    mid = ~(lo | hi)
    if lo.any():
        out[lo] = np.log(y[lo]) - np.log(_omega(y[lo]))
    if hi.any():
        w = _omega(y[hi])
        out[hi] = np.log1p(np.log(w) / w)
    if mid.any():
        e = _omega_minus_one(y[mid] - 1.0)
        out[mid] = np.log1p(np.log1p(e) / (1.0 + e))
    return out if out.ndim else np.float64(out)


def hh08_normalized(y):
    """``D(x) = delta(x) log(x) / log(log(x))`` at ``x = e^y`` (``y > 0``), float64.

    ``D -> 1/2`` as ``x -> e`` (``y -> 1``, a 0/0: the value there is this limit, and near it
    both factors keep full relative precision, see :func:`hh08_delta`), ``D -> 1`` as
    ``x -> inf``. ``y`` must be finite and > 0, else ValueError.
    """
    y = np.asarray(check_real(y, "y", 0.0, None, lo_open=True), dtype=np.float64)
    d = hh08_delta(y)
    one = y == 1.0
    with np.errstate(invalid="ignore", divide="ignore"):
        near = np.abs(y - 1.0) <= 0.5  # y - 1 is exact there (Sterbenz): log1p keeps every digit
        logy = np.where(near, np.log1p(y - 1.0), np.log(y))
        out = np.where(one, 0.5, d * y / np.where(one, 1.0, logy))
    return out if out.ndim else np.float64(out)


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


def _mp_real(v, name: str) -> mpmath.mpf:
    """A finite real number (float, int, mpf or decimal string) as an mpf, else ValueError."""
    try:
        x = _mpf(v)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: must be a real number (float, int, mpf or decimal string), got {v!r}") from None
    if not mpmath.isfinite(x):
        raise ValueError(f"{name}: must be finite, got {v!r}")
    return x


def wright_omega_mp(y, dps: int = tol.MP_DPS) -> mpmath.mpf:
    """``W(e^y)`` with ``dps`` digits, via :func:`mpmath.lambertw` of ``mpmath.exp(y)``."""
    dps = check_dps(dps)
    y = _mp_real(y, "y")
    with mpmath.workdps(dps):
        return +mpmath.lambertw(mpmath.exp(y)).real


def lambertw_exp_scaled_mp(f, z, dps: int = tol.MP_DPS) -> mpmath.mpf:
    """``W((1/z) exp(f/z))`` with ``dps`` digits (``exp`` formed in mpmath, never overflows;
    ``z > 0``)."""
    dps = check_dps(dps)
    f, z = _mp_real(f, "f"), _mp_real(z, "z")
    if z <= 0:
        raise ValueError(f"z: must be > 0, got {z}")
    with mpmath.workdps(dps):
        return +mpmath.lambertw(mpmath.exp(f / z) / z).real


def hh08_delta_mp(y, dps: int = tol.MP_DPS) -> mpmath.mpf:
    """``delta(e^y) = W(e^y) - y + log y`` with ``dps`` digits (``y > 0``; working precision
    raised so that the cancellation at large ``y`` costs nothing)."""
    dps = check_dps(dps)
    y = _mp_real(y, "y")
    if y <= 0:
        raise ValueError(f"y: must be > 0 (x = e^y > 1), got {y}")
    extra = _extra_digits(y)
    with mpmath.workdps(dps + extra):
        w = mpmath.lambertw(mpmath.exp(y)).real
        return +(w - y + mpmath.log(y))


def hh08_normalized_mp(y, dps: int = tol.MP_DPS) -> mpmath.mpf:
    """``D(e^y) = delta(e^y) * y / log(y)`` with ``dps`` digits (``y > 0``; at ``y = 1`` the
    limit ``1/2``)."""
    dps = check_dps(dps)
    y = _mp_real(y, "y")
    if y <= 0:
        raise ValueError(f"y: must be > 0 (x = e^y > 1), got {y}")
    if y == 1:
        return mpmath.mpf(1) / 2
    extra = _extra_digits(y)
    with mpmath.workdps(dps + extra):
        return +(hh08_delta_mp(y, dps + extra) * y / mpmath.log(y))
