"""K24 equations 1, 2, 4 and appendix H.1: gradient and Hessian blocks of the softmax
linear model, Proposition 2 (at initialisation and during training).

General proofs (every ``c >= 1``, ``d >= 1``, class and coordinate indices): :func:`general`
differentiates ``l = -z_y + log sum_{m=1}^c exp(z_m)``, ``z_m = sum_{a=1}^d W[m, a] x[a]``, with
SymPy's indexed sums (``IndexedBase``, ``Sum``; ``diff`` produces ``KroneckerDelta``), resolves
the only conditions SymPy leaves (``Piecewise`` on "index within its range", true by the
quantifiers) and compares printed formulas with the result by exact cancellation of rational
functions whose atoms are the indexed sums. Printed placeholders map to the indexed quantities
(``p_k -> exp(z_k)/S``, ``delta -> KroneckerDelta(k, y)``, ``pi_k``, ``xbar^k`` as sums over
samples with ``KroneckerDelta(k, Y[i])``).

Cross-check (instances): truth is also derived from :mod:`theorycheck.models.softmax_symbolic` (explicit scalar symbols,
``sp.diff``/``sp.hessian``) on the instances ``(c, d) = (3, 2)`` and ``(4, 3)``, with each
``exp(z_k)`` replaced by a positive symbol ``E_k`` so that identities are decided by
exact cancellation of rational functions. Printed statements (``printed()``) are SymPy
expressions in placeholder symbols:

* ``delta`` is ``1[y = k]``; ``p_k``, ``p_j`` the predicted probabilities;
* vector quantities enter linearly through scalar placeholders (``xbar_k``, ``xbar``),
  matrices through ``Hbar_k``/``Hbar``; the check substitutes their components.

The numeric part of ``K24.prop2.train`` uses :mod:`theorycheck.models.kernels` (numpy).
"""

from __future__ import annotations

from functools import lru_cache

from theorycheck.core.indexed import resolve_ranges
from theorycheck.core.papers import cite
from theorycheck.core.result import Result, Verdict

SOURCE = cite("K24")

INSTANCES = ((3, 2), (4, 3))
#: the full profile adds a five-class instance
INSTANCES_FULL = INSTANCES + ((5, 2),)


def _instances(profile):
    return INSTANCES_FULL if profile == "full" else INSTANCES


def _sym():
    import sympy as sp

    return sp, {
        "delta": sp.Symbol("delta", nonnegative=True),  # 1[y = k]
        "p_k": sp.Symbol("p_k", positive=True),
        "p_j": sp.Symbol("p_j", positive=True),
        "p": sp.Symbol("p", positive=True),
        "c": sp.Symbol("c", positive=True),
        "pi_k": sp.Symbol("pi_k", positive=True),
        "xbar_k": sp.Symbol("xbar_k"),
        "xbar": sp.Symbol("xbar"),
        "Hbar_k": sp.Symbol("Hbar_k"),
        "Hbar": sp.Symbol("Hbar"),
        "xnorm_k": sp.Symbol("xnorm_k", positive=True),  # ||xbar^k||
        "trH_k": sp.Symbol("trH_k", positive=True),  # Tr(Hbar^k)
    }


# ------------------------------------------------------------------------------------------
# shared symbolic machinery
# ------------------------------------------------------------------------------------------

def _coef_check(derived, coef, subs_for):
    """Compare derived block coefficients with the printed coefficient.

    ``derived`` maps a label ``(c, d, y, k[, j])`` to ``(model, scalar)``: the block is
    ``scalar * x`` (gradient) or ``scalar * x x^T`` (Hessian), as proved by
    :func:`theorycheck.models.softmax_symbolic.gradient_coefficients` / ``hessian_coefficients``.
    ``subs_for(label, model)`` substitutes the placeholders. Returns ``(status, evidence)``
    with status proved / refuted / undecided."""
    import sympy as sp

    from theorycheck.core.symcheck import prove_zero
    from theorycheck.models.softmax_symbolic import is_zero_rational

    checked = 0
    for label, (m, g) in derived.items():
        target = sp.sympify(coef).subs(subs_for(label, m))
        diff = g - target
        checked += 1
        z = is_zero_rational([diff])
        if z:
            continue
        pr = prove_zero(diff)
        if pr.proved:
            continue
        if pr.refuted:
            return "refuted", {"instance (c, d, y, k[, j])": str(label), "blocks_checked": checked,
                               "derived_coefficient": str(g), "printed_coefficient": str(target),
                               "counterexample": pr.counterexample}
        return "undecided", {"instance": str(label), "residual": pr.as_evidence()}
    return "proved", {"blocks_checked": checked,
                      "how": "derived coefficient - printed coefficient == 0 in the field QQ(E_1..E_c)"}


