"""theorycheck.models.smoothness: every estimator against the exact value on small problems."""

import itertools
import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from theorycheck.core import tolerances as tol
from theorycheck.models import smoothness as sm
from theorycheck.sim.paths import from_sim, sim_path


def _pb(n=8, d=3, c=4, bias=True, shift=0.0, seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    pb = sm.problem(rng.random((n, d)) - shift, rng.integers(0, c, n), c, bias=bias, device="cpu")
    g = torch.Generator().manual_seed(seed)
    return pb, scale * torch.randn(c, pb.D, generator=g, dtype=torch.float64)


def _close(a, b, rel=tol.FLOAT64_REL, abs_=tol.FLOAT64_ABS):
    return abs(a - b) <= rel * max(abs(a), abs(b)) + abs_


@settings(max_examples=12, deadline=None)
@given(n=st.integers(1, 9), d=st.integers(1, 4), c=st.integers(2, 5), bias=st.booleans(), seed=st.integers(0, 99),
       scale=st.sampled_from([0.0, 1.0, 30.0, 1e3]))
def test_hessian_hvp_l11_against_autograd(n, d, c, bias, seed, scale):
    pb, W = _pb(n, d, c, bias, shift=0.3 * (seed % 2), seed=seed, scale=scale)
    H = sm.hessian(pb, W)
    Ha = sm.hessian_autograd(pb, W)
    assert torch.isfinite(H).all()
    assert (H - Ha).abs().max() <= tol.FLOAT64_REL * max(1.0, float(Ha.abs().max()))
    v = torch.randn(3, pb.P, dtype=torch.float64)
    assert torch.allclose(sm.hvp_fn(pb, W)(v), v @ H, rtol=1e-10, atol=1e-13)
    assert torch.allclose(sm.autograd_hvp_fn(sm.model_loss_fn(pb), W.reshape(-1))(v), v @ H, rtol=1e-10, atol=1e-13)
    dense = sm.l11_dense(H)
    ex = sm.l11_exact(pb, W)
    assert _close(ex["value"], dense, rel=tol.L11_REL)
    assert ex["upper"] >= dense * (1 - tol.L11_REL) - tol.FLOAT64_ABS
    if ex["mixed_pairs"] == 0:
        assert _close(ex["upper"], dense, rel=tol.L11_REL)


def test_one_signed_closed_form_equals_dense_and_mixed_is_strict_upper_bound():
    pb, W = _pb(20, 5, 6, True, seed=3)
    assert sm.l11_exact(pb, W)["mixed_pairs"] == 0
    assert _close(sm.l11_upper(pb, W), sm.l11_dense(sm.hessian(pb, W)), rel=tol.L11_REL)
    pbm, _ = _pb(20, 5, 6, True, shift=0.5, seed=3)
    dm = sm.l11_dense(sm.hessian(pbm, W))
    assert sm.l11_upper(pbm, W) > 1.1 * dm  # cancellations across samples
    assert _close(sm.l11_exact(pbm, W, chunk=3)["value"], dm, rel=tol.L11_REL)


def test_extreme_logits_no_nan():
    pb, W = _pb(6, 3, 5, True, seed=1, scale=1e6)
    out = sm.smoothness_at(pb, W, restarts=2, sign_iters=5)
    assert all(math.isfinite(v) for v in out.values())
    assert out["l11"] >= 0 and out["lambda_max"] >= -1e-12


def test_lanczos_and_power_iteration():
    pb, W = _pb(15, 6, 5, True, seed=2)
    H = sm.hessian(pb, W)
    exact = float(torch.linalg.eigvalsh(H)[-1])
    lam, vec = sm.lanczos(sm.hvp_fn(pb, W), pb.P)
    assert abs(lam - exact) <= tol.LANCZOS_REL * exact
    assert abs(float(vec @ H @ vec) - exact) <= 1e-6 * exact
    assert abs(sm.power_iteration(sm.hvp_fn(pb, W), pb.P, iters=2000) - exact) <= 1e-3 * exact


def test_cauchy_estimator_close_to_exact():
    pb, W = _pb(12, 4, 4, True, seed=4)
    exact = sm.l11_dense(sm.hessian(pb, W))
    est = sm.cauchy_l11(sm.hvp_fn(pb, W), pb.P, probes=4001, seed=0)["estimate"]
    # relative sd <= (pi/2)/sqrt(T) ~ 0.025; 0.15 is ~6 sd
    assert abs(est - exact) / exact < 0.15
    # works with the generic autograd HVP (any model)
    est2 = sm.cauchy_l11(sm.autograd_hvp_fn(sm.model_loss_fn(pb), W.reshape(-1)), pb.P, probes=4001, seed=0)
    assert abs(est2["estimate"] - est) <= 1e-8 * est


def _naive_inf1(H):
    Pd = H.shape[0]
    return max(float(torch.tensor(s, dtype=torch.float64) @ H @ torch.tensor(s, dtype=torch.float64))
               for s in itertools.product([-1.0, 1.0], repeat=Pd))


@settings(max_examples=10, deadline=None)
@given(Pd=st.integers(1, 8), r=st.integers(1, 8), seed=st.integers(0, 10**6))
def test_inf1_relations_random_psd(Pd, r, seed):
    g = torch.Generator().manual_seed(seed)
    B = torch.randn(Pd, min(r, Pd), generator=g, dtype=torch.float64)
    H = B @ B.T
    exact = sm.inf1_brute_force(H)
    assert _close(exact, _naive_inf1(H))
    lam = float(torch.linalg.eigvalsh(H)[-1])
    lower = sm.inf1_sign_iterations(lambda v: v @ H, Pd, restarts=4, iters=20, seed=seed)
    eps = 1e-9 * max(1.0, exact)
    assert lower["value"] <= exact + eps
    assert all(b >= a - eps for a, b in zip(lower["history"], lower["history"][1:]))  # monotone for PSD
    assert float(torch.trace(H)) <= exact + eps and lam <= exact + eps
    assert exact <= sm.l11_dense(H) + eps and exact <= Pd * lam + eps


def test_inf1_on_model_and_factor_two():
    pb, W = _pb(6, 2, 4, True, seed=5, scale=2.0)
    H = sm.hessian(pb, W)
    exact = sm.inf1_brute_force(H)
    out = sm.smoothness_at(pb, W)
    assert out["inf1_sign"] <= exact * (1 + 1e-12)
    assert out["l11"] / 2 <= exact * (1 + 1e-12) <= out["l11"] * (1 + 1e-12)  # one-signed inputs
    assert exact <= out["P_lambda_max"] * (1 + 1e-12)
    with pytest.raises(ValueError, match="H"):
        sm.inf1_brute_force(torch.eye(tol.BRUTE_FORCE_MAX_DIM + 1, dtype=torch.float64))


def test_init_constants():
    for c in (3, 4):
        pb, _ = _pb(7, 2, c, True, seed=c)
        H = sm.hessian(pb, pb.zeros())
        ic = sm.init_constants(pb)
        assert _close(ic["l11"], sm.l11_dense(H), rel=tol.L11_REL)
        assert _close(ic["lambda_max"], float(torch.linalg.eigvalsh(H)[-1]), rel=1e-9)
        ex = sm.inf1_brute_force(H)
        assert ic["inf1_lower"] * (1 - 1e-12) <= ex <= ic["inf1_upper"] * (1 + 1e-12) <= ic["P_lambda_max"] * (1 + 1e-12)


def test_block_traces_correct_vs_released_script():
    pb, W = _pb(10, 4, 3, True, shift=0.5, seed=6)
    Ha = sm.hessian_autograd(pb, W)
    tr = torch.diagonal(Ha).view(pb.c, pb.D)[:, : pb.d].sum(dim=1)
    bt = sm.block_traces(pb, W)
    assert torch.allclose(bt["trace"], tr, rtol=1e-12)
    G = torch.func.grad(sm.model_loss_fn(pb))(W.reshape(-1)).view(pb.c, pb.D)[:, : pb.d]
    assert torch.allclose(bt["grad_norm"], G.norm(dim=1), rtol=1e-12)
    bug = sm.block_traces(pb, W, variant="released_script")["trace"]
    assert not torch.allclose(bug, tr, rtol=1e-2)
    with pytest.raises(ValueError, match="variant"):
        sm.block_traces(pb, W, variant="x3")


def test_hessian_subset_and_trace_matrix():
    pb, W = _pb(9, 5, 6, True, seed=7)
    H = sm.hessian(pb, W)
    cls, dims = [0, 2, 5], [1, 3, 4]
    idx = [k * pb.D + a for k in cls for a in dims]
    assert torch.allclose(sm.hessian_subset(pb, W, cls, dims), H[idx][:, idx], rtol=1e-12, atol=1e-15)
    T = sm.block_trace_matrix(pb, W)
    H4 = H.view(pb.c, pb.D, pb.c, pb.D)
    Tref = torch.diagonal(H4, dim1=1, dim2=3).sum(-1)
    assert torch.allclose(T, Tref, rtol=1e-12, atol=1e-15)
    assert T.sum(dim=1).abs().max() <= 1e-12 * T.diagonal().abs().max()  # H_kk = -sum_{j != k} H_kj
    r = sm.diag_offdiag_ratios(sm.hessian_subset(pb, pb.zeros(), cls, dims), len(cls))
    assert abs(r["entry_median_ratio"] - (pb.c - 1)) <= 1e-9 * pb.c  # exact at init: c - 1


def test_along_path_snapshot_formats():
    rng = np.random.default_rng(0)
    X, y = rng.random((8, 3)), rng.integers(0, 3, 8)
    W, b = rng.standard_normal((3, 3)), rng.standard_normal(3)
    snaps = [(W, b), {"W": W, "b": b}, np.concatenate([W, b[:, None]], axis=1)]
    out = sm.smoothness_along_path(snaps, X, y, 3, device="cpu", restarts=2)
    assert len(out["l11"]) == 3 and len(set(np.round(out["l11"], 10))) == 1
    assert all(r <= 1 + 1e-12 for r in np.array(out["inf1_lower"]) / np.array(out["l11"]))
    out_nb = sm.smoothness_along_path([W], X, y, 3, bias=False, device="cpu", restarts=2)
    assert out_nb["P"] == [9]


def test_bad_input_raises_clear_errors():
    rng = np.random.default_rng(0)
    X, y = rng.random((8, 3)), rng.integers(0, 3, 8)
    with pytest.raises(ValueError, match="device"):
        sm.problem(X, y, 3, device="tpu")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="device.*cuda"):
            sm.problem(X, y, 3, device="cuda")
    with pytest.raises(ValueError, match="c:"):
        sm.problem(X, np.zeros(8, dtype=int), 1)
    with pytest.raises(ValueError, match="y:"):
        sm.problem(X, y + 5, 3)
    with pytest.raises(ValueError, match="y:"):
        sm.problem(X, y[:5], 3)
    Xn = X.copy()
    Xn[0, 0] = np.nan
    with pytest.raises(ValueError, match="X:"):
        sm.problem(Xn, y, 3)
    with pytest.raises(ValueError, match="dtype"):
        sm.problem(X, y, 3, dtype="float16")
    pb = sm.problem(X, y, 3, device="cpu")
    with pytest.raises(ValueError, match="W:"):
        pb.params(np.zeros((4, 4)))
    with pytest.raises(ValueError, match="W:"):
        pb.params(np.zeros((3, 3)))  # bias problem needs b
    with pytest.raises(ValueError, match="b:"):
        pb.params((np.zeros((3, 3)), None))
    with pytest.raises(ValueError, match="snapshots"):
        sm.smoothness_along_path([], X, y, 3, device="cpu")
    with pytest.raises(ValueError, match="probes"):
        sm.cauchy_l11(lambda v: v, 3, probes=0)


