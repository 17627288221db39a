"""The Hoorfar-Hassani (2008) bound on the Lambert W function, used in the proof of K24
lemma 6: ``W(x) = log x - log log x + delta(x)`` with ``1/2 <= delta log x / log log x <= e/(e-1)``
for ``x > e``.

Method (certified, no float anywhere): parametrise ``x > e`` by ``w = W(x) > 1``. Then
``y = log x = w + log w``, ``delta = log y - log w`` and the normalised remainder is
``D(w) = y (log y - log w) / log y`` (``D(w) -> 1/2`` as ``w -> 1+``, a removable 0/0), all
explicit in ``w``: no Lambert W is evaluated.

* compact part ``w in [1, W0]``: branch and bound on Arb balls (:mod:`theorycheck.core.certify`)
  of ``(log y - log w) y - L log y >= 0`` and ``U log y - (log y - log w) y >= 0`` (``D >= L`` and
  ``D <= U`` multiplied by ``log y > 0``; both vanish at ``w = 1``, where Taylor forms certify them);
* tail ``w >= W0``: the lemma of :func:`_tail_lemma` (each step checked by SymPy): with
  ``r = log(w)/w``, ``w/(w+1) <= D <= 1 + r``, so ``D`` lies in ``[W0/(W0+1), 1 + log(W0)/W0]``
  there; ``W0`` is the smallest power of 2 that puts this inside the printed bounds.

The supremum of ``D`` is enclosed the same way (:func:`theorycheck.core.certify.enclose_max`) and
the corrected or sharpened statement is built from the certified numbers.
"""

from __future__ import annotations

from functools import lru_cache

from theorycheck.claims.k24._flows_common import printed_hh08
from theorycheck.core import tolerances as tol
from theorycheck.core.papers import cite
from theorycheck.core.registry import Variant, claim
from theorycheck.core.result import Result, Verdict

# ---------------------------------------------------------------------------------------
# D in the variable w = W(x)
# ---------------------------------------------------------------------------------------


def _D(w, a=1):
    """``D_a(w) = (log y - log w) y^a / log y`` with ``y = w + log w`` (``a = 1``: the printed
    normalisation ``delta log x / log log x``)."""
    y = w + w.log()
    return (y.log() - w.log()) * (y if a == 1 else y ** a) / y.log()


def _g_lower(L, a):
    """``>= 0`` iff ``D_a(w) >= L`` (for ``w > 1``, where ``log y > 0``)."""

    def g(w):
        y = w + w.log()
        return (y.log() - w.log()) * (y if a == 1 else y ** a) - L * y.log()

    return g


def _g_upper(U, a):
    """``>= 0`` iff ``D_a(w) <= U`` (for ``w > 1``)."""

    def g(w):
        y = w + w.log()
        return U * y.log() - (y.log() - w.log()) * (y if a == 1 else y ** a)

    return g


def _arb_const(v, name):
    """A printed constant as an Arb ball, exactly (a SymPy Float is its binary value)."""
    import sympy as sp

    from theorycheck.core.certify import to_arb

    e = sp.sympify(v)
    if e.atoms(sp.Float):
        e = e.xreplace({fl: sp.Rational(fl) for fl in e.atoms(sp.Float)})
    return to_arb(e, name)


