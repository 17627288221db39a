"""Step-size selection rules (K24 A.4 as printed vs the extended variant) and the per-process
problem cache."""

import math

import numpy as np
import pytest

from theorycheck.sim import problems as P
from theorycheck.sim import sweep as S


def _fake_sweep(unstable_steps, diverge_at=10.0):
    """A stand-in for sweep_runs: final loss (log10 step + 1.3)^2 + 0.1 for every seed, a run is
    unstable when its step is in ``unstable_steps``, and steps >= ``diverge_at`` diverge."""
    calls = []

    def fake(spec, runs, seeds, steps, **kw):
        calls.append(list(runs))
        st = np.array([s for _, s in runs])
        final = (np.log10(st) + 1.3) ** 2 + 0.1
        final = np.where(st >= diverge_at, np.nan, final)
        initial = np.full(len(runs), 1.0)
        mx = np.where(np.isin(np.round(st, 12), np.round(list(unstable_steps), 12)), 2.0, 0.9)
        mx = np.where(st >= diverge_at, np.inf, mx)
        outs = [{"final": final, "max": mx, "initial": initial, "loss": np.zeros((steps + 1, len(runs))),
                 "group_loss": np.zeros((steps + 1, len(runs), 2)), "final_class": np.zeros((len(runs), 3))} for _ in seeds]
        return S.SweepResult(list(runs), list(seeds), np.stack([final] * len(seeds)), np.stack([mx] * len(seeds)),
                             np.stack([initial] * len(seeds)), outs)

    return fake, calls


SPEC = P.ProblemSpec("heavy_tailed", {"m": 3, "d": 8}, device="cpu")


def test_paper_rule_uses_the_printed_grid_and_takes_the_next_smaller_step(monkeypatch):
    h = 10 ** -1.5
    fake, calls = _fake_sweep({h, 0.01})
    monkeypatch.setattr(S, "sweep_runs", fake)
    sel = S.select_steps(SPEC, ["GD"], [0, 1, 2], 5, rule="paper", grid=[1.0])["GD"]
    first = sorted(s for _, s in calls[0])
    np.testing.assert_allclose(first, S.PAPER_GRID)  # grid argument ignored: the printed grid
    assert len(calls) == 2  # grid, then the half-powers around the best; no extension
    assert math.isclose(sel["best_score_step"], h)
    assert sel["step"] == 0.01  # the next smaller step, although it is unstable itself
    assert "next smaller" in sel["fallback"] and sel["table"]["10"] == math.inf and "10" in sel["unstable"]
    assert sorted(sel["curves"]) == [0, 1, 2] and sel["seeds"] == [0, 1, 2]


def test_extended_rule_takes_the_largest_smaller_stable_step(monkeypatch):
    h = 10 ** -1.5
    fake, calls = _fake_sweep({h, 0.01})
    monkeypatch.setattr(S, "sweep_runs", fake)
    sel = S.select_steps(SPEC, ["GD"], [0], 5, rule="extended", grid=S.PAPER_GRID)["GD"]
    assert math.isclose(sel["best_score_step"], h) and sel["step"] == 1e-3


def test_extended_rule_brackets_the_optimum(monkeypatch):
    fake, calls = _fake_sweep(set())
    monkeypatch.setattr(S, "sweep_runs", fake)
    sel = S.select_steps(SPEC, ["GD"], [0], 5, rule="extended", grid=[1e-5, 1e-4], refine=False, extend=5)["GD"]
    assert sel["step"] == 0.1 and len(calls) >= 4


def test_all_diverged_and_bad_arguments(monkeypatch):
    fake, _ = _fake_sweep(set(), diverge_at=0.0)
    monkeypatch.setattr(S, "sweep_runs", fake)
    sel = S.select_steps(SPEC, ["GD"], [0], 5, rule="paper")["GD"]
    assert sel["score"] == math.inf and "diverged" in sel["fallback"]
    with pytest.raises(ValueError, match="rule"):
        S.select_steps(SPEC, ["GD"], [0], 5, rule="best")
    with pytest.raises(ValueError, match="start"):
        S.SweepTask(SPEC, (("GD", 0.1),), 3, start="ones")


def test_problems_are_built_once_per_recipe(monkeypatch):
    S.clear_problem_cache()
    a = S.build_problem(SPEC.with_seed(0))
    assert S.build_problem(SPEC.with_seed(0)) is a
    b = S.build_problem(SPEC.with_seed(1))
    assert b is not a and not np.array_equal(a.X.numpy(), b.X.numpy())
    monkeypatch.setenv("THEORYCHECK_PROBLEM_CACHE_MB", "0")
    c = S.build_problem(SPEC.with_seed(2))
    assert list(S._PROBLEMS.values()) == [c]  # over budget: only the most recent stays
    monkeypatch.setenv("THEORYCHECK_PROBLEM_CACHE_MB", "lots")
    with pytest.raises(ValueError, match="THEORYCHECK_PROBLEM_CACHE_MB"):
        S.build_problem(SPEC.with_seed(3))
    with pytest.raises(ValueError, match="spec"):
        S.build_problem("heavy_tailed")
    S.clear_problem_cache()


def test_start_and_seed_reach_the_runs():
    z = S.run_task(S.SweepTask(SPEC, (("GD", 0.5),), 3, seed=1, start="zero"))
    p = S.run_task(S.SweepTask(SPEC, (("GD", 0.5),), 3, seed=1, start="pytorch"))
    p2 = S.run_task(S.SweepTask(SPEC, (("GD", 0.5),), 3, seed=2, start="pytorch"))
    assert math.isclose(z["initial"][0], math.log(7), rel_tol=1e-12)  # W = 0: uniform predictions, c = 7
    assert not math.isclose(p["initial"][0], math.log(7)) and p["initial"][0] != p2["initial"][0]
