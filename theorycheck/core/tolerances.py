"""Every tolerance and working precision of theorycheck, in one place.

Each constant says what it is for. A check imports the constant it needs; no other
module writes a tolerance literal. Changing a value here changes it everywhere, and the
evidence of every check records the value it used.

None of these was tuned until something passed: each is set from the accuracy of the
method (double precision, the mpmath working precision, the integrator tolerances), with
the reasoning next to it.
"""

# --- high precision reference -------------------------------------------------------
#: mpmath working precision (decimal digits) for reference values.
MP_DPS = 50

# --- symbolic identities --------------------------------------------------------------
#: A symbolic identity that SymPy cannot reduce to 0 is evaluated at random points with
#: ``MP_DPS`` digits. A relative residual above this refutes it (it is ~30 orders of
#: magnitude above the rounding level of a 50-digit evaluation, so it never fires by chance).
SYMBOLIC_REFUTE_REL = 1e-20
#: Below this relative residual at every sample point the identity is numerically
#: supported (still *not* a proof: the verdict stays inconclusive unless simplified to 0).
SYMBOLIC_SUPPORT_REL = 1e-40
#: Number of random points used to refute or support a symbolic identity.
SYMBOLIC_SAMPLES = 8

# --- double precision kernels ---------------------------------------------------------
#: Agreement of float64 kernels with an mpmath or autograd reference (relative).
#: float64 epsilon is 2.2e-16; 1e-10 leaves room for the condition number of the
#: quantities involved (logsumexp, products of probabilities) at extreme inputs.
FLOAT64_REL = 1e-10
#: Absolute floor used with FLOAT64_REL when the reference is ~0.
FLOAT64_ABS = 1e-12
#: Agreement of float32 kernels with a float64 reference (relative).
FLOAT32_REL = 1e-4

# --- asymptotic statements ------------------------------------------------------------
#: A ratio claimed to tend to a limit "holds" numerically when, along a growing sequence,
#: the distance to the limit decreases monotonically and the last value is within this
#: relative distance of it.
ASYMPTOTIC_REL = 5e-2

# --- ODE integration (scipy.integrate.solve_ivp) -----------------------------------------
#: Relative / absolute tolerances for solve_ivp on smooth flows. Defaults (1e-3, 1e-6)
#: are far too loose on long horizons (see NUMERICS.md).
ODE_RTOL = 1e-10
ODE_ATOL = 1e-12
#: Agreement between two independent routes to the same ODE solution (relative).
ODE_AGREE_REL = 1e-6

# --- simulations --------------------------------------------------------------------------
#: Agreement between a simulation and an exact recurrence run in the same precision.
SIM_FLOAT64_REL = 1e-9
SIM_FLOAT32_REL = 1e-4

# --- module-specific sections: add constants below, under your module's heading -----------

# --- flows / Lambert W (theorycheck.models.flows, theorycheck.models.lambertw) -----------------------------
#: Sign flow: an absolute gradient level treated as 0 at an event. Events are located by
#: solve_ivp's root finder to ~1e-15 in time on O(1) gradients; 1e-9 is far above that
#: and far below any gradient the flows reach between events.
SIGNFLOW_ZERO_TOL = 1e-9
#: Sign flow: slack on ``|v_i| <= 1`` for the equivalent control of a sliding coordinate
#: (rounding in the linear solve; ~1e6 ulps).
SIGNFLOW_VEQ_SLACK = 1e-10
#: Agreement of the event-driven sign flow with discrete sign descent of step ``h``: the
#: discrete iterates live on the lattice ``w0 + h Z^n`` and, once coordinates slide, cycle
#: around the sliding surface; with two coupled coordinates the cycle spans up to 3 steps
#: (measured: gap/h = 3.0 at h = 4e-3, 1e-3, 2.5e-4, i.e. O(h) with a fixed constant).
#: The allowed max-abs gap is this multiple of ``h``; tests also check the O(h) scaling.
SIGNFLOW_DISCRETE_GAP_STEPS = 4.0
#: HH08 normalised remainder in float64: near ``x = e`` the value loses
#: ``log10(1/|log x - 1|)`` digits, so the float64 grid starts at ``log x = 1 + this``
#: (it keeps >= 8 correct digits); the mpmath sweep covers the points closer to ``e``.
HH08_FLOAT_Y_GAP = 1e-6
#: Relative slack when comparing a float64 value with an inequality's bound (10 ulps-ish
#: amplified by the conditioning of delta near x = e: the float grid keeps >= 8 digits).
HH08_FLOAT_SLACK = 1e-8
#: A printed bound within this relative distance of the computed supremum (mpmath,
#: golden-section search to ~1e-12 in log x) counts as sharp; farther above it, the
#: verdict is "sharpened" with the computed supremum.
HH08_SHARP_REL = 1e-6
#: K24.thm3 half-loss times by brentq: xtol so small that only rtol stops the search, and
#: rtol = 4 eps (scipy's minimum), so the root is located to float64 resolution and any
#: formula-vs-root gap above a few ulps is real.
HALF_LOSS_BRENTQ_XTOL = 1e-300
HALF_LOSS_BRENTQ_RTOL = 4 * 2.220446049250313e-16