def test_sim_path_is_gd_on_the_same_loss_and_from_sim_checks_weights():
    """Paths come from theorycheck.sim (whose Adam is tested against torch.optim.Adam in
    tests/test_sim_core.py); here: the simulator's GD path is GD on this module's gradient, and
    ``from_sim`` refuses reweighted objectives (the Hessians here are of the plain loss)."""
    from theorycheck.sim.problems import LinearSoftmax

    rng = np.random.default_rng(1)
    X, y = rng.random((10, 4)), np.array([0, 1, 2] * 3 + [0])
    lin = LinearSoftmax(X, y, c=3, device="cpu")
    pb = from_sim(lin)
    snaps = sim_path(lin, "GD", 0.5, 20, [0, 20])
    assert [s for s, _ in snaps] == [0, 20]
    assert float(pb.params(snaps[0][1]).abs().max()) == 0.0
    Wt = pb.zeros()
    for _ in range(20):
        Wt = Wt - 0.5 * sm.gradient(pb, Wt)
    assert torch.allclose(pb.params(snaps[1][1]), Wt, rtol=1e-9, atol=1e-12)
    with pytest.raises(ValueError, match="lin:"):
        from_sim(LinearSoftmax(X, y, c=3, omega=[0.5, 0.25, 0.25], device="cpu"))


