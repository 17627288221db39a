"""K24 section 3.3, the remarks after Theorem 3 (``K24.sec33.remarks``).

"In theorem 3, the loss is monotonically decreasing for all classes. This no longer holds once we
introduce a bias term and the loss from low-frequency classes will instead first increase";
"the problem is inadequate to study large step-sizes, as it can be solved in one large step"
(and before: "a possible solution is W = alpha I with alpha -> oo").

Truth, on the simple imbalanced setting (``x_i = e_k`` for class ``k``, ``L = sum_k pi_k l_k(w^k)``
where ``w^k`` is column ``k`` of ``W`` and ``l_k(w) = -log softmax(w)_k``):

* without bias the loss separates over columns, so along gradient flow
  ``d l_k/dt = -pi_k ||softmax(w^k) - e_k||^2 < 0`` and along sign flow ``-||softmax(w^k) - e_k||_1 < 0``
  (verified symbolically for ``c = 3`` with the flows written out, and numerically along the flows);
* with a bias ``b`` (logits ``w^j + b`` for input ``e_j``), at ``W = 0, b = 0`` gradient flow gives
  ``d l_k/dt = -<grad l_k, grad L> = 1/c - pi_k (2 - 1/c)`` (derived symbolically for ``c = 4`` with
  free frequencies, and checked numerically for other ``c``): class ``k`` first increases iff
  ``pi_k < 1/(2c - 1)``; a run of GD with a small step shows those classes rise, peak and fall
  below their initial loss;
* one GD step of size ``alpha`` from ``W = 0`` gives ``l_k = log(1 + (c-1) exp(-alpha pi_k))``, and
  ``W = alpha I`` gives ``log(1 + (c-1) e^{-alpha})``: both tend to 0 as ``alpha -> oo`` (SymPy).
"""

from __future__ import annotations

import functools

import numpy as np

from theorycheck.core import tolerances as tol
from theorycheck.core.papers import cite
from theorycheck.core.registry import Variant, claim
from theorycheck.core.result import Result, Verdict, combine

#: Which classes "first increase" once a bias is added, as a rule on the frequencies.
RULES = ("low-frequency", "high-frequency", "all", "none")


def printed_remarks():
    return {"monotone_without_bias": True, "first_increase_with_bias": "low-frequency", "one_step_solves": True}


def _softmax_cols(Z):
    Z = Z - Z.max(0)
    P = np.exp(Z)
    return P / P.sum(0)


def initial_slopes(pi) -> np.ndarray:
    """``d l_k/dt`` at ``W = 0, b = 0`` under gradient flow with a bias, from the gradients themselves:
    ``grad_{w^j} L = pi_j (u - e_j)``, ``grad_b L = sum_j pi_j (u - e_j)`` (``u = 1/c``), and
    ``grad l_k`` = ``(u - e_k)`` in column ``k`` and in ``b``; ``d l_k/dt = -<grad l_k, grad L>``."""
    pi = np.asarray(pi, float)
    c = pi.size
    P = _softmax_cols(np.zeros((c, c)))
    G = (P - np.eye(c)) * pi[None, :]
    gb = G.sum(1)
    out = np.empty(c)
    for k in range(c):
        gk = P[:, k] - np.eye(c)[:, k]
        out[k] = -(gk @ G[:, k] + gk @ gb)
    return out