@lru_cache(maxsize=None)
def _grad_blocks(instances=INSTANCES):
    """Gradient coefficients g_k (grad_{w_k} l = g_k x, proved) for every label y."""
    from theorycheck.models.softmax_symbolic import gradient_coefficients, model

    out = {}
    for c, d in instances:
        m = model(c, d)
        for y in range(c):
            for k, g in enumerate(gradient_coefficients(c, d, y)):
                out[(c, d, y, k)] = (m, g)
    return out


@lru_cache(maxsize=None)
def _hess_blocks(instances=INSTANCES, diagonal_only=False):
    """Hessian coefficients h_kj (H_kj = h_kj x x^T, proved; independent of y, which
    enters the loss only through the linear term -z_y)."""
    from theorycheck.models.softmax_symbolic import hessian_coefficients, model

    out = {}
    for c, d in instances:
        m = model(c, d)
        H = hessian_coefficients(c, d)
        for k in range(c):
            for j in range(c):
                if diagonal_only and j != k:
                    continue
                out[(c, d, None, k, j)] = (m, H[k][j])
    return out


def _p_subs(S):
    def f(label, m):
        P = m.probs_E()
        y, k = label[2], label[3]
        sub = {S["p_k"]: P[k], S["c"]: label[0]}
        if y is not None:
            sub[S["delta"]] = 1 if y == k else 0
        if len(label) > 4:
            sub[S["p_j"]] = P[label[4]]
        return sub

    return f


def _coef_result(name, coef, blocks, S, outer, truth_coef, truth_text):
    """Verdict for one printed block formula; the truth formula is proved too."""
    status, ev = _coef_check(blocks, coef, _p_subs(S))
    insts = sorted({(lab[0], lab[1]) for lab in blocks})
    ev = {"claimed": f"({coef}) * " + ("x x^T" if outer else "x"), "instances (c, d)": insts, **ev}
    if status == "proved":
        return Result(Verdict.HOLDS, f"{name} = ({coef}) * {'x x^T' if outer else 'x'} (proved)", "symbolic", ev)
    if status == "undecided":
        return Result(Verdict.INCONCLUSIVE, f"SymPy could not decide {name}", "symbolic", ev)
    t_status, t_ev = _coef_check(blocks, truth_coef, _p_subs(S))
    ev["truth"] = {"formula": truth_text, "status": t_status, **t_ev}
    if t_status != "proved":
        return Result(Verdict.INCONCLUSIVE, f"printed {name} refuted but the candidate correction was not proved",
                      "symbolic", ev)
    return Result(Verdict.CORRECTED, f"{name} as printed is refuted; truth: {truth_text}", "symbolic", ev,
                  correction=truth_text)



