"""Strength and provenance: on every result, combined as the weakest part, never over-claimed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from theorycheck import Result, Verdict, combine
from theorycheck.core import registry
from theorycheck.core.registry import PROVENANCES, Variant
from theorycheck.core.result import STRENGTHS, weakest

DOCS = Path(__file__).resolve().parents[1] / "docs" / "results.json"


def test_default_strength_never_over_claims():
    assert Result(Verdict.HOLDS, "x", "symbolic").strength == "exact-instances"
    assert Result(Verdict.HOLDS, "x", "numeric").strength == "sampled"
    assert Result(Verdict.HOLDS, "x", "simulation").strength == "empirical"
    assert Result(Verdict.HOLDS, "x", "symbolic+simulation").strength == "empirical"


def test_strength_rules():
    with pytest.raises(ValueError, match="strength"):
        Result(Verdict.HOLDS, "x", "numeric", strength="proved")
    with pytest.raises(ValueError, match="range"):
        Result(Verdict.HOLDS, "x", "numeric", strength="certified")
    with pytest.raises(ValueError, match="strength"):
        Result(Verdict.HOLDS, "x", "numeric", strength="very strong")
    Result(Verdict.HOLDS, "x", "numeric", strength="certified", evidence={"range": "[e, 1e6]"})
    assert weakest(["proved", "sampled", "certified"]) == "sampled"


def test_combined_result_takes_its_weakest_part_but_not_a_cross_check():
    proof = Result(Verdict.HOLDS, "proved", "symbolic", strength="proved")
    inst = Result(Verdict.HOLDS, "at c = 3, 4", "exact", evidence={"instances": [3, 4]})
    assert combine({"proof": proof, "inst": inst}).strength == "exact-instances"
    both = combine({"proof": proof, "inst": inst}, cross_checks=["inst"])
    assert both.strength == "proved" and both.evidence["inst"]["cross_check"] is True
    with pytest.raises(ValueError, match="cross_checks"):
        combine({"proof": proof}, cross_checks=["nope"])


def test_claim_needs_a_provenance():
    with pytest.raises(ValueError, match="provenance"):
        registry.claim("TST.noprov", source="s", statement="s")
    with pytest.raises(ValueError, match="kind"):
        Variant("v", "bogus", None)
    with pytest.raises(ValueError, match="param"):
        Variant("v", "dependence", None)


def test_every_builtin_claim_has_a_provenance():
    for c in registry.all_claims():
        assert c.provenance in PROVENANCES, c.id


def _results():
    return json.loads(DOCS.read_text())["claims"]


def test_results_json_has_strength_and_provenance_on_every_claim():
    for d in _results():
        assert d.get("strength") in STRENGTHS, d["id"]
        assert d.get("provenance") in PROVENANCES, d["id"]


#: Evidence keys that name a finite list of parameter instances.
_INSTANCE_KEY = re.compile(r"(^|_)(instances?|at_c|c_values|d_values|sizes|grid)($|_)", re.I)


def _instance_keys(ev, path=""):
    out = []
    if isinstance(ev, dict):
        if ev.get("cross_check") is True:
            return out
        for k, v in ev.items():
            if _INSTANCE_KEY.search(str(k)):
                out.append(f"{path}/{k}")
            out += _instance_keys(v, f"{path}/{k}")
    return out


def test_no_proved_claim_rests_on_instances():
    """A claim labelled ``proved`` holds for every parameter value: its evidence (cross-checks
    aside) names no finite list of instances."""
    for d in _results():
        if d.get("strength") == "proved":
            assert not _instance_keys(d["evidence"]), f"{d['id']}: {_instance_keys(d['evidence'])}"


def test_seed_abstract_rejections_say_the_transcription_may_be_at_fault():
    for d in _results():
        if d.get("provenance") == "seed-abstract" and d["verdict"] in ("corrected", "fails"):
            assert "transcription" in d["finding"], d["id"]
