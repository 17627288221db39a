"""K24 section 3.1: GD and sign descent on the weighted quadratic
``f(w_1..w_c) = sum_k pi_k (1/2) ||w_k||^2``.

The gradient with respect to ``w_k`` is ``pi_k w_k``, so GD with step ``alpha`` is the
recurrence ``w_k <- (1 - alpha pi_k) w_k`` and sign descent is ``w_k <- w_k - alpha sign(pi_k w_k)``.
This module checks three printed statements against that truth:

* the GD closed form ``w_k^(t) = (1 - alpha pi_k)^t w_k^(0)``: proved symbolically by
  induction (initial value and one-step recurrence);
* the step-size threshold: GD on class ``k`` is stable iff ``|1 - alpha pi_k| < 1``, i.e.
  ``0 < alpha < 2/pi_k`` (solved by SymPy); the printed threshold is compared with it;
* sign descent's independence from ``pi``: ``sign(pi w) = sign(w)`` for ``pi > 0``
  (SymPy), confirmed by running sign descent under two different ``pi`` and comparing the
  trajectories bit for bit.
"""

from __future__ import annotations

import numpy as np

from theorycheck.core.papers import cite
from theorycheck.core.registry import Variant, claim
from theorycheck.core.result import Result, Verdict, combine


def _symbols():
    import sympy as sp

    alpha, pi, pi1, w0 = sp.symbols("alpha pi_k pi_1 w0", positive=True)
    t = sp.Symbol("t", integer=True, nonnegative=True)
    w = sp.Symbol("w", real=True)
    return sp, alpha, pi, pi1, w0, t, w


def printed():
    """The statements of section 3.1, as printed."""
    sp, alpha, pi, pi1, w0, t, w = _symbols()
    return {
        "gd_closed_form": (1 - alpha * pi) ** t * w0,
        # "Increasing the step-size beyond 1/pi_1 would cause instabilities"
        "instability_threshold": 1 / pi1,
        # sign descent direction for class k as printed: sign(f_k'(w)) with f_k = pi_k/2 w^2 ... no pi in the update
        "sign_update_depends_on_pi": False,
    }


def _gd_truth():
    """The GD iterate solved from its recurrence ``w(t+1) = (1 - alpha pi_k) w(t)``, ``w(0) = w0`` (rsolve)."""
    sp, alpha, pi, pi1, w0, t, w = _symbols()
    W = sp.Function("w")
    return sp.rsolve(W(t + 1) - (1 - alpha * pi) * W(t), W(t), {W(0): w0})


def _gd_closed_form(expr) -> Result:
    from theorycheck.core.symcheck import prove_zero

    sp, alpha, pi, pi1, w0, t, w = _symbols()
    init = prove_zero(expr.subs(t, 0) - w0)
    step = prove_zero(expr.subs(t, t + 1) - (expr - alpha * pi * expr))
    ev = {"claimed": str(expr), "initial_value": init.as_evidence(), "recurrence": step.as_evidence(),
          "truth": "w_k^(t+1) = w_k^(t) - alpha * pi_k * w_k^(t), w_k^(0) = w0"}
    if init.proved and step.proved:
        return Result(Verdict.HOLDS, "closed form satisfies w(0)=w0 and the GD recurrence (proved by induction, all t)",
                      "symbolic", ev, strength="proved")
    if init.refuted or step.refuted:
        which = "initial value" if init.refuted else "GD recurrence"
        ce = (init if init.refuted else step).counterexample
        return Result(Verdict.CORRECTED, f"printed form violates the {which}", "symbolic",
                      {**ev, "counterexample": ce}, strength="proved",
                      correction=f"w_k^(t) = {_gd_truth()} (solved from the recurrence; w0 = w_k^(0))")
    return Result(Verdict.INCONCLUSIVE, "SymPy could not decide the induction steps", "symbolic", ev)


def _iv(I) -> str:
    """An interval as ``(a, b]``."""
    if not hasattr(I, "left"):
        return str(I)
    return f"{'(' if I.left_open else '['}{I.left}, {I.right}{')' if I.right_open else ']'}"


def _threshold(claimed) -> Result:
    from theorycheck.core.symcheck import prove_equal

    sp, alpha, pi, pi1, w0, t, w = _symbols()
    stable = sp.solve_univariate_inequality(sp.Abs(1 - alpha * pi1) < 1, alpha, relational=False)
    if not isinstance(stable, sp.Interval) or stable.left != 0:
        return Result(Verdict.INCONCLUSIVE, f"SymPy returned an unexpected stability set {stable}", "symbolic",
                      {"stable_set": str(stable)})
    true_thr = stable.right
    monotone = sp.solve_univariate_inequality(1 - alpha * pi1 >= 0, alpha, relational=False)
    same = prove_equal(claimed, true_thr)
    ev = {"claimed_threshold": str(claimed), "stable_steps": str(stable),
          "non_oscillating_steps": str(monotone), "comparison": same.as_evidence()}
    if same.proved:
        return Result(Verdict.HOLDS, f"GD on class 1 is stable iff alpha < {true_thr}", "symbolic", ev, strength="proved")
    if same.status == "undecided":
        return Result(Verdict.INCONCLUSIVE, "could not compare the printed threshold with the true one", "symbolic", ev)
    # numeric illustration: alpha just above the printed threshold, below the true one
    p1 = 0.5
    a = float(claimed.subs(pi1, p1)) * 1.5
    a_true = float(true_thr.subs(pi1, p1))
    factor = 1 - a * p1
    ev["example"] = {"pi_1": p1, "alpha": a, "one_step_factor": factor, "true_threshold": a_true,
                     "class1_loss_ratio_after_50_steps": factor ** 100}
    monotone = sp.Interval(0, monotone.right, True, monotone.right_open)  # alpha > 0
    osc = sp.Interval.open(monotone.right, stable.right) if monotone.right < stable.right else sp.EmptySet
    where = ("the largest step without oscillation" if prove_equal(claimed, monotone.right).proved else
             "inside the stable range" if bool(claimed < true_thr) else "beyond the stable range")
    return Result(
        Verdict.CORRECTED,
        f"GD is stable up to alpha < {true_thr}, not {claimed}; for alpha in {_iv(osc)} it oscillates but converges",
        "symbolic",
        {**ev, "counterexample": ev["example"]},
        strength="proved",
        correction=(f"GD on the highest-frequency class is stable iff alpha in {_iv(stable)} (|1 - alpha pi_1| < 1); "
                    f"for alpha in {_iv(osc)} the iterates alternate in sign but still converge; the printed {claimed} "
                    f"is {where} (non-oscillating steps: alpha in {_iv(monotone)}); divergence starts at alpha > "
                    f"{true_thr}."),
    )


