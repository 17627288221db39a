"""K24's references from the text to its figures, against what the figures' captions say they show.

A reference says something about the figures it names (they show Adam beating SGD under
imbalance, deterministic runs separating classes, larger batches, the optimizers in a panel). The
truth is the figure's caption (and for batch sizes appendix A.4), collected in
:mod:`theorycheck.claims.k24._captions`. For a reference that does not hold, the correction names
the figures of the same part of the paper whose captions do match it (computed).
"""

from __future__ import annotations

from theorycheck.claims.k24._captions import (
    BATCH,
    FIGURE_FACTS,
    FIGURE_SETTINGS,
    MAIN_FIGURES,
)
from theorycheck.core.papers import cite
from theorycheck.core.registry import Variant, claim
from theorycheck.core.result import Result, Verdict, combine


def printed_xref():
    """The references as printed: where, the figures named, what is said of them, where to look for
    a match (scope), and a short quote."""
    return {"refs": (
        {"id": "appB_vit", "where": "appendix B, list", "figs": (12,), "scope": (11, 12, 13, 14),
         "says": {"model": "vit", "balanced": False, "adam_beats_sgd": True},
         "quote": "figure 12 shows a similar behavior with a vision transformer (read as the previous item, figure 11: "
                  "Adam outperforms SGD under heavy-tailed imbalance; the list never names figure 13)"},
        {"id": "appD_deterministic", "where": "appendix D", "figs": (2, 4, 5, 7), "scope": tuple(MAIN_FIGURES),
         "says": {"deterministic": True, "loss_by_frequency": True},
         "quote": "The separation between GD and Adam on low-frequency classes in the deterministic settings is also "
                  "visible in figures 2, 4, 5 and 7 in the main paper"},
        {"id": "sec23_full_batch", "where": "section 2.3", "figs": (2, 4, 5), "scope": tuple(MAIN_FIGURES),
         "says": {"deterministic": True, "loss_by_frequency": True},
         "quote": "Our experiments in figures 2, 4 and 5 ... reproduce the dynamics of figure 1 with full batch GD and Adam"},
        {"id": "sec21_vit_balanced", "where": "section 2.1", "figs": (12,), "scope": (11, 12, 13, 14),
         "says": {"balanced": True, "adam_beats_sgd": False},
         "quote": "In appendix B, we see that SGD and Adam perform similarly on ImageNet"},
        {"id": "sec21_vit_imbalanced", "where": "section 2.1", "figs": (13,), "scope": (11, 12, 13, 14),
         "says": {"balanced": False, "adam_beats_sgd": True},
         "quote": "but exhibit a similar performance gap on the imbalanced variant"},
        {"id": "fig17_batch", "where": "caption of figure 17", "figs": (17,), "scope": (17,),
         "says": {"batch_tokens_vs_figure_1": "larger"},
         "quote": "Similar behavior as figure 1 on a smaller problem ... using larger batch-sizes"},
        {"id": "fig23_replicates_7", "where": "caption of figure 23", "figs": (23,), "scope": (23,),
         "says": {"same_setting_as": 7}, "quote": "figure 23(b) is a replication of figure 7"},
        {"id": "fig14_steps", "where": "caption of figure 14 and appendix B.1", "figs": (14,), "scope": (14,),
         "says": {"steps_stated_twice": (200, 200)}, "quote": "both optimizers reach negligible error within 200 steps"},
        {"id": "names_fig18_23", "where": "captions of figures 18 and 23", "figs": (18, 23), "scope": (18, 23),
         "says": {"optimizers": frozenset({"SGD", "Adam"})},
         "quote": "(c, d) Training loss for each subset for SGD and Adam (figure 18, full batch); 'For SGD, frequent classes "
                  "are learned faster' (figure 23, the path of GD)"},
        {"id": "names_fig3_11_13", "where": "captions of figures 3, 11 and 13", "figs": (3, 11, 13), "scope": (3, 11, 13),
         "says": {"optimizers": frozenset({"GD", "Adam"})},
         "quote": "(c, d) Performance of GD and Adam (mini-batches of 1024, A.4)"},
    )}


def _tokens(setting: str):
    b = BATCH.get(setting)
    return None if b is None else b[0] * (b[1] or 1)


def _fact(fig: int, attr: str):
    """The truth about ``attr`` for figure ``fig`` (KeyError when the captions do not say)."""
    if attr == "same_setting_as":
        return None  # compared by settings below
    if attr == "batch_tokens_vs_figure_1":
        (s,) = FIGURE_SETTINGS[fig][0]
        (s1,) = FIGURE_SETTINGS[1][0]
        a, b = _tokens(s), _tokens(s1)
        return "larger" if a > b else ("equal" if a == b else "smaller")
    if attr == "steps_stated_twice":
        return None
    return FIGURE_FACTS[fig][attr]


def _holds(ref, fig, attr, val) -> bool:
    if attr == "same_setting_as":
        return FIGURE_SETTINGS[fig][0] == FIGURE_SETTINGS[val][0]
    if attr == "steps_stated_twice":
        return val[0] == val[1]
    return _fact(fig, attr) == val