@lru_cache(maxsize=1)
def _tail_lemma() -> dict:
    """For ``w >= 1`` with ``r = log(w)/w``: ``w/(w+1) <= D(w) <= 1 + r``; ``r <= 1/e``; ``r`` decreases
    for ``w >= e``. Each step is a SymPy computation; returns ``{step: (statement, proved)}``."""
    import sympy as sp

    r, w = sp.symbols("r w", positive=True)
    steps = {}
    # (a) r - r^2/2 <= log(1 + r) <= r for r >= 0: both differences vanish at 0, derivatives >= 0
    g1, g2 = r - sp.log(1 + r), sp.log(1 + r) - r + r**2 / 2
    d1, d2 = sp.factor(sp.diff(g1, r)), sp.factor(sp.diff(g2, r))
    steps["log_bounds"] = ("r - r^2/2 <= log(1+r) <= r for r >= 0: differences 0 at r = 0 with derivatives "
                           f"{d1} >= 0 and {d2} >= 0", bool(g1.subs(r, 0) == 0 and g2.subs(r, 0) == 0
                                                             and d1.is_nonnegative and d2.is_nonnegative))
    # (b) y = w (1 + r), log y = log w + log(1 + r), w r = log w
    rw = sp.log(w) / w
    steps["y"] = ("y = w + log w = w (1 + r), r = log(w)/w", sp.expand(w * (1 + rw) - (w + sp.log(w))) == 0)
    # (c) D <= y r / log w = 1 + r   (log(1 + r) <= r, log y >= log w since r >= 0)
    steps["upper"] = ("D = y log(1+r)/log y <= w (1+r) r / log w = 1 + r",
                      sp.simplify(w * (1 + rw) * rw / sp.log(w) - (1 + rw)) == 0)
    # (d) D >= y (r - r^2/2)/(log w + r) = (1+r)(1-r/2) w/(w+1) >= w/(w+1)   (0 <= r <= 1)
    steps["lower"] = ("D >= y (r - r^2/2)/(log w + r) = (1+r)(1-r/2) w/(w+1), and (1+r)(1-r/2) - 1 = r(1-r)/2 >= 0",
                      sp.simplify(w * (1 + rw) * (rw - rw**2 / 2) / (sp.log(w) + rw)
                                  - (1 + rw) * (1 - rw / 2) * w / (w + 1)) == 0
                      and sp.factor(sp.expand((1 + r) * (1 - r / 2) - 1)) == sp.factor(r * (1 - r) / 2))
    # (e) r <= 1/e (maximum of log(w)/w at w = e), r decreasing for w >= e
    dr = sp.factor(sp.diff(rw, w))
    steps["r"] = (f"dr/dw = {dr}: r increases up to w = e and decreases after, so r <= 1/e <= 1",
                  sp.simplify(dr - (1 - sp.log(w)) / w**2) == 0 and sp.simplify(rw.subs(w, sp.E) - sp.exp(-1)) == 0)
    return steps


def _tail_bounds(W0):
    """``[W0/(W0+1), 1 + log(W0)/W0]``: the range of ``D`` over ``w >= W0 >= e`` (tail lemma)."""
    return W0 / (W0 + 1), 1 + W0.log() / W0


def _choose_W0(L, U):
    """The smallest ``W0 = 2^k`` (``k = 2..60``) whose tail range lies inside ``[L, U]`` (certified),
    or ``None``."""
    from flint import arb

    for k in range(2, 61):
        W0 = arb(2) ** k
        lo, hi = _tail_bounds(W0)
        if lo >= L and hi <= U:
            return W0
    return None


@lru_cache(maxsize=1)
def _sup():
    """Certified enclosure of ``sup_{x > e} D``: ``D <= 1`` on ``w in [1, 2]`` (certified), the
    maximum over ``[2, 2^12]`` by :func:`enclose_max`, and ``D <= 1 + log(2^12)/2^12 < max`` beyond."""
    from flint import arb

    from theorycheck.core.certify import certify_nonnegative, enclose_max, precision

    with precision(tol.CERTIFY_PREC_BITS):
        head = certify_nonnegative(_g_upper(arb(1), 1), 1, 2, statement="D(w) <= 1 on w in [1, 2]")
        m = enclose_max(lambda w: _D(w), 2, 2**12, geometric=True)
        _, tail_hi = _tail_bounds(arb(2) ** 12)
        ok = head.certified and bool(tail_hi < m.lower)
        w = m.at
        x = w * w.exp()
    return {"lower": m.lower, "upper": m.upper, "ok": ok, "w": w, "x": x, "log_x": w + w.log(),
            "evidence": {"head": head.as_evidence(), "max": m.as_evidence(), "tail_bound_beyond_2^12": str(tail_hi)}}


def _below_e(x_min, L, U, a):
    """The printed domain below ``e``: D at exact points ``w`` in ``(W(max(x_min, 1)), 1)`` (where
    ``0 < log x < 1``). Returns a counterexample or ``None``."""
    from flint import arb

    from theorycheck.core.certify import bound_str, exact_str

    lo = (x_min.max(arb(1))).lambertw()
    for k in range(1, 16):
        w = (1 - (1 - lo) / arb(2) ** k).mid()
        if not (w > lo and w < 1):
            continue
        y = w + w.log()
        if not (y > 0):
            continue
        D = _D(w, a)
        if D < L or D > U:
            return {"w": exact_str(w), "x = w e^w": (w * w.exp()).str(20), "log_x": y.str(20),
                    "D": [bound_str(D, "lower"), bound_str(D, "upper")], "bounds": [str(L), str(U)]}
    return None


