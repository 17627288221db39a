"""X24's half-interquartile-range estimator of the row ell_1 norms next to the median-of-|Hv| one."""

import math

import numpy as np
import pytest

from theorycheck.models.quadratics import cauchy_row_l1, cauchy_row_l1_estimators


def test_both_estimators_recover_row_l1_norms_within_their_spread():
    rng = np.random.default_rng(0)
    d, probes = 40, 2001
    H = rng.standard_normal((d, d)) * np.exp(rng.uniform(-3, 3, size=(d, 1)))
    H = (H + H.T) / 2
    r = np.abs(H).sum(1)
    est = cauchy_row_l1_estimators(lambda V: H @ V, d, probes, rng=1)
    sd = math.pi / (2 * math.sqrt(probes))  # relative standard deviation of either estimator
    for k in ("half_iqr", "median_abs"):
        rel = est[k] / r - 1
        assert np.all(np.abs(rel) < 5 * sd), k
        assert abs(rel.mean()) < 5 * sd / math.sqrt(d), k
    assert not np.allclose(est["half_iqr"], est["median_abs"])  # two different statistics of the same probes
    np.testing.assert_array_equal(est["median_abs"], cauchy_row_l1(lambda V: H @ V, d, probes, rng=1))


def test_half_iqr_spread_matches_its_asymptotic_variance():
    # Monte Carlo over repetitions: the relative sd of the half-IQR is ~ pi / (2 sqrt(probes))
    H = np.diag([2.0])
    probes, reps = 401, 400
    vals = np.array([cauchy_row_l1_estimators(lambda V: H @ V, 1, probes, rng=s)["half_iqr"][0] for s in range(reps)])
    rel_sd = np.std(vals / 2.0)
    assert 0.8 < rel_sd / (math.pi / (2 * math.sqrt(probes))) < 1.2


@pytest.mark.parametrize("kw", [{"d": 0}, {"d": 2.5}, {"probes": 0}, {"probes": True}])
def test_bad_input(kw):
    args = {"d": 3, "probes": 5} | kw
    with pytest.raises(ValueError, match=next(iter(kw))):
        cauchy_row_l1_estimators(lambda V: V, args["d"], args["probes"])
