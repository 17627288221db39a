"""EXT.x24_on_k24: X24's measurements made on the softmax linear model of K24 (issue 5), a finding
of this package (X24 makes no claim about K24's model; issue 10 moved it from ``X24.k24``).

X24 (SPEC) shows on quadratics and GPT-2 that Adam's rate is governed by ``||H||_{1,1}`` and SGD's by
``d lambda_max(H)``, and that under a random rotation of the parameters ``lambda_max`` is unchanged,
``||H||_{1,1}`` grows and Adam gets much slower. Here the same measurements are made on K24's model,
and the statement is what was measured.

Setting. Random Heavy-Tailed Labels data (K24 appendix A.2, uniform inputs, linear model with
bias, ``theorycheck.sim.problems.heavy_tailed_problem``) at a small ``m`` (quick: ``m = 4``,
``P = c (d + 1) = 1215`` parameters, 200 steps; full: 1000 steps, ``m = 5``, ``P = 5983`` on CUDA,
else ``m = 4``), from ``W = 0``.

Measurements (``P`` plays the role of X24's ``d``):

* ``||H||_{1,1}`` exact from the closed form of :mod:`theorycheck.models.smoothness` (``l11_exact``) and
  estimated from Hessian-vector products with Cauchy probes through X24's hook
  :func:`theorycheck.models.quadratics.k24_softmax_geometry` (which also gives Lanczos' ``lambda_max``);
  ``lambda_max`` and ``P lambda_max`` (Lanczos); at initialisation and at snapshots along GD's and
  Adam's paths (:func:`theorycheck.sim.run.simulate`).
* Rotation. ``theta = Q vec(W, b)`` with Haar ``Q`` (``theorycheck.sim.problems.Rotated``), one per
  seed (quick: 3 seeds, full: 5): at every snapshot ``w_t`` of an optimizer's path, the rotated Hessian
  ``Q H(w_t) Q^T`` has the same spectrum and a different ``||.||_{1,1}`` (dense, exact). Every
  optimizer (GD, Adam with ``beta1 = 0`` and ``0.9``) is run on the original and on each rotated
  problem at three fixed step sizes (GD: ``1/(2 lambda_0), 1/lambda_0, 2/lambda_0``; Adam: ``1e-3,
  1e-2, 1e-1``); its progress is the final loss after ``T`` steps. Step sizes are not tuned: the data
  are separable (``n < d``), the loss tends to 0 and a tuned final loss is decided by the largest
  stable step (it underflowed to 0 in a first attempt).

Criteria (in :mod:`theorycheck.core.tolerances`, fixed before measuring; ``F =
X24_K24_CHANGE_FACTOR``). At each step size, the geometric mean over the rotation seeds of the final
loss ratio rotated/original has a 95% interval: "slower" when the interval lies above ``F``,
"faster" below ``1/F``, "unchanged" inside ``[1/F, F]``, else undecided; an optimizer's change is
the one shared by all three step sizes (else "mixed"). For the smoothness constants the ratio is the
geometric mean over the snapshots of the optimizer's own path (middle step size) and the seeds.
"Optimizer o follows constant K" is accepted when the change predicted by ``K`` (larger constant:
slower) is the measured one, and cannot be decided when both constants predict the same change.
GD's equivariance is checked as well: the rotated run's losses equal the original ones within
``tolerances.SIM_FLOAT64_REL``. The Cauchy estimate must agree with the exact ``||H||_{1,1}`` within
``X24_K24_CAUCHY_SIGMAS`` single-row standard deviations ``pi/(2 sqrt(T))``.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from theorycheck.core import stats
from theorycheck.core import tolerances as tol
from theorycheck.core.papers import cite
from theorycheck.core.registry import Variant, claim
from theorycheck.core.result import Result, Verdict, combine

CHANGES = ("slower", "unchanged", "faster")
CONSTANTS = ("norm11", "d_lambda_max")
#: name in the evidence -> theorycheck.sim optimizer name
OPTS = {"gd": "GD", "adam": "Adam-m", "adam_b0.9": "Adam+m"}


def printed():
    """What was measured on K24's model, in machine form: which constant each optimizer's change under
    rotation follows, and what a Haar rotation of the parameters does (``lambda_max`` fixed,
    ``||H||_{1,1}`` grows, Adam's and GD's final losses unchanged)."""
    return {"adam_constant": "d_lambda_max", "gd_constant": "d_lambda_max", "lambda_max_invariant": True,
            "norm11_grows": True, "adam_under_rotation": "unchanged", "gd_under_rotation": "unchanged"}


def variants(pr):
    """X24's reading on this model (Adam slower, following ||H||_11) and other parts wrong on their own."""
    other = {"norm11": "d_lambda_max", "d_lambda_max": "norm11"}
    flip = {"unchanged": "slower", "slower": "unchanged", "faster": "unchanged"}
    return [
        Variant("Adam gets slower under rotation (X24's reading)", "part", {**pr, "adam_under_rotation": flip[pr["adam_under_rotation"]]}),
        Variant("Adam gets faster under rotation", "part", {**pr, "adam_under_rotation": "faster"}),
        Variant("Adam follows the other constant", "part", {**pr, "adam_constant": other[pr["adam_constant"]]}),
        Variant("GD changes under rotation", "part", {**pr, "gd_under_rotation": flip[pr["gd_under_rotation"]]}),
        Variant("GD follows the other constant", "part", {**pr, "gd_constant": other[pr["gd_constant"]]}),
        Variant("lambda_max changes under rotation", "part", {**pr, "lambda_max_invariant": not pr["lambda_max_invariant"]}),
        Variant("||H||_11 does not grow under rotation", "part", {**pr, "norm11_grows": not pr["norm11_grows"]}),
    ]


