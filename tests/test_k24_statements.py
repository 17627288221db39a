"""The statements of K24 added by issue 12 (appendices A, C, G, H, I; sections 2.2, 3.3; captions):
the helpers they rest on, and corrections that follow a changed statement."""

from __future__ import annotations

import numpy as np
import pytest

from theorycheck.claims.k24 import appendix_a5_table1 as t1
from theorycheck.claims.k24 import appendix_a_counts as ac
from theorycheck.claims.k24 import appendix_h_ratio as hr
from theorycheck.claims.k24 import appendix_i_notation as ino
from theorycheck.claims.k24 import cross_references as xr
from theorycheck.claims.k24 import figure8_caption as f8
from theorycheck.claims.k24 import section22_orthogonal as so
from theorycheck.claims.k24 import section33_remarks as sr
from theorycheck.claims.k24._consistency import (
    approx_holds,
    approx_unit,
    field,
    same_at_one_digit,
)
from theorycheck.core.registry import get
from theorycheck.core.result import Verdict


def run(cid, printed=None):
    return get(cid).run("quick", printed=printed).result


def test_consistency_helpers():
    assert approx_unit(5000) == 1000 and approx_unit(10_000) == 10_000 and approx_unit(10_240) == 10
    assert approx_holds(5000, 5400) and not approx_holds(5000, 5600)
    assert same_at_one_digit(50_000, 51_200) and not same_at_one_digit(50_000, 65_000)
    assert field("x", 3, 3).verdict is Verdict.HOLDS
    r = field("x", 3, 4)
    assert r.verdict is Verdict.CORRECTED and "= 4" in r.correction
    with pytest.raises(ValueError, match="n:"):
        approx_unit(0)
    with pytest.raises(ValueError, match="how"):
        field("x", 1, 1, how="roughly")


def test_barcoded_construction_counts_and_validation():
    t = ac.barcoded_mnist(50_000, 10, 11, 5)
    assert t["new_images"] == 5 * 10 * 2 ** 11 and t["combined_classes"] == 10 * 2 ** 11 + 10
    with pytest.raises(ValueError, match="bits"):
        ac.barcoded_mnist(50_000, 10, 0, 5)


def test_counts_correction_follows_the_statement():
    p = {**ac.printed_counts(), "new_images": 51_000}
    r = run("K24.A.counts", p)
    assert r.verdict is Verdict.CORRECTED and "51200" in r.correction


def test_grid_correction_follows_the_statement():
    r = run("K24.A4.grid")
    assert r.verdict is Verdict.CORRECTED and "10^-6, 10^-5, ..., 10^1" in r.correction
    r2 = run("K24.A4.grid", {**ac.printed_grid(), "exponents_shown": (-7, -3), "last_exponent": 2})
    assert r2.verdict is Verdict.CORRECTED and "10^-7, 10^-6, ..., 10^2" in r2.correction
    assert run("K24.A4.grid", {**ac.printed_grid(), "exponents_shown": (-6, -2), "last_exponent": 2}).verdict is Verdict.HOLDS


def test_imagenet_rounding_rule_is_validated():
    with pytest.raises(ValueError, match="ht_rounding"):
        run("K24.A2.imagenet", {**ac.printed_imagenet(), "ht_rounding": "truncate"})


def test_table1_mended_holds_and_correction_names_the_rows():
    r = run("K24.A5.table1")
    assert r.verdict is Verdict.CORRECTED
    assert "figures 18, 20" in r.correction and "4, 7, 8, 19, 22, 23, 27, 28" in r.correction
    assert run("K24.A5.table1", t1.mended_table(t1.printed_table1())).verdict is Verdict.HOLDS


def test_xref_corrections_are_computed_from_the_captions():
    r = run("K24.xref")
    assert "13" in r.evidence["appB_vit"]["finding"] or "13" in r.correction
    assert "17920 tokens" in r.correction and "524288" in r.correction
    assert run("K24.xref", xr.mended(xr.printed_xref())).verdict is Verdict.HOLDS