# --- simulator / smoothness (theorycheck.sim, theorycheck.models.smoothness) -------------------------
#: ext_discrete: steps after some class's loss fell below this are not compared: in float64
#: the off-diagonal probabilities e^{b-a} underflow to 0 near 1e-308, after which the dense
#: gradient is exactly 0 (sign(0) = 0 stops sign methods) while the exact recurrence moves on.
DISCRETE_SATURATION_FLOOR = 1e-250
#: ext_discrete (Adam eps -> 0): "the spread falls monotonically" allows a relative rise of
#: this size between consecutive eps (rounding of a max-minus-min of O(1) losses: ~4500 ulps).
DISCRETE_MONOTONE_REL = 1e-12
#: A quantity claimed to be a first-order discretisation error (O(alpha pi)) must shrink by at
#: least this factor when the step shrinks 10x (first order: 0.1; 0.2 leaves room for the
#: second-order term at the steps used, and a quantity that does not vanish stays near 1).
SIM_FIRST_ORDER_SHRINK = 0.2
#: Two trajectories "differ" (a symmetry is broken) when their losses differ by more than this
#: relative amount at some step: 1e7 times SIM_FLOAT64_REL, so rounding can never trigger it.
SIM_DIFFERS_REL = 1e-2
#: "Strong" rank correlation (Spearman) for the qualitative claims of K24 figure 7 / appendix G;
#: the conventional threshold for a strong monotone association.
SIM_STRONG_CORRELATION = 0.7
#: "Little progress" on a frequency group: relative progress (l(0) - l(T)) / l(0) below this
#: fraction of the progress made on the most frequent group (K24 figure 4: "little progress").
SIM_LITTLE_PROGRESS = 0.5
#: Step-size selection (K24 A.4): a run is "unstable" when its loss exceeds the initial loss by
#: more than this relative amount at some step (above float32 rounding of a loss ~log c).
SIM_UNSTABLE_REL = 1e-6
#: Lanczos steps for lambda_max (full reorthogonalisation). The Ritz value converges
#: geometrically; 60 steps reach float64 accuracy on the softmax Hessians used here
#: (checked against eigvalsh in tests/test_smoothness.py, LANCZOS_REL below).
LANCZOS_ITERS = 60
#: Lanczos stops when the next residual norm falls below this fraction of |alpha_1|
#: (an invariant subspace was found: the Ritz values are then exact).
LANCZOS_BREAKDOWN = 1e-12
#: Relative agreement of the Lanczos lambda_max with eigvalsh on small problems.
LANCZOS_REL = 1e-8
#: Random restarts and maximal sweeps of the sign iteration v <- sign(Hv).
SIGN_RESTARTS = 32
SIGN_ITERS = 50
#: Largest number of parameters for the exact brute force over {-1,1}^P (2^(P-1) vectors).
BRUTE_FORCE_MAX_DIM = 20
#: Largest number of parameters for which the dense Hessian is formed by default.
DENSE_MAX_PARAMS = 2000
#: Relative agreement of two float64 routes to a sum of |H_ij| over up to ~1e7 entries
#: (summation order differs; each entry has relative error ~1e-15).
L11_REL = 1e-9
#: Cauchy sketch: significance level of the Kolmogorov-Smirnov test that (Hv)_r / ||H_r||_1
#: is standard Cauchy. A p-value below it rejects a scale law (a 1e-3 false-rejection rate).
CAUCHY_KS_ALPHA = 1e-3
#: Cauchy sketch: the fitted exponent of the RMS relative error against the number of probes
#: is accepted within this distance of the claimed one. With R = 60 repetitions per probe
#: count the log-RMS has sampling sd ~ 1/sqrt(2R) ~ 0.09 per point; over the quick probe
#: counts 16, 32, ..., 256 the slope's sd is ~0.09/sqrt(sum (log T - mean)^2) ~ 0.04, so 0.15 is
#: ~3.7 sd (the full profile spans 16..4096 with R = 200: sd ~ 0.01).
SMOOTH_CAUCHY_SLOPE_ABS = 0.15
#: Cauchy sketch: the measured RMS relative error times sqrt(T) must not exceed the claimed
#: asymptotic constant pi/2 by more than this relative margin (sampling error of the RMS
#: with R repetitions, ~1/sqrt(2R) ~ 0.09, times ~3).
CAUCHY_CONST_REL = 0.3
#: K24.H1 figure 8: "orders of magnitude" (plural) is read as a ratio of at least 10^2
#: between the typical (median) magnitude of diagonal-block and off-diagonal-block entries.
ORDERS_OF_MAGNITUDE = 2

