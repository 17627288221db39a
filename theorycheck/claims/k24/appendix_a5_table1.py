"""K24 Table 1 ("Summary of models, datasets and batch-size used", appendix A.5) against the captions.

Each row of Table 1 names a model, a data set, a batch size and the figures that use them. The
figures each setting appears in are computed from the captions (:mod:`._captions`: what each
figure shows, from its caption or the place it points to); the batch sizes from appendix A.4. A
figure listed under a setting its caption does not show is misplaced; a figure whose caption shows
a setting whose row does not list it is missing.
"""

from __future__ import annotations

from theorycheck.claims.k24._captions import BATCH, FIGURE_SETTINGS, SETTINGS
from theorycheck.core.papers import cite
from theorycheck.core.registry import Variant, claim
from theorycheck.core.result import Result, Verdict, combine


def printed_table1():
    """Table 1 as printed: (setting key, batch as printed, figures)."""
    return {"rows": (
        ("gpt2/wt103", "512", (1, 10)),
        ("tf2/ptb", "512", (17, 22, 26)),
        ("tf1/tinyptb", "Full", (18, 21)),
        ("tf1last/tinyptb", "Full", (5,)),
        ("cnn/barcoded", "Full", (14,)),
        ("cnn/mnist", "Full", (2, 14)),
        ("cnn/mnist+barcoded", "Full", (2, 14, 21, 22, 24)),
        ("linear/ht11", "Full", (4, 7, 21, 22, 23, 27, 28)),
        ("linear/htsmall", "Full", (15, 16)),
        ("vit/imagenet", "1024", (12,)),
        ("resnet/smallht", "1024", (3, 22, 25)),
        ("resnetln/smallht", "1024", (11,)),
        ("vit/smallht", "1024", (13,)),
    )}


def figures_by_setting() -> dict:
    """setting -> sorted figures whose caption shows it (the column Table 1 should have)."""
    out = {k: [] for k in SETTINGS}
    for f, (sets, _) in FIGURE_SETTINGS.items():
        for s in sets:
            out[s].append(f)
    return {k: sorted(v) for k, v in out.items()}


def batch_of(setting: str) -> str:
    """Batch column from appendix A.4: sequences (language models) or images per step, else Full."""
    b = BATCH.get(setting)
    return "Full" if b is None else str(b[0])


def mended_table(p) -> dict:
    """The table with every row's figures and batch computed from the captions and A.4."""
    fb = figures_by_setting()
    return {**p, "rows": tuple((s, batch_of(s), tuple(fb[s])) for s, _, _ in p["rows"])}


def _variants(p):
    m = mended_table(p)
    rows = list(m["rows"])

    def with_row(i, row):
        r = list(rows)
        r[i] = row
        return {**m, "rows": tuple(r)}

    i_tf1 = next(i for i, r in enumerate(rows) if r[0] == "tf1/tinyptb")
    i_lin = next(i for i, r in enumerate(rows) if r[0] == "linear/ht11")
    i_gpt = next(i for i, r in enumerate(rows) if r[0] == "gpt2/wt103")
    return [
        Variant("mended table", "stronger", m),
        Variant("mended but the 1-layer transformer keeps figure 21", "part",
                with_row(i_tf1, (rows[i_tf1][0], rows[i_tf1][1], tuple(sorted(set(rows[i_tf1][2]) | {21}))))),
        Variant("mended but figure 8 left out", "part",
                with_row(i_lin, (rows[i_lin][0], rows[i_lin][1], tuple(f for f in rows[i_lin][2] if f != 8)))),
        Variant("mended but GPT2 with batch 1024", "part", with_row(i_gpt, (rows[i_gpt][0], "1024", rows[i_gpt][2]))),
    ]


@claim("K24.A5.table1", provenance="seed-fulltext", source=cite("K24", "appendix A.5, Table 1"),
       statement=("Table 1 lists, per model and data set, the batch size and the figures using them, e.g. '1-layer "
                  "transformer, TinyPTB, Full, figures 18 and 21'; 'Linear, Random HT labels m=11, Full, figures 4, 7, 21, 22, "
                  "23, 27 and 28'; 'CNN, MNIST+Barcoded, Full, figures 2, 14, 21, 22 and 24'."),
       printed=printed_table1, variants=_variants)
def check_table1(p, profile):
    fb = figures_by_setting()
    listed = {s: set(f) for s, _, f in p["rows"]}
    misplaced, missing, rows_ev = [], [], []
    for s, batch, figs in p["rows"]:
        if s not in SETTINGS:
            raise ValueError(f"rows: unknown setting {s!r}; known: {sorted(SETTINGS)}")
        for f in figs:
            if s not in FIGURE_SETTINGS.get(f, (set(), ""))[0]:
                shown = sorted(FIGURE_SETTINGS.get(f, (set(), ""))[0])
                misplaced.append({"figure": f, "row": SETTINGS[s], "caption_shows": [SETTINGS[x] for x in shown],
                                  "caption": FIGURE_SETTINGS.get(f, (set(), "no such figure"))[1]})
        rows_ev.append({"row": SETTINGS[s], "printed": list(figs), "from_captions": fb[s]})
    for f, (sets, phrase) in sorted(FIGURE_SETTINGS.items()):
        for s in sorted(sets):
            if f not in listed.get(s, set()):
                missing.append({"figure": f, "row": SETTINGS[s], "caption": phrase})
    parts = {}
    ev = {"rows": rows_ev, "misplaced": misplaced, "missing": missing}
    if not misplaced and not missing:
        parts["figures"] = Result(Verdict.HOLDS, "every figure sits in the row of the setting its caption shows", "exact", ev)
    else:
        m = mended_table(p)
        fix = "; ".join(f"{SETTINGS[s]}: figures {', '.join(map(str, f))}"
                        for (s, _, f), (_, _, g) in zip(m["rows"], p["rows"]) if tuple(f) != tuple(g))
        msg = []
        if misplaced:
            msg.append("misplaced: " + ", ".join(f"figure {x['figure']} under {x['row']} (its caption shows "
                                                 f"{' / '.join(x['caption_shows']) or 'no such setting'})" for x in misplaced))
        if missing:
            msg.append("missing: " + ", ".join(f"figure {x['figure']} ({x['row']})" for x in missing))
        parts["figures"] = Result(Verdict.CORRECTED, "; ".join(msg), "exact", {**ev, "counterexample": misplaced + missing},
                                  correction=fix)
    bad_b = [(s, b, batch_of(s)) for s, b, _ in p["rows"] if b != batch_of(s)]
    ev_b = {"rows": [{"row": SETTINGS[s], "printed": b, "appendix_A4": batch_of(s)} for s, b, _ in p["rows"]],
            "A4": "512 sequences of 1024 tokens (figure 1); 512 of 35 tokens (appendix D); 1024 images (ResNet18, ViT); "
                  "other experiments use the entire dataset"}
    if not bad_b:
        parts["batch"] = Result(Verdict.HOLDS, "every batch size agrees with appendix A.4", "exact", ev_b)
    else:
        parts["batch"] = Result(Verdict.CORRECTED, "batch sizes differ from A.4: " + ", ".join(
            f"{SETTINGS[s]}: {b} vs {a}" for s, b, a in bad_b), "exact", ev_b,
            correction="; ".join(f"{SETTINGS[s]}: batch {a}" for s, _, a in bad_b))
    return combine(parts, holds="Table 1 agrees with the captions and with appendix A.4")