def _hh08(lower, upper, x_min, profile: str, norm_exponent=1) -> Result:
    """Certify ``lower <= D <= upper`` on ``x > x_min`` (see the module docstring)."""
    import sympy as sp
    from flint import arb

    from theorycheck.core.certify import bound_str, certify_nonnegative, exact_str, precision

    a = sp.nsimplify(norm_exponent)
    with precision(tol.CERTIFY_PREC_BITS):
        L, U, xm = _arb_const(lower, "lower"), _arb_const(upper, "upper"), _arb_const(x_min, "x_min")
        a_arb = 1 if a == 1 else _arb_const(a, "norm_exponent")
        e = arb.const_e()
        ev = {"printed": {"lower": str(lower), "upper": str(upper), "x_min": str(x_min),
                          "normalisation": f"delta(x) log(x)^{a} / log(log(x))"},
              "parametrisation": "w = W(x) > 1 <=> x > e; log x = w + log w; delta = log(log x) - log w",
              "prec_bits": tol.CERTIFY_PREC_BITS}
        # 1. below e: the normalised form changes sign structure (log log x < 0)
        if xm < e:
            ce = _below_e(xm, L, U, a_arb)
            if ce is not None:
                return Result(Verdict.FAILS, f"for x in ({x_min}, e) the normalised bound fails (D in [{ce['D'][0]}, "
                              f"{ce['D'][1]}] at log x = {ce['log_x'][:12]})", "numeric",
                              {**ev, "range": f"x in ({x_min}, e)", "counterexample": ce}, strength="certified")
            ev["below_e"] = "no violation found at 15 exact points of (x_min, e): not certified there"
        w_start = arb(1) if not (xm > e) else xm.lambertw().lower()
        # 2. the tail
        tail = _tail_lemma() if a == 1 else None
        W0 = _choose_W0(L, U) if (tail is not None and all(p for _, p in tail.values())) else None
        W_end = W0 if W0 is not None else arb(2) ** 20
        ev["compact"] = {"w_range": [exact_str(w_start), exact_str(W_end)], "x_range": f"[W^-1({w_start.str(10)}), "
                         f"{(W_end * W_end.exp()).str(6)}]"}
        if tail is not None:
            ev["tail_lemma"] = {k: {"statement": s, "proved": p} for k, (s, p) in tail.items()}
        # 3. the compact part, certified
        cl = certify_nonnegative(_g_lower(L, a_arb), w_start, W_end, geometric=True,
                                 statement=f"D(w) >= {lower} (times log y)")
        cu = certify_nonnegative(_g_upper(U, a_arb), w_start, W_end, geometric=True,
                                 statement=f"D(w) <= {upper} (times log y)")
        ev["lower_certificate"], ev["upper_certificate"] = cl.as_evidence(), cu.as_evidence()
        for name, cert, bound in (("lower", cl, lower), ("upper", cu, upper)):
            if cert.refuted:
                w = _point(cert.counterexample["x"])
                D = _D(w, a_arb)
                ce = {"w": cert.counterexample["x"], "x = w e^w": (w * w.exp()).str(15), "log_x": (w + w.log()).str(15),
                      "D": [bound_str(D, "lower"), bound_str(D, "upper")], "printed_bound": str(bound)}
                return Result(Verdict.FAILS, f"{name} bound {bound} violated: D in [{ce['D'][0]}, {ce['D'][1]}] at log x "
                              f"= {ce['log_x'][:14]}", "numeric", {**ev, "range": ev["compact"]["x_range"],
                                                                  "counterexample": ce}, strength="certified")
        if not (cl.certified and cu.certified) or W0 is None:
            why = ("branch and bound left pieces undecided" if not (cl.certified and cu.certified) else
                   "no tail argument covers x -> infinity for these constants (or this normalisation)")
            return Result(Verdict.INCONCLUSIVE, f"bounds not violated on the compact part, but {why}", "numeric", ev)
        lo_t, hi_t = _tail_bounds(W0)
        ev["tail"] = {"W0": exact_str(W0), "D_range_for_w_ge_W0": [bound_str(lo_t, "lower"), bound_str(hi_t, "upper")]}
        ev["range"] = "x > e: w = W(x) in [1, W0] by branch and bound on Arb balls, w >= W0 by the tail lemma"
        # 4. sharpness: the infimum is 1/2 (limit at x -> e+, D >= w/(w+1) > 1/2), the supremum is enclosed
        s = _sup()
        half = arb(1) / 2
        ev["sup"] = {"D_max_in": [bound_str(s["lower"], "lower"), bound_str(s["upper"], "upper")],
                     "at_log_x": s["log_x"].str(12, radius=False), "at_x": s["x"].str(12, radius=False), **s["evidence"]}
        ev["inf"] = "1/2: the limit at x -> e+ (not attained; D >= w/(w+1) > 1/2 for w > 1, tail lemma (d))"
        rel = _arb_const(sp.Rational(1) * sp.nsimplify(tol.HH08_SHARP_REL), "HH08_SHARP_REL")
        loose_up = bool(U > s["upper"] * (1 + rel))
        loose_lo = bool(L < half * (1 - rel))
        if s["ok"] and (loose_up or loose_lo):
            m_hi = bound_str(s["upper"], "upper", 10)
            better = []
            if loose_up:
                better.append(f"the upper constant {upper} (= {bound_str(U, 'upper', 6)}) can be lowered to {m_hi}")
            if loose_lo:
                better.append(f"the lower constant {lower} can be raised to 1/2")
            corr = (f"for x > e: 1/2 < delta(x) log(x)/log(log(x)) <= {m_hi} (certified: the maximum lies in "
                    f"[{bound_str(s['lower'], 'lower', 10)}, {m_hi}], reached near log x = {s['log_x'].str(7, radius=False)}); the "
                    f"infimum 1/2 is the limit at x -> e+ and the limit at infinity is 1; " + "; ".join(better))
            return Result(Verdict.SHARPENED, f"bounds hold (certified on x > e); D ranges over (1/2, "
                          f"{bound_str(s['upper'], 'upper', 7)}], " + "; ".join(better), "numeric", ev,
                          correction=corr, strength="certified")
        return Result(Verdict.HOLDS, "bounds hold on x > e (certified) and are sharp", "numeric", ev,
                      strength="certified")