# ------------------------------------------------------------------------------------------
# general proofs: symbolic c, d (indexed sums)
# ------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def general():
    """Per-sample gradient and Hessian entries of the softmax loss for symbolic ``c``, ``d``.

    ``l(W, x, y) = -z_y + log S``, ``S = sum_{m=1}^c exp(z_m)``, ``z_m = sum_{a=1}^d W[m, a] x[a]``.
    Returns a namespace with the symbols, ``G = dl/dW[k, b]``, ``H = d^2 l/(dW[k, b] dW[j, e])``
    (derived by ``sp.diff`` on the indexed sums), the placeholder forms ``grad_coef``
    (``G = grad_coef x_b``) and ``hess_coef`` (``H = hess_coef x_b x_e``, with ``KroneckerDelta(k, j)``),
    and ``steps``: what was done, including each range condition resolved."""
    import sympy as sp
    from types import SimpleNamespace

    c, d, n = sp.symbols("c d n", integer=True, positive=True)
    k, j, y, m, a, b, e, i = sp.symbols("k j y m a b e i", integer=True, positive=True)
    q = sp.Symbol("q", integer=True, nonzero=True)  # j = k + q: an index different from k
    W, x = sp.IndexedBase("W"), sp.IndexedBase("x")
    X, Y = sp.IndexedBase("X"), sp.IndexedBase("Y")  # sample i: input X[i, .], label Y[i]
    ranges = {k: c, j: c, y: c, b: d, e: d}
    resolved: list[str] = []

    def z(mm):
        return sp.Sum(W[mm, a] * x[a], (a, 1, d))

    S = sp.Sum(sp.exp(z(m)), (m, 1, c))
    loss = -z(y) + sp.log(S)

    def resolve(expr):
        expr, conds = resolve_ranges(expr, ranges)
        resolved.extend(conds)
        return expr

    G = resolve(sp.diff(loss, W[k, b]).doit())
    H = resolve(sp.diff(G, W[j, e]).doit())
    if G.has(sp.Piecewise) or H.has(sp.Piecewise):  # pragma: no cover - a condition we could not read
        raise ValueError("general: SymPy left a condition that is not an index range")
    pk, pj, dl = sp.Symbol("p_k", positive=True), sp.Symbol("p_j", positive=True), sp.Symbol("delta", nonnegative=True)

    def to_placeholders(expr):
        e_ = sp.expand(expr, power_exp=False)  # power_exp would turn exp(Sum) into a Product
        return sp.expand(e_.subs({sp.exp(z(k)): pk * S, sp.exp(z(j)): pj * S}).subs(sp.KroneckerDelta(k, y), dl),
                         power_exp=False)

    grad_coef = to_placeholders(G / x[b])
    hess_coef = to_placeholders(H / (x[b] * x[e]))
    if grad_coef.has(sp.Sum) or hess_coef.has(sp.Sum):  # pragma: no cover - the substitution must be complete
        raise ValueError(f"general: could not write the blocks in p_k, p_j: {grad_coef}, {hess_coef}")
    ns = SimpleNamespace(c=c, d=d, n=n, k=k, j=j, y=y, m=m, a=a, b=b, e=e, i=i, q=q, W=W, x=x, X=X, Y=Y, z=z, S=S,
                         loss=loss, G=G, H=H, grad_coef=grad_coef, hess_coef=hess_coef, p_k=pk, p_j=pj, delta=dl,
                         resolve=resolve)
    ns.steps = {"loss": "l = -z_y + log S, S = Sum(exp(z_m), (m, 1, c)), z_m = Sum(W[m, a] x[a], (a, 1, d)); "
                        "c, d symbolic positive integers",
                "derivatives": "sp.diff on the indexed sums (KroneckerDelta from dW[m, a]/dW[k, b]), then doit()",
                "range_conditions_resolved": sorted(set(resolved)),
                "why_resolved": "each says an index lies in its range (1 <= k, j, y <= c, 1 <= b, e <= d): true by "
                                "the statement's quantifiers",
                "gradient_entry": f"dl/dW[k, b] = ({grad_coef}) x[b]   (p_k = exp(z_k)/S, delta = KroneckerDelta(k, y))",
                "hessian_entry": f"d2l/dW[k, b]dW[j, e] = ({hess_coef}) x[b] x[e]"}
    return ns


def linear_sums(expr):
    """Split every ``Sum`` of a sum into a sum of ``Sum``s and pull the factors that do not depend
    on the summation index out of each (linearity of finite sums)."""
    import sympy as sp

    def split(s_):
        var = s_.variables[0]
        out = []
        for t in sp.Add.make_args(sp.expand(s_.function)):
            facs = sp.Mul.make_args(t)
            indep = [f for f in facs if var not in f.free_symbols]
            dep = [f for f in facs if var in f.free_symbols]
            out.append(sp.Mul(*indep) * (sp.Sum(sp.Mul(*dep), *s_.limits) if dep else
                                         sp.Sum(1, *s_.limits).doit()))
        return sp.Add(*out)

    return expr.replace(lambda s_: isinstance(s_, sp.Sum), split)


def cheap_zero(expr) -> str | None:
    """Decide ``expr == 0`` by exact rewriting only (expand, cancel, together): the name of the step
    that reached 0, else ``None`` (not a refutation). The atoms are the indexed sums, so this is
    cancellation of rational functions of them."""
    import sympy as sp

    for name, f in (("expand", sp.expand), ("cancel", sp.cancel), ("together+expand", lambda v: sp.expand(sp.together(v)))):
        try:
            if f(expr) == 0:
                return name
        except Exception:  # pragma: no cover - a rewrite that crashes decides nothing
            continue
    return None


def relation_note(printed, truth) -> str:
    """How a printed formula relates to the true one, computed: the negative, a constant multiple,
    or neither (then empty)."""
    import sympy as sp

    printed, truth = sp.sympify(printed), sp.sympify(truth)
    if truth == 0:
        return ""
    if sp.expand(printed + truth) == 0:
        return "the printed expression is the NEGATIVE of the true one (a sign slip)"
    r = sp.cancel(printed / truth)
    if r.is_number and r != 1:
        return f"the printed expression is {r} times the true one"
    return ""


def paper_text(expr) -> str:
    """A placeholder expression in the paper's notation (``p(x)_k``, ``1[y = k]``)."""
    return (str(expr).replace("delta", "1[y = k]").replace("p_k", "p(x)_k").replace("p_j", "p(x)_j"))