# --- other papers (Y25, T26, X24, Y26) ------------------------------------------------------
#: Y25/T26: absolute slack when a float64 quantity of size O(1) (an eigenvalue of
#: diag(s) - s s^T, a variance, a ratio to a bound) is compared with an exact bound: eigvalsh
#: and two-pass sums are accurate to a few hundred ulps at the sizes used (d <= 10^3 dense).
Y25_FLOAT_SLACK = 1e-12
#: T26 simulations: an inequality on a mean over seeds is violated only if it fails by more
#: than this many standard errors of the mean (Monte Carlo noise, not slack on the bound).
T26_SE_MULTIPLIER = 3.0
#: T26.complexity: allowed |measured - predicted| exponent of d in N_SGD/N_SignSGD. The
#: predicted ratios carry log factors (SGD needs log(d a/eps)/(eta L_min) steps), which bias a
#: slope fitted over one to two decades of d by about 0.1-0.2; Monte Carlo adds ~0.05.
T26_EXPONENT_ABS = 0.25
#: T26.muon: agreement of msign from Newton-Schulz (converged) with the SVD (max abs entry);
#: the cubic iteration converges quadratically, so it reaches float64 rounding.
T26_MSIGN_AGREE = 1e-10
#: Y25.lemma31: the approaching family s = (1/2 - e, 1/2 - e, ...) ends at e = 1e-6, where
#: lambda_max and the ell_inf quadratic form lie O(e) below their sup; this allows a constant
#: up to 10 in that O(e) (anything farther means the sup was not approached).
Y25_APPROACH_ABS = 1e-5
#: T26.muon: Newton-Schulz (cubic) is run until the singular values are within this of 1
#: (a few ulps: the converged iterate must agree with the SVD to T26_MSIGN_AGREE).
T26_NS_TARGET = 1e-15
#: T26.muon: singular values of the 5-step quintic Muon iterate below this are the null
#: space of G (numerically zero: rank-deficient test matrices), not part of the reported range.
T26_SINGULAR_ZERO = 1e-8

