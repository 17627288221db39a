"""K24 appendix A.6: the update rules of the optimizers (``K24.A6.optim``).

As printed: momentum buffers ``m_0 = 0``, "we implement the update of GD, normalized GD and sign
descent with heavy-ball momentum as ``m_t = beta m_{t-1} + d_t``, ``x_{t+1} = x_t - alpha m_t``, with
``d_t = g_t`` (GD), ``g_t / ||g_t||_2`` (normalized GD), ``sign(g_t)`` (sign descent)"; "For Adam, we
use the standard implementation in PyTorch".

Checked three ways, each against a truth the statement does not define:

* **Polyak's heavy ball** (symbolic, all parameter values): eliminating the buffer,
  ``x_{t+1} - x_t = m_coef (x_t - x_{t-1}) - x_coef d_coef d_t``; heavy ball is
  ``x_{t+1} = x_t - alpha d_t + beta (x_t - x_{t-1})`` with ``x_{-1} = x_0``;
* **torch.optim**: the printed rule, run as written (numpy, float64), against ``torch.optim.SGD``
  (``momentum = beta``, ``dampening = 0``, no Nesterov) fed the direction ``d_t`` as its gradient, for
  every direction with and without momentum; the printed Adam (bias corrections, ``eps`` added to
  ``sqrt(v_hat)``) against ``torch.optim.Adam``, with and without ``beta_1``;
* **the package's simulator** (:mod:`theorycheck.sim.optimizers`) against the printed rules.

All three receive the same gradients (softmax regression with a bias, float64), so the only
differences are rounding: agreement is required to ``SIM_FLOAT64_REL``. A last part measures how
Adam with ``beta_1 = beta_2 = 0`` approaches sign descent as ``eps -> 0`` (figure 5: "sign descent, as
a simplified form of Adam").
"""

from __future__ import annotations

import functools

import numpy as np

from theorycheck.core import tolerances as tol
from theorycheck.core.papers import cite
from theorycheck.core.registry import Variant, claim
from theorycheck.core.result import Result, Verdict, combine
from theorycheck.core.rng import claim_rng

DIRECTIONS = ("gd", "ngd", "sign")


def _ab():
    import sympy as sp

    return sp, sp.Symbol("alpha", positive=True), sp.Symbol("beta", nonnegative=True)


def printed_a6():
    sp, a, b = _ab()
    return {"m_coef": b, "d_coef": sp.Integer(1), "x_coef": a, "m0": "0",
            "directions": {"gd": "g", "ngd": "g/||g||_2", "sign": "sign(g)"},
            "adam": {"bias_correction": True, "eps_inside_sqrt": False}}


# ------------------------------------------------------------------------------------------
# the problem and the three implementations
# ------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _problem():
    rng = claim_rng("K24.A6.optim", "problem")
    n, d, c = 24, 5, 3
    X = rng.standard_normal((n, d))
    y = rng.integers(0, c, n)
    W0 = rng.standard_normal((c, d))
    b0 = rng.standard_normal(c)
    return X, y, W0, b0


def grad(W, b):
    """Gradient of the mean cross-entropy of softmax(X W^T + b) (float64)."""
    X, y, _, _ = _problem()
    Z = X @ W.T + b
    Z = Z - Z.max(1, keepdims=True)
    P = np.exp(Z)
    P /= P.sum(1, keepdims=True)
    G = P - np.eye(W.shape[0])[y]
    return G.T @ X / X.shape[0], G.sum(0) / X.shape[0]


def direction(rule: str, gW, gb):
    """``d_t`` of a printed rule: ``g``, ``g/||g||_2`` or ``g/||g||_1`` (norms over all parameters), ``sign(g)``."""
    if rule == "g":
        return gW, gb
    if rule in ("g/||g||_2", "g/||g||_1"):
        o = 2 if rule.endswith("2") else 1
        nrm = np.linalg.norm(np.concatenate([gW.ravel(), gb]), ord=o)
        return gW / nrm, gb / nrm
    if rule == "sign(g)":
        return np.sign(gW), np.sign(gb)
    raise ValueError(f"directions: unknown rule {rule!r}")


