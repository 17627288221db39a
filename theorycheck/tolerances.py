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

# --- other papers (Y25, T26, X24, Y26) ------------------------------------------------------

# --- report / store ---------------------------------------------------------------------------