# X24 / Y26 (theorycheck.models.quadratics, theorycheck.models.heavytail, claims/x24/, claims/y26/)
#: One-sided significance level for a rank (Spearman) correlation read as evidence that a
#: measured speed "is governed by" / "grows with" a quantity (the usual 1% level).
RANK_P_MAX = 1e-2
#: An optimizer is called NOT rotation-equivariant when, on the same run, the relative
#: distance between ``Q x_t`` and the rotated run's ``y_t`` exceeds this. It is ~6 orders of
#: magnitude above SIM_FLOAT64_REL, so rounding alone can never reach it.
NONEQUIVARIANT_REL = 1e-3
#: Level of the Kolmogorov-Smirnov tests of a distributional statement (a sample is
#: consistent with a distribution when p >= KS_ALPHA and refutes it when p < KS_ALPHA).
KS_ALPHA = 1e-3
#: Monte-Carlo statements: a mean is "zero" / two means "agree" when they differ by at
#: most this many standard errors (about a 1e-4 two-sided level for a normal mean).
MC_SIGMAS = 4.0
#: The relative error of the Cauchy estimator is claimed (derived) to decay like
#: probes^(-1/2): a fitted log-log slope within this of -1/2 supports it. The fitted slope
#: over the probe grid has a standard error of ~0.02 at the quick profile's sizes.
X24_CAUCHY_SLOPE_ABS = 0.1
#: A tail-index estimate is "accurate" when within this absolute distance of the true
#: index (about the spread of Hill / block-sum estimators at n ~ 1e5 samples).
TAIL_INDEX_ABS = 0.15
#: A p-th moment is called infinite when its Monte-Carlo estimate grows by more than this
#: factor when the sample size grows 100-fold (for a finite moment the ratio -> 1; for an
#: infinite one it grows like 100^(p/alpha - 1)); median over independent repeats.
MOMENT_GROWTH = 1.5
#: Linear relation E||g - grad f||^p = a + b ||grad f||^p: accepted when the coefficient of
#: determination R^2 of the least-squares fit is at least this.
LINEAR_R2_MIN = 0.99
#: Y26: a method "degrades" / "beats" another when the medians of final suboptimality differ
#: by more than this factor (a factor 2 is outside the seed-to-seed spread of medians).
Y26_FACTOR = 2.0
#: Best-fitting exponent q of ``E||g - grad f||^p ~ a + b ||grad f||^q`` (grid step 0.01) is
#: said to equal the claimed one when within this distance (the grid of fitted exponents
#: is compared at the 0.1 resolution at which exponents like 1, 1.2, 1.5, 2 differ).
EXPONENT_FIT_ABS = 0.1
#: EXT.x24_on_k24 (formerly X24.k24; softmax linear model of K24 under a rotation of the parameters): a rotation is
#: said to change a quantity (an optimizer's tuned final loss, ||H||_{1,1}, d lambda_max) when
#: it moves it by more than this factor either way; within it, "unchanged". Fixed before
#: measuring; the step-size grid is spaced by factors of 2, and "much slower" (SPEC) is larger.
X24_K24_CHANGE_FACTOR = 1.5
#: EXT.x24_on_k24: the Cauchy estimate of ||H||_{1,1} (mean of row medians over T probes) agrees with
#: the exact value when within this many single-row standard deviations pi/(2 sqrt(T)) (the
#: mean over rows only reduces the spread, so this is conservative).
X24_K24_CAUCHY_SIGMAS = 3.0

# --- report / store ---------------------------------------------------------------------------

# --- softmax model / K24 symbolic claims (theorycheck.models.kernels, claims/k24/gradients.py, proposition2.py, data.py)
#: K24.prop2.train, "c > 10^3 appears sufficient": a number of classes c counts as
#: sufficient when the classes on which the c -> infinity relation already holds within
#: ASYMPTOTIC_REL carry at least this fraction of the data (a definition, not a fit: "the
#: dependence on pi_k appears" for most of the data).
SUFFICIENT_DATA_MASS = 0.5
#: K24.prop2.train, condition part: a quantity "tends to infinity" along the test family when
#: it increases monotonically over the c grid by at least this factor (the grid spans 10^3x).
DIVERGENCE_FACTOR = 10.0

