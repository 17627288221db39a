"""K24.fig4/fig5/fig7/C1/C2/F on a tiny configuration (m = 4, 2 seeds, both starts): every part
reads its statement seed by seed; flipping a printed statement flips exactly the parts that read
it (holds <-> corrected under the paper's protocol, holds -> inconclusive at a down-scaled size);
the evidence states the protocol and intervals over seeds; and a claim's evidence does not depend
on which claims ran before. The quick-profile reproductions themselves are the slow tests."""

import json

import pytest

from theorycheck.claims.k24 import empirical as K
from theorycheck.core.result import Verdict

CHECKS = {
    "K24.fig4": (K.check_fig4, K.printed_fig4),
    "K24.fig5": (K.check_fig5, K.printed_fig5),
    "K24.fig7": (K.check_fig7, K.printed_fig7),
    "K24.C1": (K.check_c1, K.printed_c1),
    "K24.C2": (K.check_c2, K.printed_c2),
    "K24.F": (K.check_f, K.printed_f),
}


def _tiny(monkeypatch, decisive):
    real = K.config

    def cfg(profile):
        c = dict(real("quick"))
        c.update(m=4, c_m=4, steps=30, c_steps=30, long_steps=120, device="cpu", dtype="float64", seeds=(0, 1),
                 profile="paper" if decisive else "quick")
        return c

    monkeypatch.setattr(K, "config", cfg)
    K.clear_cache()


@pytest.fixture
def tiny(monkeypatch):
    _tiny(monkeypatch, decisive=True)
    yield
    K.clear_cache()


def _parts(res):
    return {k: v for k, v in res.evidence.items() if isinstance(v, dict) and "verdict" in v}


@pytest.mark.parametrize("cid", sorted(CHECKS))
def test_flipped_statement_flips_exactly_the_parts_that_read_it(tiny, cid):
    check, printed = CHECKS[cid]
    p = printed()
    res = check(p, "full")
    parts = _parts(res)
    assert parts
    for v in parts.values():  # protocol and statistics are stated in every part
        assert len(v["protocol"]["seeds"]) >= 2 and v["protocol"]["starts"] == ["pytorch", "zero"]
        assert v["verdict_setting"] in v["intervals_over_seeds"] and "criterion" in v
    for key in p:
        flipped = dict(p, **{key: not p[key]})
        parts2 = _parts(check(flipped, "full"))
        reading = [k for k, v in parts.items() if v["statement_key"] == key]
        assert reading
        for k in parts:
            a, b = parts[k]["verdict"], parts2[k]["verdict"]
            if k in reading:
                assert {a, b} == {"holds", "corrected"} or a == b == "inconclusive", (k, a, b)
            else:
                assert a == b


def test_down_scaled_profile_never_corrects_the_paper_but_refutes_what_it_does_not_report(monkeypatch):
    """At a down-scaled size the paper's own statement is never corrected (its figure is evidence
    at the paper's size); a statement the paper does not report (the flipped booleans, the other
    end of the frequency range, the optimizers swapped) is rejected part by part when every seed
    contradicts it, even where another part is undecided."""
    _tiny(monkeypatch, decisive=False)
    res = K.check_fig4(K.printed_fig4(), "quick")
    assert res.verdict is not Verdict.CORRECTED
    assert all(v["verdict"] in ("inconclusive", "holds") for v in _parts(res).values())
    for form in ({"slow_end": "frequent"}, {"slow_optimizer": "Adam"}):
        res = K.check_fig4({**K.printed_fig4(), **form}, "quick")
        parts = _parts(res)
        assert res.verdict is Verdict.CORRECTED and res.correction
        for v in parts.values():  # a corrected part is one no seed supports; the others read their own numbers
            if v["verdict"] == "corrected":
                assert all(b != v["claimed"] for b in v["measured_per_seed"][v["verdict_setting"]])
    flipped = {k: not v for k, v in K.printed_fig4().items()}
    res = K.check_fig4(flipped, "quick")
    contradicted = [v for v in _parts(res).values()
                    if all(b != v["claimed"] for b in v["measured_per_seed"][v["verdict_setting"]])]
    assert all(v["verdict"] == "corrected" for v in contradicted)
    if contradicted:
        assert "not a form the paper reports" in res.correction
    K.clear_cache()


def test_correction_text_follows_the_statement(tiny):
    """The correction is built from the measurement and the statement's form, not written."""
    a = K.check_fig4({**K.printed_fig4(), "slow_end": "frequent"}, "full")
    b = K.check_fig4({**K.printed_fig4(), "slow_optimizer": "Adam"}, "full")
    assert "most frequent group" in a.correction and "Adam" in b.correction.split("=")[0]
    with pytest.raises(ValueError, match="slow_end"):
        K.check_fig4({**K.printed_fig4(), "slow_end": "middle"}, "full")


def test_evidence_does_not_depend_on_which_claims_ran_before(tiny):
    alone = json.dumps(K.check_fig4(K.printed_fig4(), "full").to_dict(), sort_keys=True)
    K.clear_cache()
    K.check_fig5(K.printed_fig5(), "full")
    K.check_f(K.printed_f(), "full")
    after = json.dumps(K.check_fig4(K.printed_fig4(), "full").to_dict(), sort_keys=True)
    assert alone == after


def test_fig7_says_where_the_zero_start_changes_the_finding(tiny):
    res = K.check_fig7(K.printed_fig7(), "full")
    corr = res.evidence["at_init"]["correlations"]
    assert all(corr["zero"][s]["0"]["trace_relative_spread"] == 0 for s in corr["zero"])  # W = 0: equal traces
    assert all(corr["pytorch"][s]["0"]["trace_relative_spread"] > 0 for s in corr["pytorch"])


def test_profiles():
    assert K.config("quick")["seeds"] == (0, 1) and len(K.config("full")["seeds"]) == 3
    paper = K.config("paper")
    assert paper["steps"] == 1000 and paper["long_steps"] == 10000 and paper["rule"] == "paper"
    with pytest.raises(ValueError, match="profile"):
        K.config("huge")


def test_paper_profile_through_the_environment(monkeypatch):
    monkeypatch.setenv("THEORYCHECK_K24_PROFILE", "paper")
    assert K.config("full")["profile"] == "paper" and K.config("quick")["profile"] == "quick"


@pytest.mark.slow
@pytest.mark.parametrize("cid", sorted(CHECKS))
def test_quick_profile_runs(cid):
    check, printed = CHECKS[cid]
    assert check(printed(), "quick").verdict in (Verdict.HOLDS, Verdict.INCONCLUSIVE)


def test_trajectory_for_the_plots(tiny, tmp_path):
    cfg = K.config("full")
    tr = K.trajectory("full", ("GD", "Adam+m"))
    sel = K.tune(cfg, "GD")
    import numpy as np

    np.testing.assert_array_equal(tr.loss[:, 0], sel["curves"][cfg["seeds"][0]]["loss"])
    snap = K.trajectory("full", ("Adam+m",), snapshots=(0, cfg["steps"]))
    np.testing.assert_allclose(snap.loss[:, 0], K.tune(cfg, "Adam+m")["curves"][0]["loss"], rtol=1e-12)
    from theorycheck.app.plots.optimizers import plot_fig7, plot_optimizers

    assert len(plot_optimizers(tmp_path, "full")) == 2 and len(plot_fig7(tmp_path, "full")) == 1
