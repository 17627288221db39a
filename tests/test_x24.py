"""X24: the statements as printed, wrong variants the checks must reject, and the numerics of
theorycheck.models.quadratics (norms, optimizers, estimators) including bad input."""

from types import SimpleNamespace

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from theorycheck.claims.x24 import _common, estimators, rotation, smoothness
from theorycheck.core import tolerances as tol
from theorycheck.core.result import Verdict
from theorycheck.models import quadratics as q

m = SimpleNamespace(**{**vars(_common), **vars(smoothness), **vars(rotation), **vars(estimators)})  # x24's claim modules as one namespace


def _parts(res):
    return {k: v["verdict"] for k, v in res.evidence.items() if isinstance(v, dict) and "verdict" in v}


# ----------------------------------------------------------------------------- X24.smoothness
def test_smoothness_printed_is_sharpened():
    r = m.check_smoothness(m.printed_smoothness(), "quick")
    assert r.verdict is Verdict.SHARPENED
    assert "min(||H||_{1,1}, d lambda_max(H))" in r.correction


def test_smoothness_correction_follows_the_statement():
    p = m.printed_smoothness()
    p["inequalities"] = p["inequalities"][::-1]
    r = m.check_smoothness(p, "quick")
    assert "min(d lambda_max(H), ||H||_{1,1})" in r.correction
    p["inequalities"] = [("norm11", ">=", "inf1"), ("2*d_lmax", ">=", "inf1")]  # true, but the second is never attained
    assert m.check_smoothness(p, "quick").verdict is Verdict.HOLDS


def test_smoothness_rejects_flipped_inequality():
    p = {"inequalities": [("norm11", "<=", "inf1")]}
    r = m.check_smoothness(p, "quick")
    assert r.verdict is Verdict.FAILS and "counterexample" in r.evidence


def test_smoothness_rejects_missing_factor_d():
    p = {"inequalities": [("lmax", ">=", "inf1")]}
    assert m.check_smoothness(p, "quick").verdict is Verdict.FAILS


def test_smoothness_rejects_unknown_names():
    with pytest.raises(ValueError, match="printed"):
        m.check_smoothness({"inequalities": [("foo", ">=", "inf1")]}, "quick")


# ----------------------------------------------------------------------------- X24.rates
def test_rates_printed_holds():
    r = m.check_rates(m.printed_rates(), "quick")
    assert r.verdict is Verdict.HOLDS
    j = r.evidence["adam"]["rho_claimed_minus_rho_other"]
    assert j["overall"] == "holds" and all(v["n"] >= 3 for v in j["per_horizon"].values())  # several seeds


def test_rates_rejects_swapped_constants():
    p = m.printed_rates()
    p["adam"], p["gd"] = "d_lmax", "norm11"
    r = m.check_rates(p, "quick")
    assert r.verdict is Verdict.FAILS
    assert _parts(r)["adam"] == "fails" and _parts(r)["gd"] == "fails"


# ----------------------------------------------------------------------------- X24.rotation
def test_rotation_printed_sharpened_with_adasgd():
    r = m.check_rotation(m.printed_rotation(), "quick")
    parts = _parts(r)
    assert all(parts[k] == "holds" for k in ("gd_equivariance", "adam_equivariance", "spectrum", "adam_speed"))
    assert r.verdict is Verdict.SHARPENED and "AdaSGD" in r.correction


def test_rotation_rejects_adam_equivariant():
    p = m.printed_rotation()
    p["adam_equivariant"] = True
    assert _parts(m.check_rotation(p, "quick"))["adam_equivariance"] == "fails"


def test_rotation_rejects_gd_not_equivariant():
    p = m.printed_rotation()
    p["gd_equivariant"] = False
    assert _parts(m.check_rotation(p, "quick"))["gd_equivariance"] == "corrected"


def test_rotation_rejects_adam_faster_with_norm11():
    p = m.printed_rotation()
    p["adam_speed_vs_norm11"] = -1
    assert _parts(m.check_rotation(p, "quick"))["adam_speed"] == "fails"


def test_rotation_rejects_lambda_max_changes():
    p = m.printed_rotation()
    p["lambda_max_invariant"] = False
    assert _parts(m.check_rotation(p, "quick"))["spectrum"] == "fails"


