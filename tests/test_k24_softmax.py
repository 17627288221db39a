"""K24.eq4, K24.H1, K24.prop2.init, K24.prop2.train: the printed statements, and wrong
variants (flipped signs, wrong constants, wrong exponents) the checks must reject."""

from types import SimpleNamespace

import pytest

from theorycheck.claims.k24 import _softmax_common, gradients, proposition2
from theorycheck.core import tolerances as tol
from theorycheck.core.result import Verdict
from theorycheck.models import softmax_symbolic as S

m = SimpleNamespace(**{**vars(_softmax_common), **vars(gradients), **vars(proposition2)})  # k24's claim modules as one namespace

_, SYM = m._sym()
p_k, p_j, delta, c, pi_k, p = (SYM[k] for k in ("p_k", "p_j", "delta", "c", "pi_k", "p"))
xbar_k, xbar, Hbar, Hbar_k = (SYM[k] for k in ("xbar_k", "xbar", "Hbar", "Hbar_k"))
xnorm_k, trH_k = SYM["xnorm_k"], SYM["trH_k"]


def _parts(res):
    """Verdicts of the parts (the instance cross-checks aside)."""
    return {k: v["verdict"] for k, v in res.evidence.items()
            if isinstance(v, dict) and "verdict" in v and not v.get("cross_check")}


def _cross(res):
    return {k: v["verdict"] for k, v in res.evidence.items() if isinstance(v, dict) and v.get("cross_check")}


# --- the symbolic model itself ------------------------------------------------------------------

def test_model_rejects_bad_sizes_and_labels():
    with pytest.raises(ValueError, match="c:"):
        S.model(1, 2)
    with pytest.raises(ValueError, match="d:"):
        S.model(3, 0)
    with pytest.raises(ValueError, match="y:"):
        S.model(3, 2).loss(3)


def test_gradient_blocks_sum_to_zero_and_hessian_is_symmetric():
    G = S.gradient_blocks_E(3, 2, 1)
    assert S.matrix_is_zero(G[0] + G[1] + G[2])[0]
    H = S.hessian_blocks_E(3, 2, 0)
    assert S.matrix_is_zero(H[0][1] - H[1][0].T)[0]


# --- K24.eq4 -----------------------------------------------------------------------------------

def test_eq4_printed_gradient_has_the_wrong_sign():
    r = m.check_eq4(m.printed_eq4(), "quick")
    parts = _parts(r)
    assert parts == {"gradient": "corrected", "hessian": "holds"}
    assert r.verdict is Verdict.CORRECTED and "NEGATIVE" in r.correction and "p(x)_k" in r.correction
    # proved for symbolic c, d; the instance computations agree (cross-checks)
    assert r.strength == "proved"
    assert _cross(r) == {"gradient_cross_check": "holds", "hessian_cross_check": "holds"}


def test_eq4_correction_is_computed_from_the_truth():
    pr = m.printed_eq4()
    pr["grad_coef"] = 2 * (p_k - delta)  # a different wrong statement: a different correction
    r = m.check_eq4(pr, "quick")
    assert r.verdict is Verdict.CORRECTED
    assert "2 times the true one" in r.correction and "NEGATIVE" not in r.correction


def test_eq4_identity_true_at_the_instances_only_is_not_proved():
    # p_k - delta + (p_k - 1/3)(p_k - 1/4)(...) vanishes nowhere in general; here a term that vanishes at the
    # instances c = 3, 4 only: (c - 3)(c - 4) * p_k
    pr = m.printed_eq4()
    pr["grad_coef"] = p_k - delta + (c - 3) * (c - 4) * p_k
    r = m.check_eq4(pr, "quick")
    assert _parts(r)["gradient"] == "inconclusive"
    assert r.strength == "exact-instances"


def test_eq4_true_gradient_holds():
    pr = m.printed_eq4()
    pr["grad_coef"] = p_k - delta
    assert m.check_eq4(pr, "quick").verdict is Verdict.HOLDS


@pytest.mark.parametrize("wrong", [p_k ** 2 * (1 - p_k), p_k * (1 + p_k), (1 - p_k)])
def test_eq4_rejects_wrong_hessian(wrong):
    pr = m.printed_eq4()
    pr["hess_coef"] = wrong
    assert _parts(m.check_eq4(pr, "quick"))["hessian"] == "corrected"


# --- K24.H1 -----------------------------------------------------------------------------------

def test_H1_printed_is_sharpened_to_equality():
    r = m.check_H1(m.printed_H1(), "quick")
    assert _parts(r) == {"H_kk": "holds", "H_kj": "holds", "row_identity": "holds", "T_dominance": "sharpened"}
    assert r.verdict is Verdict.SHARPENED and "never strictly" in r.correction
    assert r.strength == "proved"
    assert r.evidence["T_dominance_kernels"]["max_rel_slack |T_kk - sum_{j!=k}|T_kj|| / T_kk"] <= tol.FLOAT64_REL