@functools.lru_cache(maxsize=4)
def _symbolic_slope_c4():
    """``d l_k/dt`` at 0 with a bias for ``c = 4`` and free frequencies (pi_4 = 1 - pi_1 - pi_2 - pi_3),
    differentiated by SymPy, minus ``1/c - pi_k (2 - 1/c)``; and the no-bias identity for ``c = 3``."""
    import sympy as sp

    from theorycheck.core.symcheck import prove_zero

    c = 4
    pis = list(sp.symbols("pi1:4", positive=True))
    pis.append(1 - sum(pis))
    W = sp.Matrix(c, c, lambda i, j: sp.Symbol(f"w{i}{j}"))
    b = sp.Matrix(c, 1, lambda i, j: sp.Symbol(f"b{i}"))
    params = list(W) + list(b)

    def lk(k):
        z = [W[i, k] + b[i] for i in range(c)]
        return -z[k] + sp.log(sum(sp.exp(zi) for zi in z))

    L = sum(pis[k] * lk(k) for k in range(c))
    zero = {q: 0 for q in params}
    gL = [sp.diff(L, q).subs(zero) for q in params]
    res = []
    for k in range(c):
        gk = [sp.diff(lk(k), q).subs(zero) for q in params]
        slope = -sum(a * bb for a, bb in zip(gk, gL))
        res.append(prove_zero(slope - (sp.Rational(1, c) - pis[k] * (2 - sp.Rational(1, c)))))
    # no bias, c = 3: along gradient flow dl_k/dt = -pi_k ||softmax(w^k) - e_k||^2 (any W)
    c3 = 3
    p3 = list(sp.symbols("q1:3", positive=True)) + [1 - sp.Symbol("q1", positive=True) - sp.Symbol("q2", positive=True)]
    V = sp.Matrix(c3, c3, lambda i, j: sp.Symbol(f"v{i}{j}"))
    vs = list(V)

    def lk3(k):
        return -V[k, k] + sp.log(sum(sp.exp(V[i, k]) for i in range(c3)))

    L3 = sum(p3[k] * lk3(k) for k in range(c3))
    flow = {q: -sp.diff(L3, q) for q in vs}
    nob = []
    for k in range(c3):
        dl = sum(sp.diff(lk3(k), q) * flow[q] for q in vs)
        den = sum(sp.exp(V[i, k]) for i in range(c3))
        sq = sum((sp.exp(V[i, k]) / den - (1 if i == k else 0)) ** 2 for i in range(c3))
        nob.append(prove_zero(dl + p3[k] * sq))
    return res, nob


def first_rise_runs(pi, alpha: float = 0.5, steps: int = 2000) -> dict:
    """GD with a bias from 0 on the simple setting: for each class, whether its loss rises above the
    initial value, the step of its peak, and whether it later falls below the initial value."""
    pi = np.asarray(pi, float)
    c = pi.size
    W, b = np.zeros((c, c)), np.zeros(c)
    hist = []
    for _ in range(steps + 1):
        P = _softmax_cols(W + b[:, None])
        hist.append(-np.log(np.diag(P)))
        G = (P - np.eye(c)) * pi[None, :]
        W -= alpha * G
        b -= alpha * G.sum(1)
    h = np.array(hist)
    l0 = h[0]
    peak = h.argmax(0)
    rose = h.max(0) > l0 * (1 + 1e-12)
    later_below = np.array([bool(np.any(h[peak[k]:, k] < l0[k])) for k in range(c)])
    return {"rose": rose, "peak_step": peak, "later_below": later_below, "final": h[-1]}


def flows_monotone(pi, steps: int = 3000, dt: float = 1e-2) -> dict:
    """Small-step Euler for gradient flow and sign flow without bias from 0: the largest relative increase
    of any class loss between consecutive steps (negative: every class decreases at every step; rounding
    allows ``SIM_FLOAT64_REL``)."""
    pi = np.asarray(pi, float)
    c = pi.size
    out = {}
    for name in ("gradient flow", "sign flow"):
        W = np.zeros((c, c))
        prev = None
        worst = -np.inf
        for _ in range(steps):
            P = _softmax_cols(W)
            lk = -np.log(np.diag(P))
            if prev is not None:
                live = prev > 1e-290  # below, the losses have underflowed: no information left
                if live.any():
                    worst = max(worst, float(np.max((lk - prev)[live] / prev[live])))
            prev = lk
            G = (P - np.eye(c)) * pi[None, :]
            W -= dt * (G if name == "gradient flow" else np.sign(G))
        out[name] = worst
    return out


def _zipf(c):
    w = 1 / np.arange(1, c + 1)
    return w / w.sum()


@functools.lru_cache(maxsize=4)
def _mono_cached(c: int, steps: int) -> dict:
    return flows_monotone(_zipf(c), steps=steps)


@functools.lru_cache(maxsize=4)
def _rise_cached(c: int, steps: int) -> dict:
    return first_rise_runs(_zipf(c), steps=steps)


def _variants(p):
    return [
        Variant("not monotone without a bias", "sign", {**p, "monotone_without_bias": False}),
        Variant("with a bias, high-frequency classes first increase", "part", {**p, "first_increase_with_bias": "high-frequency"}),
        Variant("with a bias, every class first increases", "dependence", {**p, "first_increase_with_bias": "all"}, "pi"),
        Variant("with a bias, no class increases", "other", {**p, "first_increase_with_bias": "none"}),
        Variant("no single step solves it", "other", {**p, "one_step_solves": False}),
        Variant("exactly the classes with pi_k < 1/(2c-1) first increase", "stronger",
                {**p, "first_increase_with_bias": "threshold 1/(2*c-1)"}),
        Variant("exactly the classes with pi_k < 1/c first increase", "constant",
                {**p, "first_increase_with_bias": "threshold 1/c"}),
    ]


