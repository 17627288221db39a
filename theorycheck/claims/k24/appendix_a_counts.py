"""K24's counts and settings of appendix A (and the places of the main text that repeat them).

Every number is recomputed from the paper's own description of the construction, never from
the printed total:

* ``K24.A.counts``: Barcoded MNIST (A.2): a new class per (original class, 10-bit barcode), five
  copies each, combined with the 50k original examples;
* ``K24.sec21.mnist``: section 2.1 and the captions of figures 2 and 24 restate that data set
  ("two equally-sized groups", "a relative frequency difference of 1000", "~10k classes");
* ``K24.A2.imagenet``: the heavy-tailed ImageNet subset (``ceil(1300/k)`` images of the k-th class)
  and the uniform one (10 per class);
* ``K24.A4.grid``: the printed step-size grid ``[10^-6, 10^-2, ..., 10^1]`` of "powers of 10";
* ``K24.sec11.imbalance``: "with an imbalance of 99:1, only 1% of the data comes from the minority class";
* ``K24.A3.models``: the stated widths and head counts of the transformers can be built
  (``torch.nn.MultiheadAttention`` needs the width divisible by the number of heads).
"""

from __future__ import annotations

import math
from fractions import Fraction

from theorycheck.claims.k24._consistency import field
from theorycheck.core.papers import cite
from theorycheck.core.registry import Variant, claim
from theorycheck.core.result import Result, Verdict, combine

# ------------------------------------------------------------------------------------------
# K24.A.counts: Barcoded MNIST
# ------------------------------------------------------------------------------------------


def printed_counts():
    """Appendix A.2 as printed. Construction inputs: 50k original examples in 10 classes, a 10-bit
    barcode, 5 samples per barcoded class; the rest are the printed totals."""
    return {"original_examples": 50_000, "original_classes": 10, "barcode_bits": 10, "per_barcoded_class": 5,
            "new_images": 51_200, "new_images_factors": (5, 10, 2 ** 10),
            "barcoded_classes_factors": (10, 2 ** 10),
            "combined_examples": 101_200, "combined_classes": 10_250, "combined_classes_terms": ((10, 2 ** 10), 10),
            "classes_with_5": 10_240, "classes_with_about_5k": 10, "about_per_original_class": 5_000}