def _profile(profile, quick, full):
    return quick if profile == "quick" else full


def change(ratio: float, factor: float = tol.X24_K24_CHANGE_FACTOR, larger_is: str = "slower") -> str:
    """Category of a rotated/original ratio: beyond ``factor`` either way, else ``"unchanged"``.
    ``larger_is``: the name of a ratio above ``factor`` ("slower" for losses and constants)."""
    if not (ratio > 0) or not math.isfinite(ratio):
        return "undefined"
    other = "faster" if larger_is == "slower" else "slower"
    if ratio > factor:
        return larger_is
    if ratio < 1 / factor:
        return other
    return "unchanged"


def change_of(ratios) -> tuple[str, dict]:
    """Category of rotated/original ratios over seeds, judged on the interval of their geometric mean
    (criteria ``tol.EXT_ROT_SLOWER`` / ``EXT_ROT_FASTER`` / ``EXT_ROT_NOT_SLOWER`` + ``EXT_ROT_NOT_FASTER``):
    ``slower``, ``faster``, ``unchanged`` or ``undecided``; with the interval."""
    r = np.asarray(ratios, dtype=float)
    if r.size == 0 or not np.all(np.isfinite(r)) or np.any(r <= 0):
        return "undefined", {"ratios": r.tolist()}
    iv = stats.ratio_interval(r, np.ones_like(r), paired=True)
    ev = {**iv.as_evidence(), "ratios": r.tolist()}
    if stats.judge(iv, tol.EXT_ROT_SLOWER) == "holds":
        return "slower", ev
    if stats.judge(iv, tol.EXT_ROT_FASTER) == "holds":
        return "faster", ev
    if stats.judge(iv, tol.EXT_ROT_NOT_SLOWER) == "holds" and stats.judge(iv, tol.EXT_ROT_NOT_FASTER) == "holds":
        return "unchanged", ev
    return "undecided", ev


def _np_hvp(hv, P):
    """Wrap a torch HVP on ``(..., P)`` tensors as the numpy ``(P,)`` / ``(P, k)`` callable of
    :mod:`theorycheck.models.quadratics`."""
    import torch

    def f(V):
        V = np.asarray(V, dtype=np.float64)
        t = torch.as_tensor(V.T if V.ndim == 2 else V)
        out = hv(t).cpu().numpy()
        return out.T if V.ndim == 2 else out

    return f


