"""core/worstcase.py: the adversarial search finds known violations and reports tightness < 1 on
true bounds, is seeded, and refuses bad input."""

import math

import numpy as np
import pytest

from theorycheck.core.worstcase import Param, worst_case


def test_reports_tightness_below_one_on_a_true_bound():
    # x^2 e^{-x} <= 1 on [0, 10]: the supremum 4 e^{-2} = 0.5413 is attained at x = 2
    wc = worst_case(lambda x: x * x * math.exp(-x), {"x": (0.0, 10.0)}, seed=1)
    assert not wc.violated()
    assert wc.ratio == pytest.approx(4 * math.exp(-2), rel=1e-6)
    assert wc.instance["x"] == pytest.approx(2.0, abs=1e-3)
    assert wc.rejectable_factor == pytest.approx(math.exp(2) / 4, rel=1e-6)


def test_finds_a_violation_hidden_on_one_small_instance():
    # a bound that fails only at d = 3, near x = (0.7, 0.2) in a 2-D box: a grid of hand-picked
    # instances misses it; the search must return that instance as the counterexample
    def ratio(d, x, y):
        bump = math.exp(-((x - 0.7) ** 2 + (y - 0.2) ** 2) / 0.02)
        return 0.5 + (0.8 * bump if d == 3 else 0.0)

    wc = worst_case(ratio, {"x": (0.0, 1.0), "y": (0.0, 1.0)}, {"d": [1, 2, 3, 4]}, seed=0)
    assert wc.violated() and wc.ratio == pytest.approx(1.3, rel=1e-4)
    assert wc.instance["d"] == 3
    assert wc.instance["x"] == pytest.approx(0.7, abs=1e-2) and wc.instance["y"] == pytest.approx(0.2, abs=1e-2)
    assert [p["d"] for p in wc.per_discrete] == [1, 2, 3, 4]


def test_log_scale_and_differential_evolution():
    # peak at eta = 1e-3 on a log box spanning 1e-8 .. 1
    f = lambda eta: math.exp(-(math.log10(eta) + 3) ** 2)
    for method in ("nelder-mead", "differential-evolution"):
        wc = worst_case(f, {"eta": Param(1e-8, 1.0, "log")}, seed=3, method=method)
        assert wc.ratio == pytest.approx(1.0, abs=1e-4) and wc.instance["eta"] == pytest.approx(1e-3, rel=2e-2)
        assert not wc.violated(slack=1e-3)


def test_seeded_and_stops_early():
    f = lambda x, y: math.sin(5 * x) * math.cos(3 * y) + 0.1 * x
    a = worst_case(f, {"x": (0, 3), "y": (0, 3)}, seed=7)
    b = worst_case(f, {"x": (0, 3), "y": (0, 3)}, seed=7)
    assert a.ratio == b.ratio and a.instance == b.instance and a.evaluations == b.evaluations
    s = worst_case(lambda d, x: d * x, {"x": (0, 1)}, {"d": [1, 2, 3]}, stop_above=1.0, seed=0)
    assert s.stopped_early and s.violated() and s.instance["d"] in (2, 3)
    assert s.evaluations < worst_case(lambda d, x: d * x, {"x": (0, 1)}, {"d": [1, 2, 3]}, seed=0).evaluations


def test_outside_conditions_and_budget():
    # -inf marks an instance outside the theorem's conditions: never chosen
    wc = worst_case(lambda x: -math.inf if x > 0.5 else x, {"x": (0.0, 1.0)}, seed=2, max_evals=60)
    assert wc.ratio == pytest.approx(0.5, abs=1e-3) and wc.instance["x"] <= 0.5
    assert all(p["evaluations"] <= 60 for p in wc.per_discrete)
    ev = wc.as_evidence()
    assert ev["tightness (max measured/bound)"] == wc.ratio and ev["box"]["x"] == [0.0, 1.0, "lin"]
    only_discrete = worst_case(lambda n: 1.0 / n, discrete={"n": [1, 2, 5]})
    assert only_discrete.ratio == 1.0 and only_discrete.instance == {"n": 1} and only_discrete.evaluations == 3


@pytest.mark.parametrize("kw, match", [
    ({"continuous": {"x": (1.0, 0.0)}}, "lo <= hi"),
    ({"continuous": {"x": (0.0, 1.0, "log")}}, "lo > 0"),
    ({"continuous": {"x": (0.0, 1.0, "cubic")}}, "scale"),
    ({"continuous": {"x": (0.0, 1.0)}, "method": "anneal"}, "method"),
    ({"continuous": {"x": (0.0, 1.0)}, "samples": 0}, "samples"),
    ({"continuous": {"x": (0.0, 1.0)}, "discrete": {"x": [1]}}, "twice"),
    ({"discrete": {"n": []}}, "no values"),
    ({}, "at least one"),
])
def test_bad_input(kw, match):
    with pytest.raises(ValueError, match=match):
        worst_case(lambda **k: 0.0, **kw)


def test_nan_is_an_error_naming_the_instance():
    with pytest.raises(ValueError, match="NaN at instance"):
        worst_case(lambda x: float("nan"), {"x": (0.0, 1.0)})
    with pytest.raises(ValueError, match="slack"):
        worst_case(lambda x: x, {"x": (0.0, 1.0)}).violated(-1.0)


def test_warm_starts_are_evaluated_first():
    # a needle that the random samples miss; a warm start at it is found at once
    f = lambda x: 2.0 if abs(x - 0.123456) < 1e-9 else 0.5
    assert worst_case(f, {"x": (0.0, 1.0)}, seed=0, samples=8, max_evals=20).ratio == 0.5
    wc = worst_case(f, {"x": (0.0, 1.0)}, seed=0, samples=8, max_evals=20, starts=[{"x": 0.123456}], stop_above=1.0)
    assert wc.ratio == 2.0 and wc.evaluations == 1