def _point(s: str):
    """The exact dyadic ``m*2^e`` written by :func:`theorycheck.core.certify.exact_str`, as an arb."""
    from flint import arb

    m, e = s.split(" ")[0].split("*2^")
    return arb(int(m)) * arb(2) ** int(e)


def variants_hh08(pr):
    """Wrong forms of the bound (constants, sign, exponent, the dependence on x through the
    normalisation, the domain), and true stronger ones."""
    import sympy as sp

    L, U = pr["lower"], pr["upper"]
    return [
        Variant("upper constant 1 (below the maximum 1.0237...)", "constant", {**pr, "upper": sp.Integer(1)}),
        Variant("lower constant 3/5", "constant", {**pr, "lower": sp.Rational(6, 5) * L}),
        Variant("upper sign flipped", "sign", {**pr, "upper": -U}),
        Variant("upper exponent -1: (e-1)/e", "exponent", {**pr, "upper": 1 / U}),
        Variant("normalisation log(x)^2 / log log x", "dependence", {**pr, "norm_exponent": 2}, param="x"),
        Variant("domain x > 1", "other", {**pr, "x_min": sp.Integer(1)}),
        Variant("upper constant 1 + 1/e (true, stronger)", "stronger", {**pr, "upper": 1 + sp.exp(-1)}),
        Variant("upper constant 1.0238 (true, nearly sharp)", "stronger", {**pr, "upper": sp.Rational(10238, 10000)}),
    ]


@claim(
    "HH08.lambertw",
    provenance="seed-fulltext",
    source=cite("HH08", "Theorem 2.7") + "; as used in " + cite("K24", "appendix I (Lemma 6)"),
    statement="For x > e: W(x) = log x - log log x + delta(x) with 1/2 <= delta(x) log(x)/log(log(x)) <= e/(e-1).",
    printed=printed_hh08, parameters=("x",), variants=variants_hh08,
)
def check_hh08(p, profile):
    return _hh08(p["lower"], p["upper"], p["x_min"], profile, p.get("norm_exponent", 1))