def _to_general(expr, gen, j_value=None):
    """A printed placeholder coefficient in the indexed quantities of :func:`general`."""
    import sympy as sp

    _, S = _sym()
    jj = gen.j if j_value is None else j_value
    return sp.sympify(expr).subs({S["c"]: gen.c, S["delta"]: sp.KroneckerDelta(gen.k, gen.y),
                                  S["p_k"]: sp.exp(gen.z(gen.k)) / gen.S, S["p_j"]: sp.exp(gen.z(jj)) / gen.S})


def general_block(coef, kind: str):
    """Does ``coef`` times ``x`` (``kind="grad"``) or ``x x^T`` (``"hess_kk"``, ``"hess_kj"`` for
    ``j != k``) equal the derived block entry for symbolic ``c``, ``d``? Returns
    ``(how or None, truth coefficient in placeholders)``; ``None`` is not a refutation."""
    import sympy as sp

    gen = general()
    if kind == "grad":
        derived, outer, truth = gen.G, gen.x[gen.b], gen.grad_coef
        printed = _to_general(coef, gen) * outer
    elif kind == "hess_kk":
        derived = gen.H.subs(gen.j, gen.k)
        outer = gen.x[gen.b] * gen.x[gen.e]
        truth = sp.expand(gen.hess_coef.subs(gen.p_j, gen.p_k).subs(gen.j, gen.k))
        printed = _to_general(coef, gen, gen.k) * outer
    elif kind == "hess_kj":
        jq = gen.k + gen.q  # KroneckerDelta(k, k + q) = 0 for q != 0: the off-diagonal blocks
        derived = gen.H.subs(gen.j, jq)
        outer = gen.x[gen.b] * gen.x[gen.e]
        truth = sp.expand(gen.hess_coef.subs(gen.j, jq))
        printed = _to_general(coef, gen, jq) * outer
    else:  # pragma: no cover
        raise ValueError(f"kind: must be grad, hess_kk or hess_kj, got {kind!r}")
    return cheap_zero(derived - printed), truth


def general_block_result(name: str, coef, kind: str, inst_blocks, S, outer_text: str):
    """Parts for one printed block formula: the general proof (symbolic ``c``, ``d``) and the
    instance cross-check (the general truth re-derived at the instances).

    * printed = derived for symbolic ``c, d``: ``holds``, strength ``proved``;
    * otherwise, the true coefficient is proved in general and the printed one refuted by an exact
      counterexample at an instance: ``corrected`` (strength ``proved``: a counterexample refutes
      the general statement), with the correction built from the derived coefficient;
    * printed refuted nowhere but not proved: ``inconclusive``, strength ``exact-instances``."""
    gen = general()
    how, truth = general_block(coef, kind)
    ev = {"claimed": f"({coef}) * {outer_text}", "derivation": gen.steps, "for": "all c >= 1, d >= 1, indices in range"}
    inst_status, inst_ev = _coef_check(inst_blocks, truth, _p_subs(S))
    insts = sorted({(lab[0], lab[1]) for lab in inst_blocks})
    cross = (Result(Verdict.HOLDS, f"general {name} coefficient {truth} re-derived at (c, d) in {insts}", "symbolic",
                    {"cross_check_of": name, "instances (c, d)": insts, **inst_ev})
             if inst_status == "proved" else
             Result(Verdict.INCONCLUSIVE, f"the instance derivation disagrees with the general {name} coefficient",
                    "symbolic", {"cross_check_of": name, "instances (c, d)": insts, **inst_ev}))
    if how is not None:
        ev["proof"] = f"derived - printed: {how} gives 0 exactly"
        return Result(Verdict.HOLDS, f"{name} = ({coef}) * {outer_text} for every c, d (proved)", "symbolic", ev,
                      strength="proved"), cross
    t_how, _ = general_block(truth, kind)
    p_status, p_ev = _coef_check(inst_blocks, coef, _p_subs(S))
    ev["truth_proof"] = f"derived - ({truth}) * {outer_text}: {t_how} gives 0" if t_how else "not proved"
    if t_how and p_status == "refuted":
        note = relation_note(coef, truth)
        ev["counterexample"] = {k: v for k, v in p_ev.items()}
        corr = f"{name} = ({paper_text(truth)}) {outer_text}" + (f"; {note}" if note else "")
        return Result(Verdict.CORRECTED, f"{name} as printed is refuted (exact counterexample); truth, proved for every "
                      f"c, d: ({truth}) * {outer_text}", "symbolic", ev, correction=corr, strength="proved"), cross
    if p_status == "proved":
        ev["instances (c, d)"] = insts
        return Result(Verdict.INCONCLUSIVE, f"{name} as printed holds at (c, d) in {insts} but was not proved for "
                      "symbolic c, d", "symbolic", ev, strength="exact-instances"), cross
    ev["instance_check"] = p_ev
    return Result(Verdict.INCONCLUSIVE, f"SymPy could not decide {name}", "symbolic", ev), cross
