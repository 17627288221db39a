"""Certified bounds on ``V_d = Var_{k ~ Unif[d]} log k`` for EVERY integer ``d >= 2`` (ball
arithmetic, python-flint, via :mod:`theorycheck.core.certify`).

Two pieces:

* ``2 <= d <= D``: the sums ``S_1(d) = sum_{k<=d} log k`` and ``S_2(d) = sum_{k<=d} log^2 k`` are
  accumulated in Arb balls (every rounding enclosed), so ``V_d = S_2/d - (S_1/d)^2`` and every
  increment ``V_{d+1} - V_d`` is a certified ball.
* ``d > D`` (the unbounded tail): Euler-Maclaurin with the remainder of order 4 (DLMF 2.10.1,
  ``|B_4 - B~_4(x)| <= 1/16``): for ``f`` with ``f'''' <= 0`` on ``[n, oo)``,
  ``sum_{k<=n} f(k) = C + F(n) + f(n)/2 + f'(n)/12 - t(n)`` with ``0 <= t(n) <= f'''(n)/384``.
  For ``f = log`` (``f''' = 2/x^3``) and ``f = log^2`` (``f''' = (4 log x - 6)/x^3``, ``f'''' <= 0`` for
  ``x >= 7``) this gives ``S_1 = C_1 + n L - n + L/2 + 1/(12 n) - t_1``,
  ``S_2 = C_2 + n L^2 - 2 n L + 2 n + L^2/2 + L/(6 n) - t_2`` (``L = log n``); the constants are
  enclosed from the exact sums at ``n = D`` (``C = S(D) - A(D) + t(D)``, ``t(D)`` in its interval).
  SymPy checks the identity
  ``n (1 - V_n) = L^2/2 + (2 C_1 - 1) L - (2 C_1 + C_2) - 1/(6n) - 2 (L - 1) t_1 + t_2 + Q^2/n``,
  ``Q = L/2 + C_1 + 1/(12 n) - t_1``, and Welford's identity
  ``V_{n+1} - V_n = [n (log(n+1) - S_1/n)^2 - (n+1) V_n]/(n+1)^2``. From them, for ``n >= D``:
  ``n (1 - V_n) >= P(L) - r(n) > 0`` (``P`` increasing in ``L``, ``r`` decreasing in ``n``: checked
  at ``n = D`` in Arb), ``1 - V_n <= U(n)`` with ``U`` a sum of decreasing terms ``L^k/n^m`` (so
  ``V_n >= 1 - U(D) > V_2`` and ``V_n -> 1``), and ``n (log(n+1) - S_1/n)^2 - (n+1) V_n >= M(L) - s(n) > 0``
  (``V`` increasing), again with ``M`` increasing and ``s`` decreasing, checked at ``D``.

Together: ``V_2 = (log 2)^2/4 <= V_d < 1`` for every ``d >= 2``, ``V_d`` strictly increasing, and
``1 - V_d <= U(d) -> 0``.
"""

from __future__ import annotations

import functools

from theorycheck.core import tolerances as tol


def _sp():
    import sympy as sp

    return sp


@functools.lru_cache(maxsize=1)
def tail_identities() -> dict:
    """SymPy proofs of the two identities used for the tail (``n (1 - V_n)`` expanded, Welford)."""
    from theorycheck.core.symcheck import prove_zero

    sp = _sp()
    n, L, C1, C2, t1, t2, S1, S2, x = sp.symbols("n L C1 C2 t1 t2 S1 S2 x", positive=True)
    s1 = C1 + n * L - n + L / 2 + 1 / (12 * n) - t1
    s2 = C2 + n * L**2 - 2 * n * L + 2 * n + L**2 / 2 + L / (6 * n) - t2
    Q = L / 2 + C1 + 1 / (12 * n) - t1
    lhs = n - s2 + s1**2 / n  # n (1 - V_n), V_n = S_2/n - (S_1/n)^2
    rhs = L**2 / 2 + (2 * C1 - 1) * L - (2 * C1 + C2) - 1 / (6 * n) - 2 * (L - 1) * t1 + t2 + Q**2 / n
    expansion = prove_zero(lhs - rhs)
    V = lambda a, b, m: a / m - (b / m) ** 2
    welford = prove_zero(V(S2 + x**2, S1 + x, n + 1) - V(S2, S1, n) - (n * (x - S1 / n) ** 2 - (n + 1) * V(S2, S1, n)) / (n + 1) ** 2)
    # decreasing terms L^k/n^m (L = log n): d/dn = (k - m L) L^(k-1)/n^(m+1) < 0 for L > k/m
    k, m, nn = sp.symbols("k m n", positive=True)
    dec = prove_zero(sp.diff(sp.log(nn) ** k / nn**m, nn) - (k - m * sp.log(nn)) * sp.log(nn) ** (k - 1) / nn ** (m + 1))
    return {"n(1 - V_n) expansion": expansion, "Welford increment": welford, "d/dn L^k/n^m": dec}