def barcoded_mnist(original_examples: int, original_classes: int, bits: int, per_class: int) -> dict:
    """Build the label multiset of MNIST+Barcoded from its description and count it: one new class
    per (original class, barcode in ``0..2^bits - 1``) holding ``per_class`` copies; the originals
    keep their classes (spread evenly)."""
    for name, v in (("original_examples", original_examples), ("original_classes", original_classes),
                    ("bits", bits), ("per_class", per_class)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise ValueError(f"{name}: must be an integer >= 1, got {v!r}")
    new_labels = [(c, code) for c in range(original_classes) for code in range(2 ** bits) for _ in range(per_class)]
    new_classes = {lab for lab in new_labels}
    sizes_new = {}
    for lab in new_labels:
        sizes_new[lab] = sizes_new.get(lab, 0) + 1
    per_orig = original_examples / original_classes
    return {"new_images": len(new_labels), "barcoded_classes": len(new_classes),
            "combined_examples": original_examples + len(new_labels),
            "combined_classes": original_classes + len(new_classes),
            "classes_with_5": sum(1 for v in sizes_new.values() if v == per_class),
            "classes_with_about_5k": original_classes, "about_per_original_class": per_orig}


def _prod(t) -> int:
    return math.prod(int(x) for x in t)


def _counts_variants(p):
    return [
        Variant("new images 51 300", "constant", {**p, "new_images": p["new_images"] + 100}),
        Variant("factorisation 5 x 10 x 2^11", "exponent", {**p, "new_images_factors": (5, 10, 2 ** 11)}),
        Variant("combined classes without the originals", "other", {**p, "combined_classes": p["combined_classes"] - 10}),
        Variant("combined examples 101 000", "constant", {**p, "combined_examples": 101_000}),
        Variant("about 500 examples per original class", "other", {**p, "about_per_original_class": 500}),
    ]


@claim("K24.A.counts", provenance="seed-fulltext", source=cite("K24", "appendix A.2, Barcoded MNIST"),
       statement=("'51 200 (5 x 10 x 2^10) new images'; 'the Barcoded-only dataset contains 10 x 2^10 classes with 5 "
                  "samples each'; combined: '101 200 examples spread across 10 250 (10 x 2^10 + 10) classes; 10 240 with "
                  "5 examples per class and 10 classes with about 5k examples per class'."),
       printed=printed_counts, variants=_counts_variants)
def check_counts(p, profile):
    t = barcoded_mnist(p["original_examples"], p["original_classes"], p["barcode_bits"], p["per_barcoded_class"])
    a, b = p["combined_classes_terms"]
    parts = {
        "new_images": field("new images", p["new_images"], t["new_images"]),
        "new_images_factors": field("5 x 10 x 2^10", _prod(p["new_images_factors"]), t["new_images"]),
        "barcoded_classes": field("10 x 2^10 classes", _prod(p["barcoded_classes_factors"]), t["barcoded_classes"]),
        "combined_examples": field("combined examples", p["combined_examples"], t["combined_examples"]),
        "combined_classes": field("combined classes", p["combined_classes"], t["combined_classes"]),
        "combined_classes_expr": field("10 x 2^10 + 10", _prod(a) + b, t["combined_classes"]),
        "classes_with_5": field("classes with 5 examples", p["classes_with_5"], t["classes_with_5"]),
        "classes_with_about_5k": field("classes with ~5k examples", p["classes_with_about_5k"], t["classes_with_about_5k"]),
        "about_per_original_class": field("~5k examples per original class", p["about_per_original_class"],
                                          t["about_per_original_class"], "approx"),
    }
    r = combine(parts, holds="every printed count of Barcoded MNIST follows from its construction "
                             f"({t['new_images']} new images, {t['combined_classes']} classes, {t['combined_examples']} examples)")
    r.evidence["construction"] = {"inputs": {k: p[k] for k in ("original_examples", "original_classes", "barcode_bits",
                                                               "per_barcoded_class")}, "computed": t}
    return r


# ------------------------------------------------------------------------------------------
# K24.sec21.mnist: main text and captions restate the data set
# ------------------------------------------------------------------------------------------

def printed_sec21():
    """Section 2.1 ("two equally-sized groups of classes with a relative frequency difference of 1000";
    "~5k samples/class"; "~10k new classes with 5 samples/class"), figure 2's caption ("~10k added classes
    with 5 examples each") and figure 24's ("10 classes have ~5k samples while 10k classes have 5")."""
    return {"groups_equally_sized": True, "relative_frequency_difference": 1000, "original_per_class_approx": 5_000,
            "new_classes_approx": 10_000, "new_per_class": 5, "fig2_added_classes_approx": 10_000,
            "fig24_frequent_classes": 10, "fig24_rare_classes_approx": 10_000}


def _sec21_variants(p):
    return [
        Variant("relative frequency difference of 100", "constant", {**p, "relative_frequency_difference": 100}),
        Variant("groups of different sizes", "sign", {**p, "groups_equally_sized": False}),
        Variant("~1k new classes", "other", {**p, "new_classes_approx": 1_000}),
        Variant("figure 24: 100 frequent classes", "part", {**p, "fig24_frequent_classes": 100}),
    ]


@claim("K24.sec21.mnist", provenance="seed-fulltext",
       source=cite("K24", "section 2.1, captions of figures 2 and 24, against appendix A.2"),
       statement=("'two equally-sized groups of classes with a relative frequency difference of 1000. The first group "
                  "consists of the original 10 classes with ~5k samples/class. For the second, we create ~10k new classes "
                  "with 5 samples/class' (and the same in the captions of figures 2 and 24)."),
       printed=printed_sec21, variants=_sec21_variants)
def check_sec21(p, profile):
    c = printed_counts()  # the construction of appendix A.2 (its own claim checks its totals)
    t = barcoded_mnist(c["original_examples"], c["original_classes"], c["barcode_bits"], c["per_barcoded_class"])
    orig, new = c["original_examples"], t["new_images"]
    ratio = Fraction(orig, c["original_classes"]) / c["per_barcoded_class"]
    parts = {
        "equal_size": field("two equally-sized groups", p["groups_equally_sized"], (orig, new), "one_digit",
                            ev={"sizes": [orig, new], "ratio": new / orig}),
        "frequency_difference": field("relative frequency difference", p["relative_frequency_difference"],
                                      int(ratio) if ratio.denominator == 1 else float(ratio)),
        "original_per_class": field("~5k samples per original class", p["original_per_class_approx"],
                                    t["about_per_original_class"], "approx"),
        "new_classes": field("~10k new classes", p["new_classes_approx"], t["barcoded_classes"], "approx"),
        "new_per_class": field("samples per new class", p["new_per_class"], c["per_barcoded_class"]),
        "fig2_added": field("figure 2: ~10k added classes", p["fig2_added_classes_approx"], t["barcoded_classes"], "approx"),
        "fig24_frequent": field("figure 24: frequent classes", p["fig24_frequent_classes"], c["original_classes"]),
        "fig24_rare": field("figure 24: ~10k rare classes", p["fig24_rare_classes_approx"], t["barcoded_classes"], "approx"),
    }
    return combine(parts, holds=(f"the main text and captions agree with appendix A.2: groups of {orig} and {new} examples "
                                 f"(equal at one significant digit), frequency ratio {ratio}, {t['barcoded_classes']} new classes"))


# ------------------------------------------------------------------------------------------
# K24.A2.imagenet
# ------------------------------------------------------------------------------------------

def printed_imagenet():
    return {"classes": 1000, "ht_numerator": 1300, "ht_rounding": "ceil", "ht_n": 10_217, "small_per_class": 10,
            "small_n": 10_000}


def _imagenet_variants(p):
    return [
        Variant("floor instead of ceiling", "other", {**p, "ht_rounding": "floor"}),
        Variant("n = 10 271", "constant", {**p, "ht_n": 10_271}),
        Variant("uniform subset of 1 000", "constant", {**p, "small_n": 1_000}),
        Variant("1 000 / k images", "other", {**p, "ht_numerator": 1000}),
    ]


@claim("K24.A2.imagenet", provenance="seed-fulltext", source=cite("K24", "appendix A.2, Heavy Tailed and small ImageNet"),
       statement=("'We sort the original 1000 classes by frequency and sample ceil(1300/k) images from the k-th class, "
                  "leading to n = 10 217 samples'; 'We sample 10 images per class to get n = 10 000 samples'."),
       printed=printed_imagenet, variants=_imagenet_variants)
def check_imagenet(p, profile):
    rnd = {"ceil": lambda a, b: -(-a // b), "floor": lambda a, b: a // b, "round": lambda a, b: (2 * a + b) // (2 * b)}
    if p["ht_rounding"] not in rnd:
        raise ValueError(f"ht_rounding: must be one of {sorted(rnd)}, got {p['ht_rounding']!r}")
    per = [rnd[p["ht_rounding"]](p["ht_numerator"], k) for k in range(1, p["classes"] + 1)]
    n_ht = sum(per)
    parts = {"heavy_tailed": field(f"sum_k {p['ht_rounding']}({p['ht_numerator']}/k)", p["ht_n"], n_ht,
                                   ev={"largest_class": per[0], "classes_with_2_or_fewer": sum(1 for x in per if x <= 2)}),
             "small": field("10 per class", p["small_n"], p["small_per_class"] * p["classes"])}
    return combine(parts, holds=f"n = {n_ht} (heavy-tailed) and {p['small_per_class'] * p['classes']} (uniform) as printed")


# ------------------------------------------------------------------------------------------
# K24.A4.grid
# ------------------------------------------------------------------------------------------

def printed_grid():
    """'We start with a sparse grid of powers of 10 [10^-6, 10^-2, ..., 10^1]' (exponents as printed)."""
    return {"exponents_shown": (-6, -2), "last_exponent": 1, "base": 10}


def grid_reading(shown, last) -> dict:
    """What a list ``[10^a, 10^b, ..., 10^z]`` denotes: the progression ``a, b, 2b - a, ...`` of
    exponents must reach ``z`` (else the list is inconsistent); the consistent grid of consecutive
    powers with the same ends is ``a, a+1, ..., z``."""
    a, b = shown[0], shown[1]
    step = b - a
    reaches = step != 0 and (last - a) % step == 0 and (last - a) // step >= 1
    return {"step": step, "reaches_last": bool(reaches),
            "progression": [a + k * step for k in range(max(2, (last - a) // step + 2))] if step > 0 else [a, b],
            "consecutive": list(range(a, last + 1))}


def _grid_variants(p):
    return [
        Variant("[10^-6, 10^-4, ..., 10^1]", "other", {**p, "exponents_shown": (-6, -4)}),
        Variant("[10^-7, 10^-2, ..., 10^1]", "other", {**p, "exponents_shown": (-7, -2)}),
        Variant("[2^-6, 2^-2, ..., 2^1] (not powers of 10)", "other", {**p, "base": 2}),
        Variant("[10^-6, 10^-5, ..., 10^1] (consecutive)", "stronger", {**p, "exponents_shown": (-6, -5)}),
    ]


@claim("K24.A4.grid", provenance="seed-fulltext", source=cite("K24", "appendix A.4, step-size selection"),
       statement="'We start with a sparse grid of powers of 10 [10^-6, 10^-2, ..., 10^1] and increase the density to "
                 "half-powers around the best step-size.'",
       printed=printed_grid, variants=_grid_variants)
def check_grid(p, profile):
    g = grid_reading(p["exponents_shown"], p["last_exponent"])
    ev = {**g, "base": p["base"]}
    if p["base"] != 10:
        return Result(Verdict.CORRECTED, f"a grid of powers of {p['base']} is not 'powers of 10'", "exact", ev,
                      correction=f"powers of 10: [10^{g['consecutive'][0]}, 10^{g['consecutive'][1]}, ..., 10^{g['consecutive'][-1]}]")
    if g["reaches_last"]:
        return Result(Verdict.HOLDS, f"the exponents {g['progression']} form a progression ending at {p['last_exponent']}",
                      "exact", ev)
    c = g["consecutive"]
    return Result(Verdict.CORRECTED,
                  f"the listed exponents {p['exponents_shown'][0]}, {p['exponents_shown'][1]}, ... step by {g['step']} and never "
                  f"reach {p['last_exponent']}: the list is inconsistent", "exact", ev,
                  correction=f"[10^{c[0]}, 10^{c[1]}, ..., 10^{c[-1]}] ({len(c)} consecutive powers of 10, the reading "
                             "consistent with both ends)")


# ------------------------------------------------------------------------------------------
# K24.sec11.imbalance
# ------------------------------------------------------------------------------------------

def printed_imbalance():
    return {"majority": 99, "minority": 1, "minority_percent": 1}


def _imbalance_variants(p):
    return [
        Variant("0.1% from the minority", "constant", {**p, "minority_percent": Fraction(1, 10)}),
        Variant("10% from the minority", "constant", {**p, "minority_percent": 10}),
        Variant("1/99 (= 1.0101%) from the minority", "other", {**p, "minority_percent": Fraction(100, 99)}),
    ]


@claim("K24.sec11.imbalance", provenance="seed-fulltext", source=cite("K24", "section 1.1"),
       statement="'with an imbalance of 99:1, only 1% of the data comes from the minority class'.",
       printed=printed_imbalance, variants=_imbalance_variants)
def check_imbalance(p, profile):
    share = Fraction(100 * p["minority"], p["majority"] + p["minority"])
    return field("minority share in percent", Fraction(p["minority_percent"]), share)


# ------------------------------------------------------------------------------------------
# K24.A3.models
# ------------------------------------------------------------------------------------------

def printed_models():
    return {"transformer_2layer": {"width": 1000, "heads": 4, "layers": 2},
            "gpt2_small": {"width": 768, "heads": 12, "layers": 12, "ffn": 3072}}


def _models_variants(p):
    return [
        Variant("2-layer transformer with 3 heads", "other", {**p, "transformer_2layer": {**p["transformer_2layer"], "heads": 3}}),
        Variant("GPT2-Small with 10 heads", "other", {**p, "gpt2_small": {**p["gpt2_small"], "heads": 10}}),
        Variant("2-layer transformer of width 1002", "constant", {**p, "transformer_2layer": {**p["transformer_2layer"], "width": 1002}}),
    ]


@claim("K24.A3.models", provenance="seed-fulltext", source=cite("K24", "appendix A.3"),
       statement=("2-layer transformer: 'The embedding dimension and width of the linear layers is 1000 and the attention "
                  "modules use 4 heads'; GPT2-Small: 'The embedding dimension is 768, the width of the intermediate layers "
                  "is 3072, and we use 12 encoder blocks with 12 self attention heads'."),
       printed=printed_models, variants=_models_variants)
def check_models(p, profile):
    import torch

    parts = {}
    for name, cfg in p.items():
        ev = {**cfg, "head_dim": cfg["width"] / cfg["heads"]}
        try:
            layer = torch.nn.TransformerEncoderLayer(d_model=cfg["width"], nhead=cfg["heads"],
                                                     dim_feedforward=cfg.get("ffn", cfg["width"]), batch_first=True)
            x = torch.zeros(1, 3, cfg["width"])
            y = layer(x)
            ok = tuple(y.shape) == (1, 3, cfg["width"])
            ev["parameters_per_block"] = sum(q.numel() for q in layer.parameters())
        except (AssertionError, RuntimeError, ValueError) as e:
            ok, ev["error"] = False, f"{type(e).__name__}: {e}"
        if ok:
            parts[name] = Result(Verdict.HOLDS, f"{name}: width {cfg['width']} splits into {cfg['heads']} heads of "
                                 f"{cfg['width'] // cfg['heads']}", "exact", ev)
        else:
            div = [h for h in range(1, 33) if cfg["width"] % h == 0]
            parts[name] = Result(Verdict.CORRECTED, f"{name}: width {cfg['width']} is not divisible by {cfg['heads']} heads; "
                                 "torch.nn.MultiheadAttention refuses it", "exact", {**ev, "counterexample": ev},
                                 correction=f"{name}: the head count must divide {cfg['width']} (e.g. {div[-3:]})")
    return combine(parts, holds="both stated transformer shapes can be built (the head count divides the width)")