# --- certified numerics (theorycheck.core.certify; helper i10k) -------------------------------
#: Arb working precision (bits) of the branch and bound. 128 bits (~38 digits) keeps rounding
#: ~20 orders of magnitude below the margins the checks certify, so pieces fail only for a
#: mathematical reason (a touching point, a singularity), never for lack of digits.
CERTIFY_PREC_BITS = 128
#: Largest number of bisections of one piece: 2^-40 ~ 1e-12 of the range, far below any
#: feature of the functions certified here; a piece still undecided there is reported.
CERTIFY_MAX_DEPTH = 40
#: Budget of piece evaluations of one certification (keeps a check's quick profile fast; a
#: budget that runs out leaves the remaining pieces "undecided", never "certified").
CERTIFY_MAX_PIECES = 4000
#: Order of the Taylor forms (remainder term included) tried on a piece the plain enclosure
#: cannot certify: order 4 certifies functions that touch 0 to third order at an end point.
CERTIFY_TAYLOR_ORDER = 4
#: How many undecided pieces a certificate lists (the count is always reported).
CERTIFY_REPORT_PIECES = 10
#: enclose_max stops when its enclosure [L, U] of a maximum has U - L <= this * |L|
#: (a decimal string: converted exactly).
CERTIFY_MAX_REL = "1e-12"

# --- K24 flows: rates in every parameter (claims/k24/theorem3.py; helper i10k) ----------------
#: A fitted exponent (of l / printed rate, in t, pi or c, over the asymptotic grids of
#: theorem3.py) "agrees" with 0 when within this distance: wrong statements differ by >= 1 in
#: an exponent (a wrong power of t, pi or c) and a log factor by 1/log(t) >= 0.03 (t <= 1e14),
#: while the true quantity's local exponent on those grids departs from its limit by at most
#: ~1/(c-1) ~ 0.003 in c (c >= 100; measured fit 0.0009 +- 0.0015) and ~log(w)/w < 1e-6 in t.
RATE_EXPONENT_ABS = 0.01
#: K24.H1.fig8 "orders of magnitude" (plural): the diagonal-to-off-diagonal ratio is at least 10^2,
#: judged on a t-interval of log10 of the per-seed worst ratio along the path (threshold in log10).
def _k24_orders_criterion():
    from theorycheck.core.stats import Criterion

    return Criterion("orders of magnitude", float(ORDERS_OF_MAGNITUDE), "above",
                     "plural 'orders': at least two powers of ten between typical diagonal and off-diagonal blocks")


K24_ORDERS_OF_MAGNITUDE = _k24_orders_criterion()


# --- Y25 / T26 power and statistics (claims/y25, claims/t26; helper i10a) --------------------------
#: Y25.lemma32 cross-check: a bounded scalar minimiser (xatol 1e-13) on the kinked objective
#: max_k |a_k + c| locates the minimum to ~sqrt(eps) relative accuracy; 1e-7 leaves a margin.
Y25_MINIMISER_REL = 1e-7
#: Worst-case searches over instance boxes (core/worstcase.py) for bounds checked by simulation:
#: a measured/bound ratio above 1 + this is a violation. The noise-free runs attain equality
#: to ~1e-15; 1e-9 is far above float64 rounding of a sum over <= 1e5 steps and far below any
#: slip of a constant a reader would care about.
WORSTCASE_SLACK = 1e-9
#: Exponent comparison (core/rates.compare_exponent) for the rates of Y25 and T26 in each
#: parameter: the printed exponent must lie within the fitted interval widened by this. Log factors
#: (log d in C_inf, log(1/eps) in step counts) bias a local power fit over 1-2 decades by <= 0.2.
Y25_T26_RATE_EXPONENT_ABS = 0.25
#: Confidence level of every interval over seeds reported by Y25/T26 empirical claims.
SEED_LEVEL = 0.95

from theorycheck.core.stats import Criterion as _Criterion  # noqa: E402

#: Y25.exp "much smaller suboptimality" and T26.exp.* "ends far below": a factor of at least 10
#: (one order of magnitude) on the whole confidence interval over seeds. A factor 2-3 is within
#: what a step-size grid spaced by 10x or a different horizon moves, so it is not "far".
FAR_BELOW = _Criterion("far below", 10.0, "above",
                       "one order of magnitude: beyond what a 10x-spaced step-size grid or the horizon moves")