def _matches(fig, says) -> bool:
    try:
        return all(_holds(None, fig, a, v) for a, v in says.items())
    except KeyError:
        return False


def _fix(ref) -> str:
    says = ref["says"]
    if "batch_tokens_vs_figure_1" in says:
        (s,) = FIGURE_SETTINGS[ref["figs"][0]][0]
        (s1,) = FIGURE_SETTINGS[1][0]
        return (f"{_fact(ref['figs'][0], 'batch_tokens_vs_figure_1')} batches than figure 1: {BATCH[s][0]} sequences of "
                f"{BATCH[s][1]} tokens ({_tokens(s)} tokens) vs {BATCH[s1][0]} of {BATCH[s1][1]} ({_tokens(s1)})")
    if "optimizers" in says:
        return "; ".join(f"figure {f} shows {', '.join(sorted(FIGURE_FACTS[f]['optimizers']))}" for f in ref["figs"])
    good = [f for f in ref["figs"] if _matches(f, says)]
    cand = [f for f in ref["scope"] if _matches(f, says)]
    extra = [f for f in cand if f not in good]
    return (f"figures {', '.join(map(str, good)) or 'none'} of those named match"
            + (f"; other figures matching the description: {', '.join(map(str, extra))}" if extra else ""))


def mended(p) -> dict:
    """Each reference mended to what the captions say (names replaced by the matching figures,
    attributes by the true ones)."""
    refs = []
    for r in p["refs"]:
        says = dict(r["says"])
        if "batch_tokens_vs_figure_1" in says:
            says["batch_tokens_vs_figure_1"] = _fact(r["figs"][0], "batch_tokens_vs_figure_1")
            refs.append({**r, "says": says})
        elif "optimizers" in says:
            for f in r["figs"]:
                refs.append({**r, "id": f"{r['id']}:{f}", "figs": (f,), "says": {"optimizers": FIGURE_FACTS[f]["optimizers"]}})
        else:
            good = tuple(f for f in r["scope"] if _matches(f, says)) or r["figs"]
            keep = tuple(f for f in r["figs"] if f in good) or good
            refs.append({**r, "figs": keep})
    return {**p, "refs": tuple(refs)}


def _variants(p):
    m = mended(p)
    byid = {r["id"]: i for i, r in enumerate(m["refs"])}
    orig = {r["id"]: r for r in p["refs"]}

    def unmend(key):
        refs = list(m["refs"])
        refs[byid[key]] = orig[key]
        return {**m, "refs": tuple(refs)}

    return [Variant("every reference mended", "stronger", m),
            Variant("mended but appendix B keeps figure 12", "part", unmend("appB_vit")),
            Variant("mended but appendix D keeps figure 7", "part", unmend("appD_deterministic")),
            Variant("mended but figure 17 keeps 'larger batch-sizes'", "part", unmend("fig17_batch"))]


@claim("K24.xref", provenance="seed-fulltext", source=cite("K24", "appendices B, D and captions of figures 3, 11, 13, 14, 17, 18, 23"),
       statement=("References to figures: 'figure 12 shows a similar behavior with a vision transformer' (appendix B); "
                  "'the separation between GD and Adam ... in the deterministic settings is also visible in figures 2, 4, 5 "
                  "and 7' (appendix D); figure 17 'using larger batch-sizes'; figure 23(b) 'a replication of figure 7'; "
                  "'within 200 steps' (figure 14 and B.1); optimizer names in the captions of figures 3, 11, 13, 18, 23."),
       printed=printed_xref, variants=_variants)
def check_xref(p, profile):
    parts = {}
    for r in p["refs"]:
        bad = []
        for f in r["figs"]:
            for a, v in r["says"].items():
                try:
                    ok = _holds(r, f, a, v)
                except KeyError:
                    parts[r["id"]] = Result(Verdict.INCONCLUSIVE, f"{r['where']}: the captions do not say {a} of figure {f}",
                                            "exact", {"quote": r["quote"]})
                    break
                if not ok:
                    bad.append({"figure": f, "attribute": a, "said": sorted(v) if isinstance(v, frozenset) else v,
                                "caption": (sorted(_fact(f, a)) if isinstance(_fact(f, a), frozenset) else _fact(f, a))})
            if r["id"] in parts:
                break
        if r["id"] in parts:
            continue
        ev = {"quote": r["quote"], "figures": list(r["figs"]), "says": {k: (sorted(v) if isinstance(v, frozenset) else v)
                                                                       for k, v in r["says"].items()}}
        if not bad:
            parts[r["id"]] = Result(Verdict.HOLDS, f"{r['where']}: as the captions say", "exact", ev)
        else:
            desc = ", ".join(f"figure {b['figure']}: {b['attribute']} is {b['caption']}, not {b['said']}" for b in bad)
            parts[r["id"]] = Result(Verdict.CORRECTED, f"{r['where']}: {desc}", "exact", {**ev, "mismatch": bad},
                                    correction=_fix(r))
    return combine(parts, holds="every reference agrees with the caption of the figure it names")