def run_printed(p, kind: str, alpha: float, beta: float, T: int):
    """The printed heavy-ball rule of direction ``kind``, run as written (numpy)."""
    sp, a, b = _ab()
    val = {a: alpha, b: beta}
    mc, dc, xc = (float(sp.sympify(p[k]).subs(val)) for k in ("m_coef", "d_coef", "x_coef"))
    _, _, W, bb = _problem()
    W, bb = W.copy(), bb.copy()
    mW, mb = np.zeros_like(W), np.zeros_like(bb)
    if p["m0"] == "g":
        mW, mb = direction(p["directions"][kind], *grad(W, bb))
    elif p["m0"] != "0":
        raise ValueError(f"m0: must be '0' or 'g', got {p['m0']!r}")
    traj = []
    for _ in range(T):
        dW, db = direction(p["directions"][kind], *grad(W, bb))
        mW, mb = mc * mW + dc * dW, mc * mb + dc * db
        W, bb = W - xc * mW, bb - xc * mb
        traj.append(np.concatenate([W.ravel(), bb]))
    return np.array(traj)


def run_printed_adam(p, alpha: float, b1: float, b2: float, eps: float, T: int):
    ad = p["adam"]
    _, _, W, bb = _problem()
    x = np.concatenate([W.ravel(), bb])
    m, v = np.zeros_like(x), np.zeros_like(x)
    traj = []
    c, d = W.shape
    for t in range(1, T + 1):
        gW, gb = grad(x[: c * d].reshape(c, d), x[c * d:])
        g = np.concatenate([gW.ravel(), gb])
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        mh, vh = (m / (1 - b1 ** t), v / (1 - b2 ** t)) if ad["bias_correction"] else (m, v)
        x = x - alpha * mh / (np.sqrt(vh + eps) if ad["eps_inside_sqrt"] else np.sqrt(vh) + eps)
        traj.append(x.copy())
    return np.array(traj)


