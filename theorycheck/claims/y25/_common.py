"""Y25 (Yadav, Xie, Wang, Li 2025): sign descent vs normalized GD on the unigram model
``f(theta) = KL(p || softmax theta)`` with Zipf ``p_k ~ 1/k`` (kernels in :mod:`theorycheck.models.unigram`).

What is established here, independently of the paper:

* ``v^T hess f v = Var_s(v)`` (``s = softmax theta``). Popoviciu: ``Var_s(v) <= (max v - min v)^2/4``.
  For ``||v||_2 <= 1``, ``(v_i - v_j)^2 <= 2(v_i^2 + v_j^2) <= 2`` so ``Var <= 1/2``; for
  ``||v||_inf <= 1`` the range is ``<= 2`` so ``Var <= 1``. Both are approached by
  ``s -> (1/2, 1/2, 0, ...)``. Hence ``L_2 = 1/2`` and ``L_inf = 1`` exactly (suprema).
  ``L_inf`` is the constant of ``||grad f(x) - grad f(y)||_1 <= L ||x - y||_inf``, i.e.
  ``sup_theta ||H||_{inf->1} = sup_theta max_{||v||_inf <= 1} v^T H v`` (H is PSD). The other
  pairing ``||H||_{inf->inf}`` would give ``max_k 2 s_k (1 - s_k) <= 1/2``.
* ``min_c ||log p + c||_inf = (log p_1 - log p_d)/2 = (1/2) log d``; ``min_c ||log p + c||_2^2 =
  d Var(log p_k) = d V_d``.
* ``V_d = Var_{k ~ Unif[d]} log k`` increases strictly from ``V_2 = (log 2)^2/4`` to 1, with
  ``1 - V_d = [log^2 d/2 + (log 2pi - 1) log d - log 2pi - zeta''(0)]/d + O(log^2 d/d^2)``.
* ``L_diag = min{Tr A : A diagonal, A >= hess f(theta) for all theta} = d/2`` exactly: every
  2x2 principal block forces ``a_i + a_j >= 1`` (limit ``s_i = s_j = 1/2``) and ``A = I/2`` is
  feasible because ``L_2 = 1/2``.
"""

from __future__ import annotations

import functools

SRC = "Y25 (seed 000; statements as transcribed in SPEC.md)"


def _sp():
    import sympy as sp

    return sp


@functools.lru_cache(maxsize=1)
def _sym_smoothness():
    """Exact suprema from the 2-coordinate limit (SymPy), plus the symbolic steps of the upper
    bounds. Returns (L2, Linf, evidence)."""
    from theorycheck.core.symcheck import prove_zero

    sp = _sp()
    s, a, b = sp.symbols("s a b", real=True)
    H = sp.Matrix([[s * (1 - s), -s * (1 - s)], [-s * (1 - s), s * (1 - s)]])  # diag(s) - s s^T, d = 2
    lam = max(H.eigenvals().keys(), key=lambda e: e.subs(s, sp.Rational(1, 3)))
    L2 = sp.maximum(lam, s, sp.Interval(0, 1))
    v = sp.Matrix([1, -1])
    q = sp.expand((v.T * H * v)[0])
    Linf = sp.maximum(q, s, sp.Interval(0, 1))
    # range bound used by Popoviciu for ||v||_2 <= 1: 2(a^2 + b^2) - (a - b)^2 = (a + b)^2 >= 0
    rng = prove_zero(2 * (a**2 + b**2) - (a - b) ** 2 - (a + b) ** 2)
    # quadratic form identity v^T (diag s - s s^T) v = sum s v^2 - (sum s v)^2 on d = 4
    ss = sp.symbols("s1:5", positive=True)
    vv = sp.symbols("v1:5", real=True)
    Hs = sp.diag(*ss) - sp.Matrix(ss) * sp.Matrix(ss).T
    qf = (sp.Matrix(vv).T * Hs * sp.Matrix(vv))[0]
    var = sum(si * vi**2 for si, vi in zip(ss, vv)) - sum(si * vi for si, vi in zip(ss, vv)) ** 2
    ident = prove_zero(qf - var)
    ev = {"lambda_max_d2": str(lam), "sup_lambda_max_d2": str(L2), "vHv_at_v=(1,-1)": str(q),
          "sup_vHv_d2": str(Linf), "range_step": rng.as_evidence(), "quadform_is_variance": ident.as_evidence()}
    ok = rng.proved and ident.proved
    return L2, Linf, ok, ev