def test_diag_block_traces_shared_by_sim_block_stats():
    """sim.run.block_stats and block_traces use the same trace formula (both variants)."""
    from theorycheck.sim.problems import LinearSoftmax
    from theorycheck.sim.run import block_stats

    rng = np.random.default_rng(2)
    X, y = rng.standard_normal((12, 3)), np.array([0, 1, 2, 3] * 3)
    lin = LinearSoftmax(X, y, c=4, device="cpu")
    pb = from_sim(lin)
    W, b = torch.as_tensor(rng.standard_normal((4, 3))), torch.as_tensor(rng.standard_normal(4))
    for diag, variant in (("x2", "correct"), ("x", "released_script")):
        st = block_stats(lin, {"W": W, "b": b}, hessian_diag=diag)
        bt = sm.block_traces(pb, pb.params((W, b)), variant=variant)
        assert np.allclose(st["hess_trace"], bt["trace"].numpy(), rtol=1e-12)
        assert np.allclose(st["grad_norm"], bt["grad_norm"].numpy(), rtol=1e-12)


@pytest.mark.gpu
def test_cuda_matches_cpu():
    rng = np.random.default_rng(0)
    X, y = rng.random((30, 6)), rng.integers(0, 4, 30)
    W, b = rng.standard_normal((4, 6)), rng.standard_normal(4)
    a = sm.smoothness_along_path([(W, b)], X, y, 4, device="cpu", restarts=2)
    g = sm.smoothness_along_path([(W, b)], X, y, 4, device="cuda", restarts=2)
    for k in ("l11", "lambda_max", "trace"):
        assert abs(a[k][0] - g[k][0]) <= 1e-9 * abs(a[k][0])


