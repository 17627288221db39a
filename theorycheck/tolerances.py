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

# --- report / store ---------------------------------------------------------------------------