def _sign_descent(claimed_depends: bool, steps: int) -> Result:
    sp, alpha, pi, pi1, w0, t, w = _symbols()
    sym = sp.simplify(sp.sign(pi * w) - sp.sign(w))
    proved = sym == 0
    # simulation: two different pi, same initialisation w_i = 1 (figure 6), fixed step
    rng = np.random.default_rng(0)
    c = 8
    pis = [np.full(c, 1.0 / c), rng.dirichlet(np.full(c, 0.3))]
    pis[1] = np.maximum(pis[1], 1e-12)
    pis[1] /= pis[1].sum()
    trajs = []
    for p in pis:
        wv = np.ones(c)
        traj = [wv.copy()]
        for _ in range(steps):
            wv = wv - 0.01 * np.sign(p * wv)
            traj.append(wv.copy())
        trajs.append(np.array(traj))
    max_diff = float(np.max(np.abs(trajs[0] - trajs[1])))
    truly_independent = proved and max_diff == 0.0
    ev = {"symbolic": f"simplify(sign(pi_k w) - sign(w)) = {sym} for pi_k > 0",
          "simulation": {"classes": c, "steps": steps, "step": 0.01, "pis": [p.tolist() for p in pis],
                         "max_abs_trajectory_difference": max_diff}}
    if not proved:
        return Result(Verdict.INCONCLUSIVE, "SymPy did not reduce sign(pi w) - sign(w) to 0", "symbolic+simulation", ev)
    if claimed_depends is False and truly_independent:
        return Result(Verdict.HOLDS, "sign descent's iterates do not depend on pi (proved; identical trajectories)",
                      "symbolic+simulation", ev, strength="proved")
    if claimed_depends is True and truly_independent:
        ev["counterexample"] = ev["simulation"]
        return Result(Verdict.CORRECTED, "sign descent does not depend on pi", "symbolic+simulation", ev,
                      strength="proved",
                      correction=f"sign descent's update -alpha sign(pi_k w_k) = -alpha sign(w_k) "
                                 f"(sign(pi_k w) - sign(w) = {sym} for pi_k > 0) is the same for every pi_k")
    return Result(Verdict.INCONCLUSIVE, "proof and simulation disagree", "symbolic+simulation", ev)


def variants(pr):
    """Wrong forms of section 3.1 (closed form: sign, exponent, dependence on pi and t; threshold
    constant; sign descent's pi-dependence), and the true threshold."""
    sp, alpha, pi, pi1, w0, t, w = _symbols()
    g = pr["gd_closed_form"]
    return [
        Variant("GD closed form (1 + alpha pi_k)^t (sign)", "sign", {**pr, "gd_closed_form": g.subs(alpha, -alpha)}),
        Variant("GD closed form exponent t + 1", "exponent", {**pr, "gd_closed_form": g.subs(t, t + 1)}),
        Variant("GD closed form with pi_k^2", "dependence", {**pr, "gd_closed_form": g.subs(pi, pi**2)}, param="pi"),
        Variant("GD closed form exponent 2t", "dependence", {**pr, "gd_closed_form": g.subs(t, 2 * t)}, param="t"),
        Variant("threshold 3/pi_1", "constant", {**pr, "instability_threshold": 3 * pr["instability_threshold"]}),
        Variant("sign descent depends on pi", "other", {**pr, "sign_update_depends_on_pi": True}),
        Variant("true threshold 2/pi_1", "stronger", {**pr, "instability_threshold": 2 / pi1}),
    ]


@claim(
    "K24.sec31",
    provenance="seed-fulltext", source=cite("K24", "section 3.1 and figure 6"), parameters=("t", "pi"),
    variants=variants,
    statement=("On f = sum_k pi_k (1/2)||w_k||^2: GD gives w_k^(t) = (1 - alpha pi_k)^t w_k^(0); increasing the "
               "step-size beyond 1/pi_1 would cause instabilities on the highest-frequency class; sign descent "
               "w_k^(t) = w_k^(t-1) - alpha sign(f_k'(w_k^(t-1))) is independent of pi_k."),
    printed=printed,
)
def check_sec31(p, profile):
    parts = {
        "gd_closed_form": _gd_closed_form(p["gd_closed_form"]),
        "step_threshold": _threshold(p["instability_threshold"]),
        "sign_descent": _sign_descent(p["sign_update_depends_on_pi"], steps=200 if profile == "quick" else 5000),
    }
    return combine(parts, holds="GD closed form and sign descent's pi-independence proved; step threshold holds")
