"""Shared pieces of K24's arithmetic and consistency claims (counts, tables, cross references).

A printed number is compared with the number computed from the paper's own description (a
construction, another place of the paper); the comparison is exact for integers, and for a
number printed as approximate ("about 5k", "~10k") it allows half a unit of its last printed
digit (:func:`approx_holds`), the precision the printed number itself claims.
"""

from __future__ import annotations

from typing import Any

from theorycheck.core.result import Result, Verdict


def approx_unit(n: int) -> int:
    """The unit of the last significant digit of a positive integer printed as approximate:
    ``approx_unit(5000) = 1000``, ``approx_unit(10000) = 10000``, ``approx_unit(10240) = 10``."""
    if isinstance(n, bool) or not isinstance(n, int) or n <= 0:
        raise ValueError(f"n: an approximate count must be a positive integer, got {n!r}")
    u = 1
    while n % (10 * u) == 0:
        u *= 10
    return u


def approx_holds(printed: int, truth: float) -> bool:
    """``|truth - printed| <= approx_unit(printed)/2``: ``truth`` rounds to ``printed`` at its printed precision."""
    return abs(truth - printed) <= approx_unit(printed) / 2


def same_at_one_digit(a: float, b: float) -> bool:
    """``a`` and ``b`` round to the same value at one significant digit (``50 000`` and ``51 200``
    are both ``5e4``): how "equally sized" is read for counts the paper itself rounds so."""
    from math import floor, log10

    def r(x):
        e = floor(log10(abs(x)))
        return round(x / 10 ** e) * 10 ** e

    return r(a) == r(b)


def field(name: str, printed: Any, truth: Any, how: str = "exact", what: str = "", ev: dict | None = None) -> Result:
    """One printed field against its computed value: ``how`` is ``exact`` (equality), ``approx``
    (:func:`approx_holds`) or ``one_digit`` (:func:`same_at_one_digit` of a pair ``truth``)."""
    ev = {"printed": printed, "computed": truth, "comparison": how, **(ev or {})}
    if how == "exact":
        ok = printed == truth
    elif how == "approx":
        ok = approx_holds(int(printed), float(truth))
        ev["allowed"] = approx_unit(int(printed)) / 2
    elif how == "one_digit":
        ok = bool(printed) == same_at_one_digit(*truth)
    else:
        raise ValueError(f"how: must be exact, approx or one_digit, got {how!r}")
    label = f"{name}{' (' + what + ')' if what else ''}"
    if ok:
        return Result(Verdict.HOLDS, f"{label}: printed {printed}, computed {truth}", "exact", ev)
    return Result(Verdict.CORRECTED, f"{label}: printed {printed}, computed {truth}", "exact", ev,
                  correction=f"{label} = {truth if how != 'one_digit' else same_at_one_digit(*truth)}")