MUCH_SMALLER = _Criterion("much smaller", 10.0, "above", FAR_BELOW.reason)
#: Words a finding may use for a measured factor, weakest first (the strongest one the whole interval
#: supports is used; none -> the factor is reported without a word).
BELOW = _Criterion("below", 1.0, "above", "the whole interval of the ratio is above 1")
ORDERS_BELOW = _Criterion("orders of magnitude below", 100.0, "above",
                          "plural orders of magnitude: at least 10^2 (as K24.H1's ORDERS_OF_MAGNITUDE)")
FACTOR_WORDS = (BELOW, FAR_BELOW, ORDERS_BELOW)
#: "slightly smaller" (a declared wrong variant of Y25.exp): a factor at most 2.
SLIGHTLY = _Criterion("slightly smaller", 2.0, "below", "a factor of at most 2: within the spread of tuned runs")


# --- K24 statements of seed 003 and T26 lower bounds (helper i12: claims/k24/appendix_*, section*, figure8_caption,
#     claims/t26/lower_bounds.py) ---------------------------------------------------------------------------------
#: T26.thm2/thm3: a fitted exponent of the measured lower bound agrees with the printed one when the printed value lies
#: within this distance of the 95% interval (and the interval is narrower than twice it). The max over the instance
#: grid and the min over the step grid (factors 2^(1/2) to 2) move a value by a bounded factor, which over the 1.2 to
#: 2.4 decades swept shifts a slope by < 0.05; Monte Carlo (SignSGD) adds ~0.03. Printed exponents differ by >= 1/8.
T26_LB_EXPONENT_ABS = 0.1
#: K24.C1.alignment: data are "approximately orthogonal" when the mean |cosine| between samples is at most this: an
#: order of magnitude below 1 (and below the uniform data's 3/4 by ~8x); N(0,1) inputs in d dimensions give
#: ~sqrt(2/(pi d)) (0.035 at d = 512), N(1,1) ~1/2.
K24_NEAR_ORTHOGONAL_COS = 0.1
#: K24.fig23c: "p -> 1" for a group of classes is read as the mean predicted probability of its correct classes
#: reaching at least this at the end of the run (an order of magnitude closer to 1 than the 1/c of W = 0 is to 0).
K24_P_NEAR_ONE = 0.9


# --- K24 empirical claims (claims/k24/empirical.py; issue 11/15) -------------------------------
# Each qualitative word of K24's figures 4, 5, 7, 15, 16 and 22 maps to one criterion, fixed
# before measuring. "little progress" is SIM_LITTLE_PROGRESS, "strongly correlated" is
# SIM_STRONG_CORRELATION (above). A criterion is applied seed by seed; a statement is taken as
# measured only when every seed agrees (the verdict reads the interval over seeds, not a point).
#: "makes progress on all frequency groups": every group's relative progress (l_g(0) - l_g(T)) /
#: l_g(0) is positive and at least SIM_LITTLE_PROGRESS times the overall relative progress (the
#: complement of "little progress", so the two words cannot both apply to one run).
K24_PROGRESS_ALL = SIM_LITTLE_PROGRESS
#: "the loss of the least frequent classes first rises above its initial value" (figure 16): it
#: exceeds its initial value by more than this relative amount: 1% is visible on the paper's
#: log-scale plots and 1e4 times float32 rounding of a loss ~log c.
K24_RISE_REL = 1e-2
#: "helps" (figure 22, reweighting): the reweighted run's unweighted loss (overall and on the
#: rare half of the data) is below the plain run's by more than this relative amount; a change
#: under 1% is not called help.
K24_HELPS_REL = 1e-2
#: "behaves like Adam / similar to Adam" (figure 5): on the rare half of the data, sign descent's
#: final loss is closer (in log) to Adam's than to GD's, by this factor: |log L_sign - log L_adam|
#: < K24_CLOSER_RATIO |log L_sign - log L_gd|. 1 = merely closer; the figure's claim is relative
#: to GD, so no stronger ratio is asked.
K24_CLOSER_RATIO = 1.0


# --- i10b: criteria of the X24 / Y26 / EXT claims (issue 11; theorycheck.core.stats.Criterion) ----------------
from theorycheck.core.stats import Criterion as _Criterion  # noqa: E402