@functools.lru_cache(maxsize=4)
def certify_vd(D: int, prec: int = tol.CERTIFY_PREC_BITS) -> dict:
    """Certified facts about ``V_d`` for every ``d >= 2`` (see the module docstring): the balls of
    ``V_d`` for ``d <= D`` (kept as a list of ``(d, ball)``), the tail constants and checks.

    Returns a dict with ``ok`` (every step certified), ``V`` (``d -> arb`` for ``2 <= d <= D``),
    ``increasing_upto_D``, ``tail`` (the arb values of the checks at ``D``) and ``U`` (a function
    ``n -> arb`` upper bound of ``1 - V_n`` valid for ``n >= D``, decreasing to 0).
    """
    from flint import arb

    from theorycheck.core.certify import bound_str, precision

    if not (isinstance(D, int) and D >= 100):
        raise ValueError(f"D: the enumerated range must end at an integer >= 100, got {D!r}")
    ids = tail_identities()
    with precision(prec):
        S1, S2 = arb(0), arb(0)
        V = {}
        incr_ok, min_incr = True, None
        prev = None
        for k in range(1, D + 1):
            lk = arb(k).log()
            S1 += lk
            S2 += lk * lk
            if k >= 2:
                v = S2 / k - (S1 / k) ** 2
                V[k] = v
                if prev is not None:
                    dv = v - prev
                    incr_ok = incr_ok and bool(dv > 0)
                    min_incr = dv if min_incr is None else min_incr.min(dv)
                prev = v
        n = arb(D)
        L = n.log()
        e1 = 1 / (192 * n**3)
        e2 = (4 * L - 6) / (384 * n**3)
        A1 = n * L - n + L / 2 + 1 / (12 * n)
        A2 = n * L**2 - 2 * n * L + 2 * n + L**2 / 2 + L / (6 * n)
        C1 = S1 - A1 + arb.union(arb(0), e1)
        C2 = S2 - A2 + arb.union(arb(0), e2)
        stirling = bool(arb.union(C1, C1).overlaps((2 * arb.pi()).log() / 2))
        P = L**2 / 2 + (2 * C1 - 1) * L - (2 * C1 + C2)
        r = 1 / (6 * n) + (L - 1) / (96 * n**3)
        M = L**2 / 2 + (2 * C1 - 2) * L + (1 - 4 * C1 - C2)
        s = 4 / (3 * n) + (L - 1) / (96 * n**3)

        def U(nn):
            """Upper bound of ``1 - V_nn`` for ``nn >= D`` (a sum of nonnegative terms
            ``c L^k/n^m``, each decreasing for ``L > 2``)."""
            nb = arb(nn)
            Lb = nb.log()
            Qp = Lb / 2 + C1 + 1 / (12 * nb)
            return (Lb**2 / 2 + abs(2 * C1 - 1) * Lb + abs(2 * C1 + C2) + (4 * Lb - 6) / (384 * nb**3) + Qp**2 / nb) / nb

        V2 = (arb(2).log() / 2) ** 2
        conds = {
            "f'''' <= 0 on [D, oo) for log^2 (L >= 11/6)": bool(L >= arb(11) / 6),
            "P increasing (L > 1 - 2 C_1)": bool(L > 1 - 2 * C1),
            "M increasing (L > 2 - 2 C_1)": bool(L > 2 - 2 * C1),
            "terms L^k/n^m decreasing (L > 2 >= k/m)": bool(L > 2),
            "C_1 = log(2 pi)/2 (Stirling) inside its enclosure": stirling,
        }
        checks = {
            "V_n < 1 for n >= D: P(log D) - r(D) > 0": P - r,
            "V_n > V_2 for n >= D: 1 - U(D) - V_2 > 0": 1 - U(D) - V2,
            "V_(n+1) > V_n for n >= D: M(log D) - s(D) > 0": M - s,
            "V_D < 1 (enumeration end)": 1 - V[D],
        }
        tail_ok = all(conds.values()) and all(bool(v > 0) for v in checks.values())
        vals = {d: v for d, v in V.items()}
        below_one = all(bool(v < 1) for v in vals.values())
        # V_2 is the minimum because V increases (certified increments); its ball is that of (log 2)^2/4
        above_v2 = incr_ok and bool(V[2].overlaps(V2))
        ok = (tail_ok and incr_ok and below_one and above_v2
              and all(p.proved for p in ids.values()))
        ev = {
            "range": f"every integer d >= 2 (d <= {D} enumerated in Arb balls at {prec} bits; d > {D} by the "
                     "Euler-Maclaurin tail bounds)",
            "enumerated_upto": D, "prec_bits": prec,
            "V_2": [bound_str(V[2], "lower"), bound_str(V[2], "upper")],
            "V_D": [bound_str(V[D], "lower"), bound_str(V[D], "upper")],
            "min_increment_upto_D (lower end)": bound_str(min_incr, "lower"),
            "increasing_upto_D": incr_ok, "all_below_1_upto_D": below_one, "all_above_V2_upto_D": above_v2,
            "C_1 enclosure": [bound_str(C1, "lower"), bound_str(C1, "upper")],
            "C_2 enclosure": [bound_str(C2, "lower"), bound_str(C2, "upper")],
            "tail_conditions": conds,
            "tail_checks (certified lower ends, > 0 needed)": {k: bound_str(v, "lower") for k, v in checks.items()},
            "identities (SymPy)": {k: p.as_evidence() for k, p in ids.items()},
            "1 - V_d <= U(d) -> 0": "U(d) = [L^2/2 + |2C_1 - 1| L + |2C_1 + C_2| + (4L - 6)/(384 d^3) + "
                                    "(L/2 + C_1 + 1/(12 d))^2/d]/d, L = log d",
        }
    return {"ok": ok, "V": vals, "V2": V2, "U": U, "C1": C1, "C2": C2, "evidence": ev, "D": D, "prec": prec}


def v_lower_upper(cert: dict, n: int):
    """A certified ``[lo, hi]`` (Arb balls) containing ``V_n``: the enumerated ball for ``n <= D``,
    else ``[1 - U(n), 1)`` from the tail bound."""
    from flint import arb

    from theorycheck.core.certify import precision

    with precision(cert["prec"]):
        if n <= cert["D"]:
            v = cert["V"][n]
            return v.lower(), v.upper()
        return (1 - cert["U"](n)).lower(), arb(1)