# ----------------------------------------------------------------------------- X24.estimators
def test_estimators_printed_holds_with_the_released_code_reading():
    """Probes scaled by 1/d (the authors' code, SPEC): the printed scale row_l1/d is right."""
    r = m.check_estimators(m.printed_estimators(), "quick")
    parts = _parts(r)
    assert r.verdict is Verdict.HOLDS, r.finding
    assert parts == {"distribution": "holds", "estimator": "holds", "median_bias": "holds", "lanczos": "holds"}
    fit = r.evidence["distribution"]["measured_scale_over_row_l1_vs_d"]
    assert fit["exponent_ci"][0] - 0.05 <= -1 <= fit["exponent_ci"][1] + 0.05
    assert r.evidence["median_bias"]["cross_check"] is True


def test_estimators_rejects_unscaled_row_l1():
    p = m.printed_estimators()
    p["scale_factor"] = sp.Integer(1)  # the row's ell_1 norm itself: right only for unit probes
    r = m.check_estimators(p, "quick")
    assert _parts(r)["distribution"] == "corrected"


def test_estimators_correction_follows_the_statement():
    d = sp.Symbol("d", positive=True, integer=True)
    for wrong in (2 / d, 3 / d**2):
        p = m.printed_estimators()
        p["scale_factor"] = wrong
        r = m.check_estimators(p, "quick")
        assert r.verdict is Verdict.CORRECTED and f"not {wrong}" in r.correction, r.correction
    p = m.printed_estimators()
    p["probe_scale"] = 2 / d  # probes scaled by 2/d: the coordinate scale is 2 row_l1/d, and the correction says so
    r = m.check_estimators(p, "quick")
    assert "Cauchy(0, (2/d) ||H_i||_1)" in r.correction


def test_estimators_rejects_estimator_without_a_limit():
    p = m.printed_estimators()
    p["robust_scales"] = ("std",)
    assert _parts(m.check_estimators(p, "quick"))["estimator"] == "corrected"


# ----------------------------------------------------------------------------- X24.blockwise
def test_blockwise_printed_holds():
    r = m.check_blockwise(m.printed_blockwise(), "quick")
    assert r.verdict is Verdict.HOLDS


def test_blockwise_rejects_swapped_endpoints():
    p = m.printed_blockwise()
    p["block_size_1"], p["one_block"] = "adasgd", "adam"
    parts = _parts(m.check_blockwise(p, "quick"))
    assert parts["block_size_1"] == "corrected" and parts["one_block"] == "corrected"


def test_blockwise_rejects_no_interpolation():
    p = m.printed_blockwise()
    p["interpolates"] = False
    assert _parts(m.check_blockwise(p, "quick"))["interpolation"] == "fails"


# ----------------------------------------------------------------------------- numerics
psd = st.integers(2, 7).flatmap(lambda d: st.tuples(st.just(d), st.integers(1, d), st.integers(0, 2**31 - 1)))


@settings(max_examples=25, deadline=None)
@given(psd, st.floats(1e-6, 1e6))
def test_norm_inequalities_property(spec, scale):
    d, r, seed = spec
    G = np.random.default_rng(seed).standard_normal((d, r)) * scale
    H = G @ G.T
    inf1 = q.norm_inf_to_1(H)
    assert inf1 <= q.norm_11(H) * (1 + tol.FLOAT64_REL)
    assert inf1 <= d * q.lambda_max(H) * (1 + tol.FLOAT64_REL)
    assert inf1 >= q.inf_to_1_lower_bound(H, rng=seed) * (1 - tol.FLOAT64_REL)


def test_brute_force_matches_known_values():
    d = 6
    assert q.norm_inf_to_1(np.ones((d, d))) == pytest.approx(d * d)
    D = np.diag(np.arange(1.0, d + 1))
    assert q.norm_inf_to_1(D) == pytest.approx(D.trace())


def test_blockwise_endpoints_exact():
    rng = np.random.default_rng(0)
    G = rng.standard_normal((12, 12))
    H = G @ G.T
    x0 = rng.standard_normal(12)
    a = q.run_optimizer("adam", H, x0, [1e-2, 1e-1], 30, beta1=0.9)
    b = q.run_optimizer("blockwise", H, x0, [1e-2, 1e-1], 30, beta1=0.9, block=1)
    assert np.allclose(a, b, rtol=tol.SIM_FLOAT64_REL, atol=0)
    assert q.blockwise_constant(H, 1) == pytest.approx(q.norm_11(H), rel=tol.FLOAT64_REL)
    assert q.blockwise_constant(H, 12) == pytest.approx(12 * q.lambda_max(H), rel=tol.FLOAT64_REL)