@settings(max_examples=8, deadline=None)
@given(c=st.sampled_from([2, 50, 3000]), scale=st.sampled_from([0.0, 1.0, 50.0, 1e4]),
       seed=st.integers(0, 99))
def test_closed_form_extremes_against_mpmath(c, scale, seed):
    """Many classes and extreme logits: the closed form stays finite and agrees with mpmath."""
    import mpmath

    rng = np.random.default_rng(seed)
    n, d = 3, 2
    X = rng.random((n, d))
    pb = sm.problem(X, rng.integers(0, c, n), c, bias=True, device="cpu")
    W = torch.as_tensor(scale * rng.standard_normal((c, pb.D)))
    val = sm.l11_upper(pb, W)
    assert math.isfinite(val) and val >= 0
    Xa = np.concatenate([X, np.ones((n, 1))], axis=1)
    Wn = W.numpy()
    with mpmath.workdps(40):
        tot = mpmath.mpf(0)
        for i in range(n):
            z = [mpmath.fsum(mpmath.mpf(float(Wn[k, a])) * mpmath.mpf(float(Xa[i, a])) for a in range(pb.D))
                 for k in range(c)]
            zmax = max(z)
            e = [mpmath.exp(zk - zmax) for zk in z]
            S = mpmath.fsum(e)
            q = 1 - mpmath.fsum((ek / S) ** 2 for ek in e)
            tot += q * mpmath.mpf(float(np.abs(Xa[i]).sum())) ** 2
        ref = float(2 * tot / n)
    # 1 - ||p||^2 loses relative accuracy when p is one-hot (q ~ 1e-16 absolute): compare absolutely there
    assert abs(val - ref) <= tol.FLOAT64_REL * abs(ref) + 1e-13 * float((np.abs(Xa).sum(1) ** 2).max())


def test_closed_form_million_classes_at_init():
    """c = 10^6: at W = 0 the closed form is 2 (1 - 1/c) M exactly (M = mean ||x~_i||_1^2)."""
    rng = np.random.default_rng(0)
    c, n = 10**6, 4
    pb = sm.problem(rng.random((n, 2)), rng.integers(0, c, n), c, bias=True, device="cpu")
    M = float((pb.Xa.abs().sum(dim=1) ** 2).mean())
    val = sm.l11_upper(pb, pb.zeros())
    assert abs(val - 2 * (1 - 1 / c) * M) <= tol.FLOAT64_REL * val
    lam, _ = sm.lanczos(sm.hvp_fn(pb, pb.zeros()), pb.P, iters=10)
    assert abs(lam - sm.init_constants(pb)["lambda_max"]) <= 1e-8 * lam


def test_smoothness_along_path_at_large_inputs_is_finite_or_names_X():
    """Regressions (issue 13): Lanczos' ||w||_2 overflowed for HVP entries beyond ~1e154 (NaN Ritz
    vector); HVPs beyond float64 raised a ValueError naming the internal ``hv``. At W = 0 without
    bias the Hessian of s X is s^2 times that of X."""
    rng = np.random.default_rng(0)
    X, y = rng.random((6, 3)), np.array([0, 1, 2, 0, 1, 0])
    W0 = [np.zeros((3, 3))]
    base = sm.smoothness_along_path(W0, X, y, 3, bias=False, device="cpu")["lambda_max"][0]
    for s in (1e100, 1e150):
        big = sm.smoothness_along_path(W0, X * s, y, 3, bias=False, device="cpu")["lambda_max"][0]
        assert abs(big / s**2 - base) <= tol.FLOAT64_REL * base
    with pytest.raises(ValueError, match="^X:"):
        sm.smoothness_along_path(W0, X * 1e300, y, 3, bias=False, device="cpu")