#: X24.rates "governed by K": over the problems of one seed, the tuned loss ranks more closely with K
#: than with the other constant (Spearman rho difference > 0); judged on the interval of its mean over
#: seeds. 0 is the only threshold that reads "more closely" without adding a margin of our own.
X24_GOVERNS = _Criterion("tracks more closely", 0.0, "above",
                         "rank correlation with the claimed constant exceeds that with the other (mean over seeds)")
#: X24.rotation / X24.blockwise "correlates with" / "moves with": a Spearman correlation over the
#: problems of one seed whose mean over seeds is positive (interval above 0).
X24_CORRELATES = _Criterion("correlates positively", 0.0, "above",
                            "mean over seeds of a per-seed Spearman correlation is positive")
#: X24.rotation "Adam gets much slower": its tuned loss after a Haar rotation is at least one order of
#: magnitude above the unrotated one (geometric mean over seeds, paired); the same reading of "much"
#: as Y25_MUCH_SMALLER_FACTOR.
X24_MUCH_SLOWER = _Criterion("much slower", 10.0, "above",
                             "'much' read as one order of magnitude in the tuned loss (as Y25_MUCH_SMALLER_FACTOR)")
#: EXT.x24_on_k24: a rotation makes a final loss "slower" / "faster" when the interval of the geometric
#: mean over rotation seeds of rotated/original lies beyond X24_K24_CHANGE_FACTOR either way, and leaves
#: it "unchanged" when the interval lies inside [1/F, F] (both of the last two criteria hold).
EXT_ROT_SLOWER = _Criterion("slower", X24_K24_CHANGE_FACTOR, "above", "final loss ratio rotated/original above F")
EXT_ROT_FASTER = _Criterion("faster", 1 / X24_K24_CHANGE_FACTOR, "below", "final loss ratio rotated/original below 1/F")
EXT_ROT_NOT_SLOWER = _Criterion("not slower", X24_K24_CHANGE_FACTOR, "below", "ratio at most F (with EXT_ROT_NOT_FASTER: unchanged)")
EXT_ROT_NOT_FASTER = _Criterion("not faster", 1 / X24_K24_CHANGE_FACTOR, "above", "ratio at least 1/F (with EXT_ROT_NOT_SLOWER: unchanged)")
#: Y26.convergence "beats" / "ends below": the median over paired seeds of F_loser/F_winner has an
#: interval above Y26_FACTOR. The finding's word is the strongest of these three the interval supports
#: (stats.word_for_factor): "below" x2 (outside the seed-to-seed spread), "far below" x10 (one order of
#: magnitude), "orders of magnitude below" x100 (two).
Y26_BELOW = _Criterion("below", Y26_FACTOR, "above", "paired median ratio above Y26_FACTOR = 2 (beyond seed spread)")
Y26_FAR_BELOW = _Criterion("far below", 10.0, "above", "'far' read as one order of magnitude")
Y26_ORDERS_BELOW = _Criterion("orders of magnitude below", 100.0, "above", "'orders' (plural) read as at least two")
#: Y26.convergence "degrades": the median final suboptimality at the heaviest tail over the one at the
#: lightest has an interval above Y26_FACTOR (fails: interval below it, i.e. the method stays within x2).
Y26_DEGRADES = _Criterion("degrades", Y26_FACTOR, "above", "ratio of medians heavy/light tail above Y26_FACTOR = 2")


# --- extremes of the closed forms and the public-API contract (issue 13: tests/test_extremes.py) ----------
#: An mpmath reference (MP_DPS digits, working precision raised by the digits its form cancels)
#: against an independent truncated expansion, at end points of the documented range where the
#: first omitted term is below 1e-40 relative (each test bounds that term before comparing): the
#: allowed gap sits 5 orders above the truncation error and 15 above the 50-digit rounding level,
#: so a reference that lost digits to cancellation (as the old sim.reduced one did: 0 correct
#: digits at tau = 1e60) fails by tens of orders.
EXPANSION_MP_REL = 1e-35
