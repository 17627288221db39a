"""K24 equations 1, 2, 4 and appendix H.1: gradient and Hessian blocks of the softmax
linear model, Proposition 2 (at initialisation and during training).

Truth is derived from :mod:`theorycheck.models.softmax_symbolic` (explicit scalar symbols,
``sp.diff``/``sp.hessian``) on the instances ``(c, d) = (3, 2)`` and ``(4, 3)``, with each
``exp(z_k)`` replaced by a positive symbol ``E_k`` so that identities are decided by
exact cancellation of rational functions. Printed statements (``printed()``) are SymPy
expressions in placeholder symbols:

* ``delta`` is ``1[y = k]``; ``p_k``, ``p_j`` the predicted probabilities;
* vector quantities enter linearly through scalar placeholders (``xbar_k``, ``xbar``),
  matrices through ``Hbar_k``/``Hbar``; the check substitutes their components.

The numeric part of ``K24.prop2.train`` uses :mod:`theorycheck.models.kernels` (numpy).
"""

from __future__ import annotations

from functools import lru_cache

from theorycheck.core.result import Result, Verdict

INSTANCES = ((3, 2), (4, 3))
#: the full profile adds a five-class instance
INSTANCES_FULL = INSTANCES + ((5, 2),)


def _instances(profile):
    return INSTANCES_FULL if profile == "full" else INSTANCES


def _sym():
    import sympy as sp

    return sp, {
        "delta": sp.Symbol("delta", nonnegative=True),  # 1[y = k]
        "p_k": sp.Symbol("p_k", positive=True),
        "p_j": sp.Symbol("p_j", positive=True),
        "p": sp.Symbol("p", positive=True),
        "c": sp.Symbol("c", positive=True),
        "pi_k": sp.Symbol("pi_k", positive=True),
        "xbar_k": sp.Symbol("xbar_k"),
        "xbar": sp.Symbol("xbar"),
        "Hbar_k": sp.Symbol("Hbar_k"),
        "Hbar": sp.Symbol("Hbar"),
        "xnorm_k": sp.Symbol("xnorm_k", positive=True),  # ||xbar^k||
        "trH_k": sp.Symbol("trH_k", positive=True),  # Tr(Hbar^k)
    }


# ------------------------------------------------------------------------------------------
# shared symbolic machinery
# ------------------------------------------------------------------------------------------

def _coef_check(derived, coef, subs_for):
    """Compare derived block coefficients with the printed coefficient.

    ``derived`` maps a label ``(c, d, y, k[, j])`` to ``(model, scalar)``: the block is
    ``scalar * x`` (gradient) or ``scalar * x x^T`` (Hessian), as proved by
    :func:`theorycheck.models.softmax_symbolic.gradient_coefficients` / ``hessian_coefficients``.
    ``subs_for(label, model)`` substitutes the placeholders. Returns ``(status, evidence)``
    with status proved / refuted / undecided."""
    import sympy as sp

    from theorycheck.core.symcheck import prove_zero
    from theorycheck.models.softmax_symbolic import is_zero_rational

    checked = 0
    for label, (m, g) in derived.items():
        target = sp.sympify(coef).subs(subs_for(label, m))
        diff = g - target
        checked += 1
        z = is_zero_rational([diff])
        if z:
            continue
        pr = prove_zero(diff)
        if pr.proved:
            continue
        if pr.refuted:
            return "refuted", {"instance (c, d, y, k[, j])": str(label), "blocks_checked": checked,
                               "derived_coefficient": str(g), "printed_coefficient": str(target),
                               "counterexample": pr.counterexample}
        return "undecided", {"instance": str(label), "residual": pr.as_evidence()}
    return "proved", {"blocks_checked": checked,
                      "how": "derived coefficient - printed coefficient == 0 in the field QQ(E_1..E_c)"}


@lru_cache(maxsize=None)
def _grad_blocks(instances=INSTANCES):
    """Gradient coefficients g_k (grad_{w_k} l = g_k x, proved) for every label y."""
    from theorycheck.models.softmax_symbolic import gradient_coefficients, model

    out = {}
    for c, d in instances:
        m = model(c, d)
        for y in range(c):
            for k, g in enumerate(gradient_coefficients(c, d, y)):
                out[(c, d, y, k)] = (m, g)
    return out


@lru_cache(maxsize=None)
def _hess_blocks(instances=INSTANCES, diagonal_only=False):
    """Hessian coefficients h_kj (H_kj = h_kj x x^T, proved; independent of y, which
    enters the loss only through the linear term -z_y)."""
    from theorycheck.models.softmax_symbolic import hessian_coefficients, model

    out = {}
    for c, d in instances:
        m = model(c, d)
        H = hessian_coefficients(c, d)
        for k in range(c):
            for j in range(c):
                if diagonal_only and j != k:
                    continue
                out[(c, d, None, k, j)] = (m, H[k][j])
    return out


def _p_subs(S):
    def f(label, m):
        P = m.probs_E()
        y, k = label[2], label[3]
        sub = {S["p_k"]: P[k]}
        if y is not None:
            sub[S["delta"]] = 1 if y == k else 0
        if len(label) > 4:
            sub[S["p_j"]] = P[label[4]]
        return sub

    return f


def _coef_result(name, coef, blocks, S, outer, truth_coef, truth_text):
    """Verdict for one printed block formula; the truth formula is proved too."""
    status, ev = _coef_check(blocks, coef, _p_subs(S))
    insts = sorted({(lab[0], lab[1]) for lab in blocks})
    ev = {"claimed": f"({coef}) * " + ("x x^T" if outer else "x"), "instances (c, d)": insts, **ev}
    if status == "proved":
        return Result(Verdict.HOLDS, f"{name} = ({coef}) * {'x x^T' if outer else 'x'} (proved)", "symbolic", ev)
    if status == "undecided":
        return Result(Verdict.INCONCLUSIVE, f"SymPy could not decide {name}", "symbolic", ev)
    t_status, t_ev = _coef_check(blocks, truth_coef, _p_subs(S))
    ev["truth"] = {"formula": truth_text, "status": t_status, **t_ev}
    if t_status != "proved":
        return Result(Verdict.INCONCLUSIVE, f"printed {name} refuted but the candidate correction was not proved",
                      "symbolic", ev)
    return Result(Verdict.CORRECTED, f"{name} as printed is refuted; truth: {truth_text}", "symbolic", ev,
                  correction=truth_text)

