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
#: Y25.exp: "much smaller suboptimality" is read as at least one order of magnitude.
Y25_MUCH_SMALLER_FACTOR = 10.0
#: T26.exp.*: "ends far below" is read as at least one order of magnitude (mean over seeds).
T26_FAR_BELOW_FACTOR = 10.0
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
#: X24.k24 (softmax linear model of K24 under a rotation of the parameters): a rotation is
#: said to change a quantity (an optimizer's tuned final loss, ||H||_{1,1}, d lambda_max) when
#: it moves it by more than this factor either way; within it, "unchanged". Fixed before
#: measuring; the step-size grid is spaced by factors of 2, and "much slower" (SPEC) is larger.
X24_K24_CHANGE_FACTOR = 1.5
#: X24.k24: the Cauchy estimate of ||H||_{1,1} (mean of row medians over T probes) agrees with
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

# --- extremes of the closed forms and the public-API contract (issue 13: tests/test_extremes.py) ----------
#: An mpmath reference (MP_DPS digits, working precision raised by the digits its form cancels)
#: against an independent truncated expansion, at end points of the documented range where the
#: first omitted term is below 1e-40 relative (each test bounds that term before comparing): the
#: allowed gap sits 5 orders above the truncation error and 15 above the 50-digit rounding level,
#: so a reference that lost digits to cancellation (as the old sim.reduced one did: 0 correct
#: digits at tau = 1e60) fails by tens of orders.
EXPANSION_MP_REL = 1e-35
