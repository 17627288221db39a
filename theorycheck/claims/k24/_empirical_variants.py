"""The declared variants of the K24 empirical claims (:mod:`theorycheck.claims.k24.empirical`):
wrong forms of each printed statement, built from it, in the machine form that the checks read
(the optional keys are documented in that module's docstring)."""

from __future__ import annotations

from theorycheck.core.registry import Variant


def _fig4_variants(p):
    gd, adam = "gd_little_progress_on_rare", "adam_progress_on_all_groups"
    return [
        Variant("GD makes little progress on the high-frequency classes (wrong end of pi)", "dependence",
                {**p, "slow_end": "frequent"}, param="pi"),
        Variant("Adam makes little progress on the low-frequency classes, GD progresses on all (optimizers swapped)",
                "other", {**p, "slow_optimizer": "Adam"}),
        Variant("Adam makes little progress on the frequent classes", "other", {**p, "fast_little_on_frequent": True}),
        Variant("Adam does not make progress on every group (GD part mended)", "part", {**p, adam: not p[adam]}),
        Variant("GD does not make little progress on the rare classes (Adam part mended)", "part", {**p, gd: not p[gd]}),
    ]


def _fig5_variants(p):
    return [
        Variant("sign descent behaves like GD on the low-frequency classes", "other", {**p, "sign_like_on_rare": "GD"}),
        Variant("sign descent is like Adam only on the frequent classes and like GD on the rare ones (wrong dependence "
                "on pi)", "dependence", {**p, "sign_like_on_rare": "GD", "sign_like_adam_on_frequent": True}, param="pi"),
        Variant("normalizing GD helps more than changing the direction", "other", {**p, "best_change": "normalization"}),
    ]  # the flipped parts are not declared: at the quick size each flip agrees with the proxy at some settings
    #    (sign is closer to Adam only at t=T; momentum beats sign at every setting), so they are not clearly wrong


def _fig7_variants(p):
    d, i = "correlated_during_training", "correlated_at_init"
    return [
        Variant("correlated at initialisation but not during training (wrong dependence on t)", "dependence",
                {**p, d: not p[d], i: not p[i]}, param="t"),
        Variant("already correlated at initialisation (training part mended)", "part", {**p, i: not p[i]}),
        Variant("not correlated during training (initialisation part mended)", "part", {**p, d: not p[d]}),
        Variant("anti-correlated with the class frequencies during training (flipped sign)", "sign",
                {**p, "correlation_sign": -1}),
    ]


def _c1_variants(p):
    a, b = "gd_slowdown_normal0", "gd_slowdown_normal1"
    return [
        Variant("with N(1,1) inputs GD's slowdown is on the high-frequency classes (wrong dependence on pi)", "dependence",
                {**p, "slowdown_end": "frequent"}, param="pi"),
        Variant("the slowdown also shows with N(0,1) inputs (N(1,1) part mended)", "part", {**p, a: not p[a]}),
        Variant("no slowdown with N(1,1) inputs either (N(0,1) part mended)", "part", {**p, b: not p[b]}),
        Variant("the inputs swapped: slowdown with N(0,1), none with N(1,1)", "other", {**p, a: not p[a], b: not p[b]}),
    ]


def _c2_variants(p):
    a, b = "gd_eventually_fits_all", "rare_classes_first_get_worse"
    return [
        Variant("GD already fits all classes within the short horizon T (wrong dependence on t: not only eventually)",
                "dependence", {**p, "fits_within": "T"}, param="t"),
        Variant("the rarest classes' loss first falls below its initial value and only later rises (order in t "
                "reversed)", "dependence", {**p, "rare_order": "fall_first"}, param="t"),
        Variant("GD never fits all classes within the long horizon (rise part mended)", "part", {**p, a: not p[a]}),
        Variant("the rarest classes' loss never rises above its initial value (fit part mended)", "part",
                {**p, b: not p[b]}),
    ]


def _f_variants(p):
    return [
        Variant("1/sqrt(pi) reweighting hurts GD+m (overall and rare-half loss both higher; flipped sign)", "sign",
                {**p, "effect": "hurts"}),
        Variant("1/sqrt(pi) reweighting helps GD+m on the high-frequency classes (wrong dependence on pi)", "dependence",
                {**p, "where": "frequent"}, param="pi"),
        Variant("1/sqrt(pi) reweighting hurts GD+m on the low-frequency classes (rare-half loss higher)", "other",
                {**p, "effect": "hurts", "where": "rare"}),
    ]
