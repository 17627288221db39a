"""docs/claims.md is current: it equals what the registry and docs/results.json give, and
docs/results.json has a result for every registered claim, recorded from the claim's current
code (source hash), statement and source. Regenerate both with `theorycheck docs`."""

import json
from pathlib import Path

from theorycheck.app import docsgen
from theorycheck.core.registry import Claim

ROOT = Path(__file__).resolve().parents[1]


def _builtin():
    return docsgen.builtin_claims()


def test_claims_doc_is_current():
    results = json.loads((ROOT / "docs" / "results.json").read_text(encoding="utf-8"))
    md = (ROOT / "docs" / "claims.md").read_text(encoding="utf-8")
    problems = docsgen.staleness(_builtin(), results, md)
    assert not problems, "docs are stale; run `theorycheck docs` and commit docs/:\n" + "\n".join(problems)


def _fake_results(claims):
    from theorycheck.core.store import source_hash

    return {"profile": "quick", "claims": [
        {"id": c.id, "source": c.source, "statement": c.statement, "verdict": "holds", "method": "exact",
         "finding": "ok", "correction": None, "evidence": {"a": 1}, "seconds": 0.1, "profile": "quick",
         "source_hash": source_hash(c)} for c in claims]}


def test_staleness_is_detected():
    claims = _builtin()
    res = _fake_results(claims)
    md = docsgen.render(claims, res)
    assert docsgen.staleness(claims, res, md) == []
    # a new claim without a result
    extra = Claim("ZZDOC.new", "s", "t", _builtin()[0].check)
    assert any("ZZDOC.new: registered but not" in p for p in docsgen.staleness(claims + [extra], res, md))
    # an edited statement, changed code, another profile, a changed verdict, a hand edit
    for field, value, words in [("statement", "edited", "statement changed"), ("source_hash", "0" * 64, "code changed"),
                                ("profile", "full", "profile"), ("verdict", "fails", "claims.md differs")]:
        bad = json.loads(json.dumps(res))
        bad["claims"][0][field] = value
        probs = docsgen.staleness(claims, bad, md)
        assert any(words in p for p in probs), (field, probs)
    assert docsgen.staleness(claims, res, md + "x") == ["docs/claims.md differs from what the registry and docs/results.json give"]


def test_render_shows_statement_verdict_and_evidence_summary():
    c = Claim("ZZDOC.a", "Paper Z, Lemma 1", "x = y", _builtin()[0].check)
    res = {"profile": "quick", "claims": [{"id": "ZZDOC.a", "verdict": "corrected", "method": "symbolic",
                                           "finding": "x = 2y", "correction": "x = 2 y",
                                           "evidence": {"part": {"verdict": "corrected", "finding": "factor 2"},
                                                        "tolerance": 1e-20, "series": [1, 2]}}]}
    md = docsgen.render([c], res)
    for s in ("## ZZDOC.a", "Paper Z, Lemma 1", "x = y", "corrected (symbolic; strength", "x = 2 y",
              "`part`: **corrected**, factor 2", "`tolerance`: `1e-20`", "also: `series`"):
        assert s in md
    assert "not run" in docsgen.render([c], {"claims": []})


def test_builtin_claims_exclude_user_claims():
    assert all(c.module.startswith("theorycheck.claims.") for c in _builtin())
    assert {c.id for c in _builtin()} >= {"K24.sec31"}