def _point(pb, Wt, Qs, probes, seed):
    """Constants at one point ``W``: exact ``||H||_11`` (closed form of :mod:`theorycheck.models.smoothness`;
    dense sum as a cross-check), the Cauchy estimate and Lanczos ``lambda_max`` through X24's HVP
    hook :func:`theorycheck.models.quadratics.k24_softmax_geometry`; for the rotated Hessian ``Q H Q^T``
    of the first rotation: exact ``||.||_11`` (dense), Cauchy estimate (same estimator, HVP
    ``v -> Q H Q^T v``) and ``lambda_max`` (Lanczos of :mod:`theorycheck.models.smoothness` on the rotated
    HVP); for every rotation: the exact rotated ``||.||_11``."""

    from theorycheck.models import quadratics as q
    from theorycheck.models import smoothness as sm

    P = pb.P
    H = sm.hessian(pb, Wt)
    hv = sm.hvp_fn(pb, Wt)
    geo = q.k24_softmax_geometry(_np_hvp(hv, P), P, probes=probes, rng=seed)
    norm11_by_seed = []
    for j, Q in enumerate(Qs):
        Hr = Q @ H @ Q.T
        Hr = (Hr + Hr.T) / 2
        norm11_by_seed.append(float(Hr.abs().sum()))
        if j == 0:
            H0r = Hr
    lam_r, _ = sm.lanczos(lambda v: v @ H0r, P, dtype=pb.dtype, device=pb.device)
    rows_r = q.cauchy_row_l1(_np_hvp(lambda v: v @ H0r, P), P, probes, rng=seed)
    lam = geo["lambda_max"]
    return {"loss": sm.loss(pb, Wt), "norm11": sm.l11_exact(pb, Wt)["value"], "norm11_dense": float(H.abs().sum()),
            "norm11_cauchy": geo["norm11_over_d"] * P, "lambda_max": lam, "d_lambda_max": P * lam,
            "rotated": {"norm11": norm11_by_seed[0], "norm11_cauchy": float(rows_r.sum()),
                        "lambda_max": lam_r, "d_lambda_max": P * lam_r, "norm11_by_seed": norm11_by_seed}}


def _final(traj, i):
    """Final loss of run ``i`` (``inf`` if it diverged)."""
    return float(traj.loss[-1, i]) if np.isfinite(traj.loss[:, i]).all() else math.inf


def _at(traj, i, t):
    """Loss of run ``i`` after ``t`` steps (``inf`` if it diverged by then)."""
    return float(traj.loss[t, i]) if np.isfinite(traj.loss[: t + 1, i]).all() else math.inf


@functools.lru_cache(maxsize=2)
def measure(profile: str = "quick") -> dict:
    """Run the measurements (deterministic; cached by profile: they do not depend on the statement).
    On the CPU with ``theorycheck.sim.run.cpu_threads()`` threads (default 1: spinning intra-op
    threads cost more than they give on a shared machine)."""
    import torch

    from theorycheck.sim.run import cpu_threads

    threads = torch.get_num_threads()
    torch.set_num_threads(cpu_threads())
    try:
        return _measure(profile)
    finally:
        torch.set_num_threads(threads)