def _rule_set(rule: str, pi: np.ndarray) -> np.ndarray | None:
    """The classes a rule says first increase (None for the qualitative 'low-frequency')."""
    c = pi.size
    if rule == "all":
        return np.ones(c, bool)
    if rule == "none":
        return np.zeros(c, bool)
    if rule.startswith("threshold "):
        import sympy as sp

        thr = float(sp.sympify(rule.split(" ", 1)[1]).subs(sp.Symbol("c"), c))
        return pi < thr
    return None


@claim("K24.sec33.remarks", provenance="seed-fulltext", source=cite("K24", "section 3.3, after Theorem 3"),
       statement=("'in theorem 3, the loss is monotonically decreasing for all classes. This no longer holds once we "
                  "introduce a bias term and the loss from low-frequency classes will instead first increase'; 'the "
                  "problem ... can be solved in one large step' (a solution is W = alpha I, alpha -> oo)."),
       printed=printed_remarks, parameters=("pi",), variants=_variants)
def check_remarks(p, profile):
    import sympy as sp

    parts = {}
    res, nob = _symbolic_slope_c4()
    # (a) monotone without bias
    mono = _mono_cached(20, 1500 if profile == "quick" else 20000)
    proved_nob = all(r.proved for r in nob)
    dec = all(v <= tol.SIM_FLOAT64_REL for v in mono.values())
    ev_a = {"symbolic_c3_gradient_flow": [r.as_evidence() for r in nob], "largest_step_increase_c20": mono}
    truth_a = dec and proved_nob
    if not proved_nob:
        parts["monotone"] = Result(Verdict.INCONCLUSIVE, "SymPy did not prove d l_k/dt = -pi_k ||softmax - e_k||^2", "symbolic", ev_a)
    elif truth_a == bool(p["monotone_without_bias"]):
        parts["monotone"] = Result(Verdict.HOLDS, "without bias every class loss decreases along both flows "
                                   "(d l_k/dt = -pi_k ||softmax(w^k) - e_k||^2 < 0, proved for c = 3; Euler runs, c = 20)",
                                   "symbolic+numeric", ev_a)
    else:
        parts["monotone"] = Result(Verdict.CORRECTED, "every class loss decreases monotonically without bias", "symbolic+numeric",
                                   {**ev_a, "counterexample": mono}, correction="without bias the loss of every class decreases "
                                   "monotonically along gradient flow and sign flow")
    # (b) with a bias: which classes first increase
    proved_b = all(r.proved for r in res)
    cs = (4, 20, 100) if profile == "quick" else (4, 20, 100, 1000)
    inst = []
    for c in cs:
        for name, pi in (("zipf", _zipf(c)), ("two-level", np.r_[np.full(c // 2, 1.5), np.full(c - c // 2, 0.5)] / c)):
            pi = pi / pi.sum()
            s = initial_slopes(pi)
            formula = 1 / c - pi * (2 - 1 / c)
            inst.append({"c": c, "distribution": name, "max|slope - formula|": float(np.max(np.abs(s - formula))),
                         "increasing": np.flatnonzero(s > 0).tolist(), "pi": pi, "slopes": s})
    agree = all(r["max|slope - formula|"] <= 1e-12 for r in inst)
    run = _rise_cached(20, 400 if profile == "quick" else 4000)
    inc_sets = [(r["c"], r["distribution"], r["slopes"] > 0) for r in inst]
    rule = p["first_increase_with_bias"]
    ev_b = {"symbolic_c4": [r.as_evidence() for r in res], "slope_formula": "1/c - pi_k (2 - 1/c)",
            "instances": [{k: v for k, v in r.items() if k not in ("pi", "slopes")} for r in inst],
            "gd_run_zipf_c20": {"rose": np.flatnonzero(run["rose"]).tolist(), "peak_step": run["peak_step"].tolist(),
                                "later_below_initial": np.flatnonzero(run["later_below"]).tolist()}}
    if not (proved_b and agree):
        parts["bias"] = Result(Verdict.INCONCLUSIVE, "the initial slope formula was not established", "symbolic+numeric", ev_b)
    else:
        bad = []
        for (c, name, truth), r in zip(inc_sets, inst):
            pi = r["pi"]
            claimed = _rule_set(rule, pi)
            if claimed is None:  # 'low-frequency': a non-empty set of the least frequent classes
                order = np.argsort(pi)
                ok_down = all(truth[order[i]] or not truth[order[i + 1]] for i in range(pi.size - 1))
                want = {"low-frequency": truth.any() and ok_down and not truth.all(),
                        "high-frequency": False}.get(rule)
                if want is None:
                    raise ValueError(f"first_increase_with_bias: unknown rule {rule!r}")
                if not want:
                    bad.append({"c": c, "pi": name, "increasing": np.flatnonzero(truth).tolist()})
            elif not np.array_equal(claimed, truth):
                bad.append({"c": c, "pi": name, "claimed": np.flatnonzero(claimed).tolist(),
                            "increasing": np.flatnonzero(truth).tolist()})
        rise_ok = bool(np.all(run["later_below"][run["rose"]])) and np.array_equal(run["rose"], inc_sets[2][2])
        ev_b["gd_run_matches_slopes_and_recovers"] = rise_ok
        if not bad and rise_ok and rule == "low-frequency":
            parts["bias"] = Result(Verdict.SHARPENED, "with a bias the classes that first increase are exactly those with "
                                   "pi_k < 1/(2c - 1) (initial slope 1/c - pi_k (2 - 1/c)); in a GD run they rise, peak and "
                                   "fall below their initial loss", "symbolic+numeric", ev_b,
                                   correction="with a bias, exactly the classes with pi_k < 1/(2c - 1) first increase "
                                              "(initial slope 1/c - pi_k (2 - 1/c) under gradient flow), then decrease")
        elif not bad and rise_ok:
            parts["bias"] = Result(Verdict.HOLDS, f"with a bias the classes that first increase are exactly those with "
                                   f"pi_k < 1/(2c - 1) ('{rule}' holds); in a GD run they rise, peak and fall below their "
                                   "initial loss", "symbolic+numeric", ev_b)
        elif not bad:
            parts["bias"] = Result(Verdict.INCONCLUSIVE, "the GD run does not show the rise and recovery", "numeric", ev_b)
        else:
            parts["bias"] = Result(Verdict.CORRECTED, f"'{rule}' is not the set of classes that first increase: {bad[0]}",
                                   "symbolic+numeric", {**ev_b, "counterexample": bad},
                                   correction="with a bias, exactly the classes with pi_k < 1/(2c - 1) first increase "
                                              "(initial slope 1/c - pi_k (2 - 1/c) under gradient flow)")
    # (c) one large step / W = alpha I
    a, c, pik = sp.symbols("alpha c pi_k", positive=True)
    one = sp.log(1 + (c - 1) * sp.exp(-a * pik))
    lim1 = sp.limit(one, a, sp.oo)
    lim2 = sp.limit(sp.log(1 + (c - 1) * sp.exp(-a)), a, sp.oo)
    cc, pi_num = 20, _zipf(20)
    W1 = -5.0 * ((_softmax_cols(np.zeros((cc, cc))) - np.eye(cc)) * pi_num[None, :])
    l_step = -np.log(np.diag(_softmax_cols(W1)))
    step_check = float(np.max(np.abs(l_step - np.log1p((cc - 1) * np.exp(-5.0 * pi_num)))))
    solves = lim1 == 0 and lim2 == 0 and step_check <= 1e-12
    ev_c = {"one_step_loss": str(one), "limit_alpha->oo": str(lim1), "W=alpha I limit": str(lim2),
            "numeric_check_c20_alpha5": step_check,
            "alpha_for_all_losses<=eps": "log((c-1)/(e^eps - 1)) / pi_c"}
    if solves == bool(p["one_step_solves"]):
        parts["one_step"] = Result(Verdict.HOLDS, "one GD step of size alpha from 0 gives l_k = log(1 + (c-1) e^{-alpha pi_k}) "
                                   "-> 0 for every class as alpha -> oo (so does W = alpha I)", "symbolic", ev_c)
    else:
        parts["one_step"] = Result(Verdict.CORRECTED, "a single large step drives every class loss to 0", "symbolic",
                                   {**ev_c, "counterexample": ev_c}, correction="one step of size alpha from W = 0 gives "
                                   "l_k = log(1 + (c-1) exp(-alpha pi_k)) -> 0 as alpha -> oo")
    return combine(parts, holds="the remarks hold: monotone without bias; with a bias exactly the classes with "
                                "pi_k < 1/(2c-1) first increase; one large step solves the problem")