def test_fig8_size_follows_the_counts():
    p = f8.printed_fig8()
    q = {k: {**v, "classes": 20, "dims": 30} for k, v in p.items()}
    r = run("K24.fig8.caption", q)
    assert "[600 x 600]" in r.correction
    built = f8.subsampled_hessian(c=8, d=6, n=3, classes=4, dims=5)
    assert built["entries_shape"] == (20, 20) and built["block_traces_shape"] == (4, 4) and built["symmetric"]
    with pytest.raises(ValueError, match="classes, dims"):
        f8.subsampled_hessian(c=3, d=3, n=2, classes=4, dims=2)


def test_h_ratio_middle_correction_and_condition():
    r = run("K24.H.ratio")
    assert r.verdict is Verdict.CORRECTED
    assert "Tr(p(1-p) Hbar^k" in r.correction and "p (1 - p) pi_k c -> oo" in r.correction
    mended = {**hr.printed_ratio(), "middle_den_H": hr.printed_ratio()["middle_den_H"] / hr._S()[1]["pi"]}
    r2 = run("K24.H.ratio", mended)
    assert "middle" not in r2.correction and "condition" in r2.correction


def test_simple_setting_ratio_tends_to_the_family_limit():
    # p = pi_k = c^-1/2: the ratio tends to h/(h + delta) = 1/2 on the simple setting, not to 1
    vals = [hr.simple_setting_ratio(c, c ** -0.5, c ** -0.5) for c in (10 ** 3, 10 ** 5)]
    assert abs(vals[-1] - 0.5) < 5e-3 and abs(vals[-1] - 0.5) < abs(vals[0] - 0.5)
    # fixed p and pi_k: the ratio tends to 1
    assert abs(hr.simple_setting_ratio(10 ** 5, 0.5, 0.3) - 1) < 1e-3
    with pytest.raises(ValueError, match="p, pi_k"):
        hr.simple_setting_ratio(10, 1.5, 0.2)


def test_bias_initial_slope_formula():
    rng = np.random.default_rng(0)
    for c in (3, 7, 30):
        pi = rng.random(c)
        pi /= pi.sum()
        assert np.allclose(sr.initial_slopes(pi), 1 / c - pi * (2 - 1 / c), atol=1e-13)


def test_remarks_threshold_rule_follows_the_statement():
    ok = run("K24.sec33.remarks", {**sr.printed_remarks(), "first_increase_with_bias": "threshold 1/(2*c-1)"})
    assert ok.verdict is Verdict.HOLDS
    bad = run("K24.sec33.remarks", {**sr.printed_remarks(), "first_increase_with_bias": "threshold 1/c"})
    assert bad.verdict is Verdict.CORRECTED and "1/(2c - 1)" in bad.correction


def test_separability_helpers():
    X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]])  # XOR labels: no linear separator through 0
    assert not so.binary_separable(X, np.array([1.0, 1.0, 1.0, 1.0]) * np.array([1, -1, 1, -1]))
    assert so.binary_separable(X[:2], np.array([1.0, -1.0]))
    rng = np.random.default_rng(1)
    Xu = rng.random((6, 6))
    assert so.realise_labels(Xu, np.array([0, 1, 2, 0, 1, 2]), 3)["separated"]
    with pytest.raises(ValueError, match="inputs"):
        so.gd_class_spread("gaussian", False)


def test_orthogonal_samples_have_identical_class_losses():
    r = so.gd_class_spread("orthogonal", False, m=3, steps=50)
    assert r["max_relative_class_spread"] < 1e-10 and r["max_gap_to_per_sample_recursion"] < 1e-10
    assert so.gd_class_spread("uniform", False, m=3, steps=50)["max_relative_class_spread"] > 1e-2


def test_notation_conventions():
    W, pi, G = ino.autograd_gradient(5, 7)
    row = ino.printed_formula({**ino.printed_notation(), "index_order": "row,column"}, W, pi)
    col = ino.printed_formula(ino.printed_notation(), W, pi)
    assert np.max(np.abs(row - G)) < 1e-12 and np.max(np.abs(col - G)) > 1e-3