def _measure(profile: str) -> dict:
    from theorycheck.models import smoothness as sm
    from theorycheck.sim.paths import from_sim
    from theorycheck.sim.problems import Rotated, heavy_tailed_problem, resolve_device
    from theorycheck.sim.run import simulate

    device = "cpu" if profile == "quick" else "auto"
    # full: m = 5 (P = 5983, dense P x P rotations) only on CUDA; m = 4 with longer runs on the CPU
    m = 5 if (profile == "full" and resolve_device(device).type == "cuda") else 4
    T = _profile(profile, 200, 1000)
    probes = _profile(profile, 200, 400)
    seeds = _profile(profile, (0, 1, 2), (0, 1, 2, 3, 4))
    snaps = sorted({0, T // 10, T})
    lin = heavy_tailed_problem(m, seed=0, device=device, dtype="float64")
    pb = from_sim(lin)
    rots = [Rotated(lin, seed=s) for s in seeds]
    Qs = [r.Q for r in rots]
    lam0, _ = sm.lanczos(sm.hvp_fn(pb, pb.zeros()), pb.P)
    # fixed step sizes (no tuning: on this separable data the loss -> 0 and the "best" step is
    # the largest stable one); the path constants are measured on the middle step of each grid
    grids = {"GD": [0.5 / lam0, 1.0 / lam0, 2.0 / lam0], "Adam-m": [1e-3, 1e-2, 1e-1], "Adam+m": [1e-3, 1e-2, 1e-1]}
    runs = [(o, s) for o, g in grids.items() for s in g]
    tr = simulate(lin, runs, T, snapshot_at=snaps, class_loss_at=[T], progress=False)
    tr_rot = [simulate(rot, runs, T, class_loss_at=[T], progress=False) for rot in rots]
    out = {"m": m, "n": lin.n, "d": lin.d, "c": lin.c, "P": pb.P, "steps": T, "probes": probes, "seeds": list(seeds),
           "snapshots": snaps, "rotation": f"Haar Q (theorycheck.sim.problems.Rotated, seeds {list(seeds)})", "opts": {}}
    cache = {}
    for key, name in OPTS.items():
        idx = [i for i, o in enumerate(tr.optimizer) if o == name]
        r = idx[len(idx) // 2]
        per_step = []
        for i in idx:
            f0 = _final(tr, i)
            rot_f = [_final(t, i) for t in tr_rot]
            h0 = _at(tr, i, T // 2)
            per_step.append({"lr": float(tr.lr[i]), "final_loss": f0, "final_loss_rotated": rot_f[0],
                             "ratio": (rot_f[0] / f0) if f0 > 0 else math.nan,
                             "ratios": [(f / f0) if f0 > 0 else math.nan for f in rot_f],
                             "ratios_at_half_horizon": [(_at(t, i, T // 2) / h0) if h0 > 0 else math.nan for t in tr_rot]})
        pts = []
        for s in snaps:
            W = pb.params(tr.snapshot(s, r))
            k = (s, r) if s else 0  # every run starts at W = 0
            if k not in cache:
                cache[k] = _point(pb, W, Qs, probes, seed=1 + s)
            pts.append({"step": s, **cache[k]})
        o = {"per_step": per_step, "path_lr": float(tr.lr[r]), "path": pts}
        o["norm11_ratios"] = [float(np.exp(np.mean([math.log(p["rotated"]["norm11_by_seed"][j] / p["norm11"]) for p in pts])))
                              for j in range(len(seeds))]
        o["norm11_ratio"] = float(np.exp(np.mean(np.log(o["norm11_ratios"]))))
        o["d_lambda_max_ratio"] = float(np.exp(np.mean([math.log(p["rotated"]["d_lambda_max"] / p["d_lambda_max"]) for p in pts])))
        if name == "GD":
            dev = [float(np.max(np.abs(tr.loss[:, i] - t.loss[:, i]) / np.abs(tr.loss[:, i])))
                   for t in tr_rot for i in idx if np.isfinite(tr.loss[:, i]).all()]
            o["equivariance_max_rel_loss_deviation"] = max(dev) if dev else math.nan
        out["opts"][key] = o
    out["loss0"] = float(tr.loss[0, 0])
    return out


def _cauchy_part(res) -> Result:
    sd = math.pi / (2 * math.sqrt(res["probes"]))
    allowed = tol.X24_K24_CAUCHY_SIGMAS * sd
    rows, worst = [], 0.0
    for key, o in res["opts"].items():
        for p in o["path"]:
            for tag, a, b in (("original", p["norm11"], p["norm11_cauchy"]),
                              ("rotated", p["rotated"]["norm11"], p["rotated"]["norm11_cauchy"])):
                rel = abs(b - a) / a
                worst = max(worst, rel)
                rows.append({"path": key, "step": p["step"], "problem": tag, "exact": a, "cauchy": b, "rel_err": rel})
    dense = max(abs(p["norm11"] - p["norm11_dense"]) / p["norm11_dense"] for o in res["opts"].values() for p in o["path"])
    ev = {"rows": rows, "allowed_rel": allowed, "closed_form_vs_dense_max_rel": dense, "probes": res["probes"]}
    if worst <= allowed and dense <= tol.FLOAT64_REL:
        return Result(Verdict.HOLDS, f"Cauchy estimate (X24 hook) within {worst:.3f} of the exact ||H||_11 "
                      f"(allowed {allowed:.3f}); closed form = dense to {dense:.1e}", "numeric", ev)
    return Result(Verdict.INCONCLUSIVE, f"the estimators disagree (Cauchy rel err {worst:.3f} > {allowed:.3f} or "
                  f"closed form vs dense {dense:.1e}): the measurements cannot be trusted", "numeric", ev)


def _spectrum_part(pr, res) -> Result:
    pts = [p for o in res["opts"].values() for p in o["path"]]
    lam_dev = max(abs(p["rotated"]["lambda_max"] - p["lambda_max"]) / p["lambda_max"] for p in pts)
    lam_tol = tol.LANCZOS_REL  # two Lanczos runs (ARPACK on H, theorycheck.models.smoothness on Q H Q^T)
    r11 = [x / p["norm11"] for p in pts for x in p["rotated"]["norm11_by_seed"]]
    init = res["opts"]["gd"]["path"][0]
    init_r = [x / init["norm11"] for x in init["rotated"]["norm11_by_seed"]]
    after = [x / p["norm11"] for p in pts if p["step"] > 0 for x in p["rotated"]["norm11_by_seed"]]
    grows_init, grows_all, grows_after = min(init_r) > 1, min(r11) > 1, min(after) > 1
    ev = {"max_rel_change_lambda_max": lam_dev, "tolerance_rel": lam_tol, "seeds": res["seeds"],
          "norm11_rotated_over_original": [{"step": p["step"], "ratios": [x / p["norm11"] for x in p["rotated"]["norm11_by_seed"]],
                                            "norm11": p["norm11"], "d_lambda_max": p["d_lambda_max"]} for p in pts]}
    lam_inv = lam_dev <= lam_tol
    summary = (f"lambda_max unchanged (rel {lam_dev:.1e}); ||QHQ^T||_11/||H||_11 = {min(init_r):.2f}..{max(init_r):.2f} "
               f"at init, {min(r11):.2f}..{max(r11):.2f} over all snapshots and {len(res['seeds'])} rotations")
    if lam_inv != bool(pr["lambda_max_invariant"]):
        ev["counterexample"] = {"max_rel_change_lambda_max": lam_dev}
        return Result(Verdict.FAILS, "lambda_max is " + ("" if lam_inv else "not ") + "rotation-invariant; " + summary,
                      "numeric", ev)
    if grows_all == bool(pr["norm11_grows"]):
        return Result(Verdict.HOLDS, summary, "numeric", ev)
    if pr["norm11_grows"] and grows_after and not grows_init:
        return Result(Verdict.CORRECTED, summary, "numeric", ev,
                      correction=(f"a rotation raises ||H||_11 along the optimizers' paths (x{min(after):.2f}..{max(after):.2f}) "
                                  f"but not at W = 0 (x{min(init_r):.2f}..{max(init_r):.2f})"))
    return Result(Verdict.CORRECTED, summary, "numeric", ev,
                  correction=f"||H||_11 under rotation {'grows' if grows_all else 'does not always grow'}: " + summary)


def measured_change(o: dict) -> str:
    """The change of an optimizer's final loss under rotation: the category (:func:`change_of`, over the
    rotation seeds) shared by every step size of the grid and by both horizons (``T/2`` and ``T``: the
    statement fixes none); ``"undecided"`` if one is undecided, else ``"mixed"`` when they differ."""
    cats = [change_of(r.get("ratios", [r["ratio"]]))[0] for r in o["per_step"]]
    cats += [change_of(r["ratios_at_half_horizon"])[0] for r in o["per_step"] if "ratios_at_half_horizon" in r]
    if len(set(cats)) == 1:
        return cats[0]
    return "undecided" if "undecided" in cats or "undefined" in cats else "mixed"


def _ratios(o) -> str:
    out = []
    for r in o["per_step"]:
        _, ev = change_of(r.get("ratios", [r["ratio"]]))
        if "interval" in ev:
            lo, hi = ev["interval"]
            out.append(f"x{ev['estimate']:.3g} [{lo:.3g}, {hi:.3g}] at lr {r['lr']:.3g}")
        else:
            out.append(f"undefined at lr {r['lr']:.3g}")
    return ", ".join(out)


def _rotation_part(pr, res, key, printed_change) -> Result:
    if printed_change not in CHANGES:
        raise ValueError(f"printed: a change under rotation must be one of {CHANGES}, got {printed_change!r}")
    o = res["opts"][key]
    got = measured_change(o)
    ev = {"per_step": o["per_step"], "measured": got, "printed": printed_change, "factor": tol.X24_K24_CHANGE_FACTOR,
          "per_step_interval": [change_of(r.get("ratios", [r["ratio"]]))[1] for r in o["per_step"]],
          "per_step_interval_at_half_horizon": [change_of(r["ratios_at_half_horizon"])[1] for r in o["per_step"]
                                                if "ratios_at_half_horizon" in r],
          "criterion": (f"loss after {res['steps']} and {res['steps'] // 2} steps, rotated / original, geometric mean over "
                        f"{len(res['seeds'])} Haar rotations with a 95% interval: beyond x{tol.X24_K24_CHANGE_FACTOR} "
                        "either way, or inside [1/F, F] (unchanged), at every step size of the grid and both horizons")}
    finding = f"{OPTS[key]}: final loss under rotation {_ratios(o)} ({got})"
    if "equivariance_max_rel_loss_deviation" in o:
        dev = o["equivariance_max_rel_loss_deviation"]
        ev["equivariance_max_rel_loss_deviation"] = dev
        ev["equivariance_rounding_rel"] = tol.SIM_FLOAT64_REL
        ev["equivariance_differs_rel"] = tol.NONEQUIVARIANT_REL
        finding += f"; rotated GD losses = original to {dev:.1e}"
        if dev > tol.SIM_FLOAT64_REL:
            finding += " (rounding amplified at the largest step 2/lambda_0, the edge of stability)"
        if got == "unchanged" and not dev <= tol.NONEQUIVARIANT_REL:
            return Result(Verdict.INCONCLUSIVE, finding + " (GD is equivariant in exact arithmetic: the runs disagree)",
                          "simulation", ev)
    if got == printed_change:
        return Result(Verdict.HOLDS, finding, "simulation", ev)
    if got in ("mixed", "undecided", "undefined"):
        return Result(Verdict.INCONCLUSIVE, finding + ": the change is undecided or depends on the step size", "simulation", ev)
    ev["counterexample"] = {"measured": got, "per_step": o["per_step"]}
    return Result(Verdict.CORRECTED, finding, "simulation", ev,
                  correction=f"{OPTS[key]}'s final loss is {got} under a Haar rotation (printed: {printed_change}); {_ratios(o)}")


def _governed_part(res, key, constant) -> Result:
    if constant not in CONSTANTS:
        raise ValueError(f"printed: a governing constant must be one of {CONSTANTS}, got {constant!r}")
    o = res["opts"][key]
    got = measured_change(o)
    pred = {K: change(o[f"{K}_ratio"]) for K in CONSTANTS}
    ev = {"measured_change": got, "predicted_by": pred, **{f"{K}_ratio_geomean": o[f"{K}_ratio"] for K in CONSTANTS},
          "norm11_ratio_per_seed": o.get("norm11_ratios"), "per_step": o["per_step"], "path_lr": o["path_lr"],
          "printed": constant}
    finding = (f"{OPTS[key]}: rotation {got}; along the lr {o['path_lr']:.3g} path ||H||_11 x"
               f"{o['norm11_ratio']:.3g} predicts {pred['norm11']}, P lambda_max x{o['d_lambda_max_ratio']:.3g} "
               f"predicts {pred['d_lambda_max']}")
    if got in ("mixed", "undecided", "undefined"):
        return Result(Verdict.INCONCLUSIVE, finding + ": the change is undecided or depends on the step size", "simulation", ev)
    if pred["norm11"] == pred["d_lambda_max"]:
        return Result(Verdict.INCONCLUSIVE, finding + ": both constants predict the same change", "simulation", ev)
    if pred[constant] == got:
        return Result(Verdict.HOLDS, finding, "simulation", ev)
    other = [K for K in CONSTANTS if pred[K] == got]
    return Result(Verdict.CORRECTED, finding, "simulation", ev,
                  correction=finding + (f": consistent with {other[0]}, not {constant}" if other
                                        else ": neither constant predicts it"))


@claim(
    "EXT.x24_on_k24",
    provenance="derived", source=cite("EXT", "X24's rotation measurements made on K24's softmax linear model "
                                             "(Random Heavy-Tailed Labels data)"),
    statement=("On K24's softmax linear model (Random Heavy-Tailed Labels data, m = 4: P = 1215 parameters, from W = 0), "
               "a Haar rotation of the parameters leaves lambda_max unchanged and raises ||H||_{1,1} along the optimizers' "
               "paths; GD's trajectory is unchanged (equivariant) and Adam's final loss (beta1 = 0 and 0.9) changes by less "
               "than x1.5 either way at step sizes 1e-3..1e-1: both follow P lambda_max, not ||H||_{1,1}. (X24 makes no claim "
               "about this model; its reading -- Adam much slower, governed by ||H||_{1,1} -- is a declared wrong variant.)"),
    printed=printed, variants=variants,
)
def check_x24_on_k24(pr, profile):
    return judge(pr, measure(profile))


#: the old name of the check (before the claim became EXT.x24_on_k24)
check_k24 = check_x24_on_k24


def judge(pr, res) -> Result:
    """The verdict for the statement ``pr`` on the measurements ``res`` of :func:`measure`."""
    parts = {"estimators": _cauchy_part(res), "spectrum": _spectrum_part(pr, res)}
    for key in ("adam", "adam_b0.9"):
        parts[f"rotation_{key}"] = _rotation_part(pr, res, key, pr["adam_under_rotation"])
        parts[f"governed_{key}"] = _governed_part(res, key, pr["adam_constant"])
    parts["rotation_gd"] = _rotation_part(pr, res, "gd", pr["gd_under_rotation"])
    parts["governed_gd"] = _governed_part(res, "gd", pr["gd_constant"])
    r = combine(parts, holds=("; ".join(parts[k].finding for k in ("spectrum", "rotation_adam", "rotation_adam_b0.9",
                                                                       "rotation_gd"))))
    ev = dict(r.evidence)
    ev["setting"] = {k: res[k] for k in ("m", "n", "d", "c", "P", "steps", "probes", "seeds", "snapshots", "rotation")}
    ev["paths"] = {k: [{kk: p[kk] for kk in ("step", "loss", "norm11", "norm11_cauchy", "lambda_max", "d_lambda_max", "rotated")}
                       for p in o["path"]] for k, o in res["opts"].items()}
    return Result(r.verdict, r.finding, r.method, ev, correction=r.correction, strength=r.strength)