def test_rotation_path_keeps_spectrum():
    eigs = q.power_spectrum(10, 1.0)
    A = q.random_skew(10, 0)
    for H in q.rotation_path(eigs, A, [0.0, 0.5, 2.0]):
        assert np.allclose(np.linalg.eigvalsh(H)[::-1], eigs, atol=1e-12)


def test_cauchy_moments_match_monte_carlo():
    b, s = q.cauchy_median_moments(9)
    med = np.median(np.abs(np.random.default_rng(0).standard_cauchy((200_000, 9))), axis=1)
    assert abs(med.mean() - 1 - b) < tol.MC_SIGMAS * med.std() / np.sqrt(med.size)


def test_hvp_geometry_exact_small():
    rng = np.random.default_rng(1)
    G = rng.standard_normal((6, 6))
    H = G @ G.T
    out = q.hvp_geometry(lambda v: H @ v, 6, probes=401, rng=2)
    assert out["lambda_max"] == pytest.approx(q.lambda_max(H), rel=1e-8)
    assert out["exact"]["norm11"] == pytest.approx(q.norm_11(H))
    assert abs(out["norm11_over_d"] / (q.norm_11(H) / 6) - 1) < 0.3


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: q.norm_11(np.array([[1.0, 2.0], [0.0, 1.0]])), "H"),
        (lambda: q.norm_11(np.array([[np.nan, 0.0], [0.0, 1.0]])), "H"),
        (lambda: q.norm_inf_to_1(np.eye(30)), "H"),
        (lambda: q.run_optimizer("adam", np.eye(2), np.ones(2), [-1.0], 5), "lrs"),
        (lambda: q.run_optimizer("adam", np.eye(2), np.ones(2), [0.1], 5, beta1=1.0), "beta1"),
        (lambda: q.run_optimizer("blockwise", np.eye(4), np.ones(4), [0.1], 5, block=5), "block"),
        (lambda: q.run_optimizer("sgdx", np.eye(2), np.ones(2), [0.1], 5), "name"),
        (lambda: q.run_optimizer("gd", np.eye(2), np.array([np.nan, 1.0]), [0.1], 5), "x0"),
        (lambda: q.run_optimizer("gd", np.eye(2), np.ones(3), [0.1], 5), "x0"),
        (lambda: q.cauchy_row_l1(lambda v: v, 3, 0), "probes"),
        (lambda: q.cauchy_median_moments(4), "k"),
        (lambda: q.power_spectrum(4, top=-1.0), "top"),
    ],
)
def test_bad_input_names_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_extreme_scales_finite():
    H = np.diag([1e-12, 1.0, 1e12])
    assert np.isfinite(q.norm_inf_to_1(H)) and q.norm_inf_to_1(H) == pytest.approx(H.trace())
    loss = q.run_optimizer("adam", H, np.ones(3), [1e-3], 50)
    assert np.isfinite(loss).all()


def test_k24_hook_on_a_softmax_linear_model():
    """The K24 hook takes only an HVP: here the softmax linear model's, built by hand
    (H = (1/n) sum_i (diag p_i - p_i p_i^T) kron x_i x_i^T), checked against its dense Hessian."""
    rng = np.random.default_rng(0)
    c, dx, n = 3, 4, 50
    Xd = rng.uniform(0, 1, (n, dx))
    W = rng.standard_normal((c, dx))
    Z = Xd @ W.T
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)

    def hvp(v):
        V = np.asarray(v).reshape(c, dx)
        U = Xd @ V.T  # (n, c): V x_i
        S = P * U - P * (P * U).sum(axis=1, keepdims=True)  # (diag p - p p^T) V x_i
        return (S.T @ Xd / n).ravel()

    dense = sum(np.kron(np.diag(p) - np.outer(p, p), np.outer(x, x)) for p, x in zip(P, Xd)) / n
    out = q.k24_softmax_geometry(hvp, c * dx, probes=1001, rng=1)
    assert out["exact"]["norm11"] == pytest.approx(q.norm_11(dense), rel=1e-12)
    assert out["lambda_max"] == pytest.approx(q.lambda_max(dense), rel=1e-8)
    assert out["exact"]["inf_to_1"] <= min(q.norm_11(dense), c * dx * q.lambda_max(dense)) * (1 + 1e-12)
    b, s = q.cauchy_median_moments(1001)
    assert abs(out["norm11_over_d"] / (q.norm_11(dense) / (c * dx)) - 1 - b) < 5 * s