def run_torch(kind: str, alpha: float, beta: float, T: int, adam: tuple | None = None):
    """torch.optim.SGD(momentum=beta, dampening=0) fed d_t, or torch.optim.Adam (``adam = (b1, b2, eps)``)."""
    import torch

    _, _, W0, b0 = _problem()
    W = torch.tensor(W0, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(b0, dtype=torch.float64, requires_grad=True)
    if adam is None:
        opt = torch.optim.SGD([W, b], lr=alpha, momentum=beta, dampening=0.0, nesterov=False)
    else:
        opt = torch.optim.Adam([W, b], lr=alpha, betas=adam[:2], eps=adam[2])
    rule = {"gd": "g", "ngd": "g/||g||_2", "sign": "sign(g)"}[kind] if adam is None else "g"
    traj = []
    for _ in range(T):
        gW, gb = grad(W.detach().numpy(), b.detach().numpy())
        dW, db = direction(rule, gW, gb)
        W.grad, b.grad = torch.tensor(dW), torch.tensor(db)
        opt.step()
        traj.append(np.concatenate([W.detach().numpy().ravel(), b.detach().numpy()]))
    return np.array(traj)


def run_package(kind: str, alpha: float, beta: float, T: int, adam: tuple | None = None):
    """The package's optimizers (batched pure updates, one run)."""
    import torch

    from theorycheck.sim import optimizers as O

    _, _, W0, b0 = _problem()
    params = {"W": torch.tensor(W0[None], dtype=torch.float64), "b": torch.tensor(b0[None], dtype=torch.float64)}
    opt = O.heavy_ball(kind, beta) if adam is None else O.adam(*adam)
    state = opt.init(params)
    lr = torch.tensor([alpha], dtype=torch.float64)
    traj = []
    for _ in range(T):
        gW, gb = grad(params["W"][0].numpy(), params["b"][0].numpy())
        g = {"W": torch.tensor(gW[None]), "b": torch.tensor(gb[None])}
        upd, state = opt.update(g, state, lr)
        params = {k: params[k] + upd[k] for k in params}
        traj.append(np.concatenate([params["W"][0].numpy().ravel(), params["b"][0].numpy()]))
    return np.array(traj)


def _rel(a, b) -> float:
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


STEPS = {"gd": 0.5, "ngd": 0.1, "sign": 0.01}
ADAM_CASES = ((0.9, 0.999, 1e-8), (0.0, 0.999, 1e-8))


@functools.lru_cache(maxsize=8)
def _refs(T: int) -> dict:
    """torch.optim and package trajectories (cached: they do not depend on the printed statement)."""
    out = {}
    for kind in DIRECTIONS:
        for beta in (0.0, 0.9):
            out[(kind, beta)] = (run_torch(kind, STEPS[kind], beta, T), run_package(kind, STEPS[kind], beta, T))
    for case in ADAM_CASES:
        out[("adam",) + case] = (run_torch("gd", 1e-2, 0.0, T, case), run_package("gd", 1e-2, 0.0, T, case))
    return out


def _variants(p):
    _, a, b = _ab()
    return [
        Variant("dampened momentum m = beta m + (1 - beta) d", "other", {**p, "d_coef": 1 - b}),
        Variant("m = beta^2 m + d", "dependence", {**p, "m_coef": b ** 2}, "beta"),
        Variant("x = x - alpha^2 m", "dependence", {**p, "x_coef": a ** 2}, "alpha"),
        Variant("buffer started at the first direction", "other", {**p, "m0": "g"}),
        Variant("Adam with eps inside the square root", "other", {**p, "adam": {**p["adam"], "eps_inside_sqrt": True}}),
        Variant("Adam without bias correction", "other", {**p, "adam": {**p["adam"], "bias_correction": False}}),
    ]


@claim("K24.A6.optim", provenance="seed-fulltext", source=cite("K24", "appendix A.6"),
       statement=("m_0 = 0; m_t = beta m_{t-1} + d_t, x_{t+1} = x_t - alpha m_t with d_t = g_t (GD), g_t/||g_t||_2 (normalized "
                  "GD), sign(g_t) (sign descent) ('heavy-ball momentum'); Adam: 'the standard implementation in PyTorch'."),
       printed=printed_a6, parameters=("alpha", "beta"), variants=_variants)
def check_a6(p, profile):
    from theorycheck.core.symcheck import prove_equal

    sp, a, b = _ab()
    T = 25 if profile == "quick" else 200
    parts = {}
    # 1. Polyak's heavy ball
    pm = prove_equal(p["m_coef"], b)
    px = prove_equal(p["x_coef"] * p["d_coef"], a)
    start = p["m0"] == "0"
    ev = {"eliminated": f"x_(t+1) - x_t = ({p['m_coef']})(x_t - x_(t-1)) - ({sp.simplify(p['x_coef'] * p['d_coef'])}) d_t",
          "heavy_ball": "x_(t+1) - x_t = beta (x_t - x_(t-1)) - alpha d_t, x_(-1) = x_0", "m_coef=beta": pm.as_evidence(),
          "x_coef*d_coef=alpha": px.as_evidence(), "m_0 = 0 (x_1 = x_0 - alpha d_0)": start}
    if pm.proved and px.proved and start:
        parts["heavy_ball"] = Result(Verdict.HOLDS, "the printed rule is Polyak's heavy ball (proved for all alpha, beta)",
                                     "symbolic", ev, strength="proved")
    elif (pm.refuted or px.refuted or not start):
        parts["heavy_ball"] = Result(Verdict.CORRECTED, "the printed rule is not heavy-ball momentum: " + ev["eliminated"]
                                     + ("" if start else "; the buffer does not start at 0"), "symbolic", ev,
                                     correction="m_t = beta m_(t-1) + d_t, x_(t+1) = x_t - alpha m_t, m_0 = 0")
    else:
        parts["heavy_ball"] = Result(Verdict.INCONCLUSIVE, "could not decide the coefficient identities", "symbolic", ev)
    # 2./3. torch.optim and the package, per direction and momentum
    refs = _refs(T)
    rows, bad_t, bad_p = [], [], []
    for kind in DIRECTIONS:
        for beta in (0.0, 0.9):
            mine = run_printed(p, kind, STEPS[kind], beta, T)
            tr, pk = refs[(kind, beta)]
            rt, rp = _rel(mine, tr), _rel(pk, mine)
            rows.append({"rule": kind, "beta": beta, "alpha": STEPS[kind], "max_rel_vs_torch.optim.SGD": rt,
                         "max_rel_package_vs_printed": rp})
            if rt > tol.SIM_FLOAT64_REL:
                bad_t.append(f"{kind}, beta = {beta}: {rt:.2g}")
            if rp > tol.SIM_FLOAT64_REL:
                bad_p.append(f"{kind}, beta = {beta}: {rp:.2g}")
    for case in ADAM_CASES:
        mine = run_printed_adam(p, 1e-2, *case, T)
        tr, pk = refs[("adam",) + case]
        rt, rp = _rel(mine, tr), _rel(pk, mine)
        rows.append({"rule": "adam", "betas": case[:2], "eps": case[2], "max_rel_vs_torch.optim.Adam": rt,
                     "max_rel_package_vs_printed": rp})
        if rt > tol.SIM_FLOAT64_REL:
            bad_t.append(f"Adam{case}: {rt:.2g}")
        if rp > tol.SIM_FLOAT64_REL:
            bad_p.append(f"Adam{case}: {rp:.2g}")
    ev2 = {"steps": T, "runs": rows, "tolerance": tol.SIM_FLOAT64_REL,
           "problem": "softmax regression with a bias, n = 24, d = 5, c = 3, float64, shared gradients"}
    if not bad_t:
        parts["torch"] = Result(Verdict.HOLDS, "the printed rules match torch.optim.SGD (momentum on d_t, dampening 0) and "
                                "torch.optim.Adam step for step", "numeric", ev2)
    else:
        parts["torch"] = Result(Verdict.CORRECTED, "the printed rule differs from torch.optim: " + "; ".join(bad_t), "numeric",
                                {**ev2, "counterexample": bad_t},
                                correction="torch.optim.SGD(momentum=beta, dampening=0) computes m_t = beta m_(t-1) + d_t, "
                                           "x_(t+1) = x_t - alpha m_t from m_0 = 0; torch.optim.Adam adds eps to sqrt(v_hat) "
                                           "and corrects both moments for bias")
    parts["package"] = (Result(Verdict.HOLDS, "the package's simulator implements the printed rules", "numeric", ev2)
                        if not bad_p else
                        Result(Verdict.CORRECTED, "the package's simulator differs from the printed rules: " + "; ".join(bad_p),
                               "numeric", {**ev2, "counterexample": bad_p},
                               correction="the simulator follows torch.optim (see the torch part)"))
    # 4. Adam with beta1 = beta2 = 0 -> sign descent as eps -> 0
    _, _, W0, b0 = _problem()
    g = np.concatenate([x.ravel() for x in grad(W0, b0)])
    dev = {f"{e:g}": float(np.max(np.abs(g / (np.abs(g) + e) - np.sign(g)))) for e in (1e-2, 1e-4, 1e-6, 1e-8)}
    shrink = all(dev[f"{e2:g}"] < dev[f"{e1:g}"] for e1, e2 in ((1e-2, 1e-4), (1e-4, 1e-6), (1e-6, 1e-8)))
    parts["adam_to_sign"] = Result(Verdict.HOLDS if shrink else Verdict.INCONCLUSIVE,
                                   "Adam with beta1 = beta2 = 0 steps alpha g/(|g| + eps): max |step/alpha - sign(g)| = "
                                   + ", ".join(f"{v:.1e} (eps {k})" for k, v in dev.items()), "numeric",
                                   {"max_deviation_by_eps": dev, "min_|g|": float(np.min(np.abs(g)))})
    return combine(parts, holds="the printed rules are heavy-ball momentum, match torch.optim step for step, and are what "
                                "the simulator implements; Adam(0, 0) tends to sign descent as eps -> 0")
