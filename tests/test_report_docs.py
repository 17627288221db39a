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


# --- figures, kill matrix, citations (report/CLI area) -------------------------------------------

def test_figure_registry_names_real_claims_and_plots():
    from theorycheck.app import plots
    from theorycheck.core import registry

    names = plots.available()
    ids = {c.id for c in registry.all_claims()}
    for f, spec in plots.FIGURES.items():
        assert spec.plot in names, f
        assert spec.claims and set(spec.claims) <= ids, (f, set(spec.claims) - ids)
        assert spec.profile in ("quick", "full") and spec.caption


def test_committed_figures_record_their_profile_version_and_claims():
    """Each committed figure carries the registry's profile and claims in its PNG metadata."""
    from theorycheck.app import plots

    for f, spec in plots.FIGURES.items():
        meta = plots.read_metadata(plots.FIGURE_DIR / f)
        assert meta, f"figures/{f} has no theorycheck metadata: theorycheck plot {spec.plot} --out figures " \
                     f"--profile {spec.profile}"
        assert meta["profile"] == spec.profile, (f, meta["profile"], spec.profile)
        assert meta["claims"].split(",") == list(spec.claims), f
        assert meta["plot"] == spec.plot and meta["version"]
    unregistered = {p.name for p in plots.FIGURE_DIR.glob("*.png")} - set(plots.FIGURES)
    assert not unregistered, f"figures/ holds files no registry entry describes: {unregistered}"


def test_save_writes_footnote_and_metadata(tmp_path):
    from theorycheck.app import plots

    plt = plots.agg_pyplot()
    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    name, spec = next(iter(plots.FIGURES.items()))
    plots._STARTED[spec.plot] = 0.0
    p = plots.save(fig, tmp_path, name, "quick")
    meta = plots.read_metadata(p)
    assert meta["profile"] == "quick" and meta["claims"] == ",".join(spec.claims) and float(meta["seconds"]) >= 0
    assert "profile: quick" in plots.footnote(name, "quick") and spec.claims[0] in plots.footnote(name, "quick")
    assert plots.read_metadata(tmp_path / "missing.png") == {}


def test_plot_writes_outside_git_by_default():
    import subprocess

    from theorycheck.app import cli

    assert cli.build_parser().parse_args(["plot", "all"]).out == cli.PLOT_OUT
    ignored = subprocess.run(["git", "check-ignore", "-q", f"{cli.PLOT_OUT}/x.png"], cwd=ROOT)
    assert ignored.returncode == 0, f"{cli.PLOT_OUT}/ must be in .gitignore"


def test_docs_writes_the_kill_matrix(tmp_path):
    from theorycheck.core.registry import Variant
    from theorycheck.core.result import Result, Verdict

    def check(printed, profile):
        if printed == 2:
            return Result(Verdict.HOLDS, "1 + 1 = 2", "exact")
        return Result(Verdict.CORRECTED, f"1 + 1 = 2, not {printed}", "exact", correction="1 + 1 = 2")

    c = Claim("ZZMUT.a", "s", "1 + 1 = 2", check, printed=2,
              variants=lambda p: [Variant("three", "constant", p + 1), Variant("minus", "sign", -p),
                                  Variant("same", "other", p)])
    data = docsgen.write_mutants([c], tmp_path / "m.json", progress="never")
    assert data["counts"]["ZZMUT.a"] == {"wrong": 3, "killed": 2, "stronger": 0, "accepted": 0}
    assert json.loads((tmp_path / "m.json").read_text())["counts"] == data["counts"]


def test_readme_cites_every_paper():
    from theorycheck.core import papers

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for k in papers.PAPERS:
        if k != "EXT":
            assert papers.cite(k) in text, k
