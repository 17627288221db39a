"""Indexed sums over a symbolic range ``i = 1..d``: normalising them by linearity so that SymPy
can prove identities that hold for EVERY ``d`` (not only at instances).

:func:`lin_sums` rewrites every ``Sum`` by the identities of finite sums (valid for each ``d``):
split into terms, factors free of the index pulled out, ``Sum(1) = b - a + 1``, an inner sum of a
``KroneckerDelta(i, j)`` evaluated (``1 <= i <= d``), a double sum of a product ``g(i) h(j)``
factorised, and the summation index renamed to one canonical dummy (so ``Sum(f(j), j)`` and
``Sum(f(i), i)`` cancel). A typical use::

    d = Symbol("d", integer=True, positive=True); i = Symbol("i", integer=True, positive=True)
    s, v = IndexedBase("s"), IndexedBase("v")
    E = lambda f: Sum(s[i] * f, (i, 1, d))
    expr = lin_sums(E((v[i] - c)**2) - (E(v[i]**2) - E(v[i])**2) - (E(v[i]) - c)**2)
    prove_zero(expr.subs(lin_sums(Sum(s[i], (i, 1, d))), 1))   # proved, for every d
"""

from __future__ import annotations


def _sp():
    import sympy as sp

    return sp


# ----------------------------------------------------------------------------------------------

def lin_sums(e):
    """Normalise sums in ``e`` by linearity: every ``Sum(f, (i, a, b))`` is split into its terms,
    factors free of ``i`` are pulled out, ``Sum(1) = b - a + 1``, a ``KroneckerDelta(i, j)`` inner
    sum is evaluated (``1 <= i <= d``) and a double sum of a product ``g(i) h(j)`` factorises into
    ``Sum(g) Sum(h)``. Each rewrite is an identity of finite sums, valid for every ``d``."""
    sp = _sp()

    def one(x):
        f = sp.expand(x.function)
        limits = list(x.limits)
        out = 0
        for term in sp.Add.make_args(f):
            out += _sum_term(term, limits)
        return out

    prev = None
    e = sp.expand(e)
    while prev != e:
        prev = e
        e = sp.expand(e.replace(lambda y: isinstance(y, sp.Sum), one))
    return e


def _sum_term(term, limits):
    sp = _sp()
    if not limits:
        return term
    # a Kronecker delta between two summation indices: sum over the inner one
    for fac in sp.Mul.make_args(term):
        if isinstance(fac, sp.KroneckerDelta) and len(limits) >= 2:
            a, b = fac.args
            idx = {lim[0] for lim in limits}
            if a in idx and b in idx:
                rest = sp.Mul(*[g for g in sp.Mul.make_args(term) if g is not fac]).subs(b, a)
                return _sum_term(rest, [lim for lim in limits if lim[0] != b])
    # split the factors by the summation indices they contain
    groups = {lim[0]: [] for lim in limits}
    free = []
    for fac in sp.Mul.make_args(term):
        hits = [iv for iv in groups if fac.has(iv)]
        if len(hits) > 1:  # not separable: keep the sum (constants out)
            inner = sp.Mul(*[g for g in sp.Mul.make_args(term) if any(g.has(iv) for iv in groups)])
            return sp.Mul(*[g for g in sp.Mul.make_args(term) if not any(g.has(iv) for iv in groups)]) * sp.Sum(inner, *limits)
        (groups[hits[0]] if hits else free).append(fac)
    out = sp.Mul(*free)
    k = sp.Symbol("k_", integer=True, positive=True)  # canonical dummy: Sum(f(j), j) == Sum(f(i), i)
    for (iv, a, b) in limits:
        out *= sp.Sum(sp.Mul(*groups[iv]).subs(iv, k), (k, a, b)) if groups[iv] else (b - a + 1)
    return out


def resolve_ranges(expr, ranges: dict):
    """``doit()`` ``expr`` and drop the ``Piecewise`` conditions that only say an index lies in its
    range, returning ``(expr, resolved)``.

    ``ranges`` maps an index symbol ``k`` to its upper end ``n_k`` (the statement quantifies over
    ``1 <= k <= n_k``). SymPy's ``Sum`` of a ``KroneckerDelta(k, m)`` over ``m = 1..n`` leaves
    ``Piecewise((f(k), (1 <= k) & (k <= n)), (0, True))``; a branch whose every condition is
    ``1 <= k`` or ``k <= n_k`` for an index of ``ranges`` is true by the quantifiers and is taken.
    Anything else stays, so a caller can check ``expr.has(Piecewise)`` and refuse to conclude.
    ``resolved`` lists each condition dropped (sorted, distinct), to be shown in the evidence.
    """
    sp = _sp()
    resolved = []

    def in_range(r):
        if not isinstance(r, (sp.Le, sp.Ge)):
            return False
        lo, hi = r.lts, r.gts
        return (lo in ranges and ranges[lo] == hi) or (hi in ranges and lo == 1)

    def fix(pw):
        for val, cond in pw.args:
            if cond is sp.true:
                return val
            rels = cond.args if isinstance(cond, sp.And) else (cond,)
            if all(in_range(r) for r in rels):
                resolved.append(str(cond))
                return val
        return pw

    prev = None
    while prev != expr:
        prev = expr
        expr = expr.replace(lambda s_: isinstance(s_, sp.Piecewise), fix).doit()
    return expr, sorted(set(resolved))