@pytest.mark.parametrize("key,wrong,part", [
    ("H_kj", p_k * p_j, "H_kj"),                    # flipped sign
    ("H_kk", p_k * (1 - p_k) ** 2, "H_kk"),         # wrong exponent
    ("row_identity_sign", 1, "row_identity"),       # flipped sign
    ("T_dominance", "strict", "T_dominance"),       # strict dominance is false
])
def test_H1_rejects_wrong_variants(key, wrong, part):
    pr = m.printed_H1()
    pr[key] = wrong
    assert _parts(m.check_H1(pr, "quick"))[part] == "corrected"


# --- K24.prop2.init ---------------------------------------------------------------------------

def test_prop2_init_printed():
    r = m.check_prop2_init(m.printed_prop2_init(), "quick")
    assert _parts(r) == {"grad": "corrected", "hess": "holds"}
    assert "xbar/c" in r.correction and "NEGATIVE" in r.correction
    assert r.strength == "proved"


def test_prop2_init_true_gradient_holds():
    pr = m.printed_prop2_init()
    pr["grad"] = xbar / c - pi_k * xbar_k
    assert m.check_prop2_init(pr, "quick").verdict is Verdict.HOLDS


@pytest.mark.parametrize("wrong", [(1 / c) * (1 - 1 / c) ** 2 * Hbar, (1 / c) * Hbar, (1 / c) * (1 + 1 / c) * Hbar])
def test_prop2_init_rejects_wrong_hessian(wrong):
    pr = m.printed_prop2_init()
    pr["hess"] = wrong
    assert _parts(m.check_prop2_init(pr, "quick"))["hess"] == "corrected"


# --- K24.prop2.train --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def train_printed_result():
    return m.check_prop2_train(m.printed_prop2_train(), "quick")


def test_prop2_train_printed(train_printed_result):
    r = train_printed_result
    parts = _parts(r)
    assert parts["grad"] == "corrected"          # the printed leading term has the wrong sign
    assert parts["hess"] == "holds"
    assert parts["ratio"] == "sharpened"         # the 1/p constant is exact; first-order error given
    assert parts["numeric"] == "holds"
    assert parts["c_sufficient"] in ("inconclusive", "holds", "corrected")
    # c pi_k -> infinity is not enough when p -> 0 (p = omega(1/c) is allowed by Assumption 1)
    assert parts["condition"] == "corrected"
    assert r.evidence["numeric"]["closed_form_vs_kernels_max_rel"] <= tol.FLOAT64_REL


def test_prop2_train_rejects_missing_1_over_p():
    pr = m.printed_prop2_train()
    pr["ratio"] = xnorm_k / trH_k
    parts = _parts(m.check_prop2_train(pr, "quick"))
    assert parts["ratio"] == "corrected"
    assert parts["numeric"] == "fails"


def test_prop2_train_rejects_wrong_hessian_constant_and_exponent():
    pr = m.printed_prop2_train()
    pr["hess_lead"] = p ** 2 * (1 - p) * pi_k * Hbar_k
    assert _parts(m.check_prop2_train(pr, "quick"))["hess"] == "corrected"
    pr = m.printed_prop2_train()
    pr["remainder_exponent"] = -2
    assert _parts(m.check_prop2_train(pr, "quick"))["hess"] == "corrected"


def test_prop2_train_true_gradient_condition_and_tiny_c_threshold():
    pr = m.printed_prop2_train()
    pr["grad_lead"] = -(1 - p) * pi_k * xbar_k
    pr["condition"] = c * pi_k * p * (1 - p)
    pr["c_sufficient"] = 10
    parts = _parts(m.check_prop2_train(pr, "quick"))
    assert parts["grad"] == "holds"
    assert parts["condition"] == "holds"
    assert parts["c_sufficient"] == "corrected"   # at c = 10 no class is within tolerance


def test_prop2_plot(tmp_path):
    from theorycheck.app import plots

    files = plots.make("k24_prop2", tmp_path, "quick")
    assert len(files) == 1 and files[0].stat().st_size > 1000


def test_H1_row_identity_correction_is_computed():
    pr = m.printed_H1()
    pr["row_identity_sign"] = 2
    r = m.check_H1(pr, "quick")
    assert _parts(r)["row_identity"] == "corrected" and "H_kk = -1 * sum" in r.correction


def test_prop2_init_correction_follows_the_statement():
    pr = m.printed_prop2_init()
    pr["hess"] = 2 * (1 / c) * (1 - 1 / c) * Hbar
    r = m.check_prop2_init(pr, "quick")
    assert _parts(r)["hess"] == "corrected" and "2 times the true one" in r.correction
