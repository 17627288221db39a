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

# --- flows / Lambert W (theorycheck.flows, theorycheck.lambertw) -----------------------------

# --- simulator / smoothness (theorycheck.sim, theorycheck.smoothness) -------------------------
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
CAUCHY_SLOPE_ABS = 0.15
#: Cauchy sketch: the measured RMS relative error times sqrt(T) must not exceed the claimed
#: asymptotic constant pi/2 by more than this relative margin (sampling error of the RMS
#: with R repetitions, ~1/sqrt(2R) ~ 0.09, times ~3).
CAUCHY_CONST_REL = 0.3
#: K24.H1 figure 8: "orders of magnitude" (plural) is read as a ratio of at least 10^2
#: between the typical (median) magnitude of diagonal-block and off-diagonal-block entries.
ORDERS_OF_MAGNITUDE = 2

# --- other papers (Y25, T26, X24, Y26) ------------------------------------------------------

# --- report / store ---------------------------------------------------------------------------
