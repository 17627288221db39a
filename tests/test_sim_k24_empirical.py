"""K24.fig4/fig5/fig7/C1/C2/F: every check runs on a tiny configuration (m = 4) here; each
boolean part must accept exactly one of (printed, negated printed), so a flipped statement is
always rejected. The quick-profile reproductions themselves are the slow tests."""

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


@pytest.fixture
def tiny(monkeypatch):
    real = K.config

    def cfg(profile):
        c = dict(real("quick"))
        c.update(m=4, steps=30, long_steps=120, device="cpu", dtype="float64")
        return c

    monkeypatch.setattr(K, "config", cfg)
    K.clear_cache()
    yield
    K.clear_cache()


def _parts(res):
    return {k: v["verdict"] for k, v in res.evidence.items() if isinstance(v, dict) and "verdict" in v}


def _negated(printed, key):
    p = dict(printed)
    p[key] = not p[key]
    return p


@pytest.mark.parametrize("cid", sorted(CHECKS))
def test_flipped_statement_is_rejected(tiny, cid):
    check, printed = CHECKS[cid]
    p = printed()
    res = check(p, "quick")
    assert res.verdict in (Verdict.HOLDS, Verdict.CORRECTED)
    parts = _parts(res)
    assert parts and "criterion" in str(res.evidence)
    # flip the first boolean statement: its part's verdict must flip too
    key = next(iter(p))
    res2 = check(_negated(p, key), "quick")
    parts2 = _parts(res2)
    changed = [k for k in parts if parts[k] != parts2[k]]
    assert len(changed) == 1 and {parts[changed[0]], parts2[changed[0]]} == {"holds", "corrected"}


@pytest.mark.slow
@pytest.mark.parametrize("cid", sorted(CHECKS))
def test_quick_profile_reproduces_the_paper(cid):
    check, printed = CHECKS[cid]
    assert check(printed(), "quick").verdict is Verdict.HOLDS
