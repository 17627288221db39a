"""The softmax linear model in SymPy, built from explicit scalar symbols (SymPy only).

For ``c`` classes and ``d`` inputs (small and explicit, e.g. ``c = 3, d = 2``) the
parameters are the scalar symbols ``w_k_j`` in a ``c x d`` :class:`sympy.Matrix` ``W``
(row ``k`` is ``w_k``), the input is the column of real symbols ``x_1..x_d``, and

    z = W x,      p_k = exp(z_k) / sum_j exp(z_j),      l(W, x, y) = -log p_y
                                                         = -z_y + log sum_j exp(z_j).

Derivatives are taken with ``sp.diff`` / ``sp.hessian`` on the scalar entries of ``W``
(never on ``MatrixSymbol`` expressions, which silently return wrong results; see
NUMERICS.md). Helpers return

* the gradient blocks ``grad_{w_k} l`` (``d x 1`` each),
* the Hessian blocks ``H_kj = d^2 l / (dw_k dw_j^T)`` (``d x d`` each; ``H_kk`` diagonal,
  ``H_kj`` off-diagonal),

and the probabilities ``p_k`` as expressions of ``W`` and ``x``. To decide identities
quickly, :func:`exp_to_symbols` replaces each ``exp(z_k)`` by a positive symbol ``E_k``:
the derived expressions are then rational functions of ``E`` and ``x`` and SymPy can
cancel them exactly. The replacement is checked to be complete (no ``exp`` is left).
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

from theorycheck.core.validation import check_int


@dataclass(frozen=True)
class SoftmaxModel:
    """The symbolic softmax linear model for ``c`` classes and ``d`` inputs.

    Attributes: ``c``, ``d``; ``W`` (``c x d`` Matrix of Symbols ``w_k_j``); ``x`` (``d x 1``
    Matrix of real Symbols); ``z = W x``; ``E`` (positive Symbols standing for
    ``exp(z_k)``); ``params`` (the entries of ``W`` row by row, the order of the Hessian).
    """

    c: int
    d: int
    W: sp.Matrix
    x: sp.Matrix
    z: sp.Matrix
    E: tuple
    params: tuple

    def probs(self) -> list[sp.Expr]:
        """``p_k = exp(z_k) / sum_j exp(z_j)`` as expressions of ``W`` and ``x``."""
        ez = [sp.exp(zk) for zk in self.z]
        s = sp.Add(*ez)
        return [e / s for e in ez]

    def probs_E(self) -> list[sp.Expr]:
        """``p_k = E_k / sum_j E_j`` in the exponential symbols."""
        s = sp.Add(*self.E)
        return [e / s for e in self.E]

    def loss(self, y: int) -> sp.Expr:
        """Per-sample loss ``l(W, x, y) = -log softmax(W x)_y = -z_y + log sum_j exp(z_j)``."""
        _check_label(y, self.c)
        return -self.z[y] + sp.log(sp.Add(*[sp.exp(zk) for zk in self.z]))


def _check_label(y, c):
    return check_int(y, "y", 0, c - 1)


def _check_size(v, name, lo, hi):
    return check_int(v, name, lo, hi)


#: Sizes of the explicit symbolic model.
C_RANGE, D_RANGE = (2, 8), (1, 6)


def _cached(fn):
    """Cache ``fn(c, d[, y])`` after checking its arguments (``c`` in ``C_RANGE``, ``d`` in
    ``D_RANGE``, ``y`` in ``[0, c-1]``), so that a bad argument is a ValueError naming it, not a
    TypeError of the cache (unhashable) or a silently cached nonsense model."""
    inner = lru_cache(maxsize=None)(fn)
    sig = inspect.signature(fn)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            b = sig.bind(*args, **kwargs)
        except TypeError as e:
            raise ValueError(f"c: {fn.__name__}{sig}: {e}") from None
        a = b.arguments
        c = _check_size(a["c"], "c", *C_RANGE)
        d = _check_size(a["d"], "d", *D_RANGE)
        if "y" in a:
            return inner(c, d, _check_label(a["y"], c))
        return inner(c, d)

    wrapper.cache_info, wrapper.cache_clear = inner.cache_info, inner.cache_clear
    return wrapper


@_cached
def model(c: int, d: int) -> SoftmaxModel:
    """The symbolic model with ``c`` classes (2..8) and ``d`` inputs (1..6)."""
    W = sp.Matrix(c, d, lambda k, j: sp.Symbol(f"w_{k + 1}_{j + 1}", real=True))
    x = sp.Matrix(d, 1, lambda j, _: sp.Symbol(f"x_{j + 1}", real=True))
    z = W * x
    E = tuple(sp.Symbol(f"E_{k + 1}", positive=True) for k in range(c))
    params = tuple(W[k, j] for k in range(c) for j in range(d))
    return SoftmaxModel(c, d, W, x, z, E, params)


@_cached
def gradient_blocks(c: int, d: int, y: int) -> tuple:
    """``grad_{w_k} l(W, x, y)`` for ``k = 0..c-1``, each a ``d x 1`` Matrix, by ``sp.diff``."""
    m = model(c, d)
    loss = m.loss(y)
    return tuple(sp.Matrix([sp.diff(loss, m.W[k, j]) for j in range(d)]) for k in range(c))


@_cached
def hessian_blocks(c: int, d: int, y: int) -> tuple:
    """Hessian blocks ``H_kj = d^2 l / (dw_k dw_j^T)`` as a ``c x c`` tuple of ``d x d`` Matrices,
    cut out of ``sp.hessian(l, params)`` (params ordered row by row)."""
    m = model(c, d)
    H = sp.hessian(m.loss(y), m.params)
    return tuple(tuple(H[k * d:(k + 1) * d, j * d:(j + 1) * d] for j in range(c)) for k in range(c))


def exp_to_symbols(expr, m: SoftmaxModel):
    """Replace every ``exp(sum_k n_k z_k)`` (integer ``n_k``; SymPy merges ``exp(z)^2`` into
    ``exp(2 z)``) by ``prod_k E_k^{n_k}`` in ``expr`` (a scalar or Matrix).

    Each exponent is decomposed by reading the coefficient of ``w_k_1 x_1`` and checked to
    be exactly ``sum_k n_k z_k``; an ``exp`` that does not decompose raises ``ValueError``
    (relying on a partial replacement would be unsound)."""
    if not isinstance(m, SoftmaxModel):
        raise ValueError(f"m: must be a SoftmaxModel (softmax_symbolic.model(c, d)), got {type(m).__name__}")
    if not isinstance(expr, (sp.Basic, sp.MatrixBase)):
        raise ValueError(f"expr: must be a SymPy expression or Matrix, got {type(expr).__name__}")
    scalars = list(expr) if isinstance(expr, sp.MatrixBase) else [expr]
    atoms = set().union(*[e.atoms(sp.exp) for e in scalars]) if scalars else set()
    rep = {}
    for a in atoms:
        arg = sp.expand(a.args[0])
        ns = [arg.coeff(m.W[k, 0]).coeff(m.x[0]) for k in range(m.c)]
        if not all(n.is_Integer for n in ns) or sp.expand(arg - sum(n * zk for n, zk in zip(ns, m.z))) != 0:
            raise ValueError(f"expr: exp({a.args[0]}) is not exp of an integer combination of the logits")
        rep[a] = sp.Mul(*[Ek ** n for Ek, n in zip(m.E, ns)])
    if isinstance(expr, sp.MatrixBase):
        return expr.applyfunc(lambda e: e.xreplace(rep))
    return expr.xreplace(rep)


@_cached
def gradient_blocks_E(c: int, d: int, y: int) -> tuple:
    """:func:`gradient_blocks` with ``exp(z_k) -> E_k``."""
    m = model(c, d)
    return tuple(exp_to_symbols(g, m) for g in gradient_blocks(c, d, y))


@_cached
def hessian_blocks_E(c: int, d: int, y: int) -> tuple:
    """:func:`hessian_blocks` with ``exp(z_k) -> E_k``."""
    m = model(c, d)
    return tuple(tuple(exp_to_symbols(B, m) for B in row) for row in hessian_blocks(c, d, y))


@_cached
def gradient_coefficients(c: int, d: int, y: int) -> tuple:
    """Scalars ``g_k`` (rational in ``E``) with ``grad_{w_k} l = g_k x``, each proved.

    ``g_k`` is read off the first entry (``cancel(G_k[0] / x_1)``) and the whole block is
    then checked to cancel against ``g_k x``; a block that is not of this form raises
    ``ValueError``. Callers compare printed coefficients with these scalars."""
    m = model(c, d)
    K = _field(tuple(m.E) + tuple(m.x))
    X = [K.from_expr(xa) for xa in m.x]
    out = []
    for k, G in enumerate(gradient_blocks_E(c, d, y)):
        B = [K.from_expr(e) for e in G]
        g = B[0] / X[0]
        if not all(B[a] == g * X[a] for a in range(d)):
            raise ValueError(f"gradient block {k} is not a multiple of x")
        out.append(g.as_expr())
    return tuple(out)


@_cached
def hessian_coefficients(c: int, d: int) -> tuple:
    """Scalars ``h_kj`` (rational in ``E``) with ``H_kj = h_kj x x^T``, each proved.

    The Hessian does not depend on ``y``: ``l = -z_y + log sum_j exp(z_j)`` and the
    Hessian of the linear term ``-z_y`` is checked to be exactly 0 for every ``y``; the
    blocks are derived for ``y = 0``."""
    m = model(c, d)
    for y in range(c):
        if any(e != 0 for e in sp.hessian(-m.z[y], m.params)):
            raise ValueError("hessian of -z_y is not 0")  # pragma: no cover - cannot happen
    H = hessian_blocks_E(c, d, 0)
    K = _field(tuple(m.E) + tuple(m.x))
    X = [K.from_expr(xa) for xa in m.x]
    out = []
    for k in range(c):
        row = []
        for j in range(c):
            B = [[K.from_expr(H[k][j][a, b]) for b in range(d)] for a in range(d)]
            h = B[0][0] / X[0] ** 2
            if not all(B[a][b] == h * X[a] * X[b] for a in range(d) for b in range(d)):
                raise ValueError(f"Hessian block ({k}, {j}) is not a multiple of x x^T")
            row.append(h.as_expr())
        out.append(tuple(row))
    return tuple(out)


@lru_cache(maxsize=64)
def _field(gens: tuple):
    from sympy.polys.fields import field

    return field(list(gens), sp.QQ)[0]


def _sympy_entries(exprs, name: str) -> list:
    """A non-empty list of SymPy expressions (numbers sympified), none of them NaN or infinite."""
    if isinstance(exprs, (str, bytes)) or not hasattr(exprs, "__iter__"):
        raise ValueError(f"{name}: must be a non-empty sequence of SymPy expressions, got {exprs!r}")
    out = []
    for e in exprs:
        if isinstance(e, (str, bytes)):
            raise ValueError(f"{name}: entries must be SymPy expressions or numbers, got the string {e!r}")
        try:
            e = sp.sympify(e, strict=True)
        except (sp.SympifyError, TypeError):
            raise ValueError(f"{name}: entries must be SymPy expressions or numbers, got {e!r}") from None
        if not isinstance(e, sp.Expr) or e.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            raise ValueError(f"{name}: entries must be finite SymPy expressions, got {e}")
        out.append(e)
    if not out:
        raise ValueError(f"{name}: needs at least one expression")
    return out


def is_zero_rational(exprs) -> bool | None:
    """Decide ``e == 0`` exactly for rational functions with rational coefficients.

    All expressions are mapped into the field ``QQ(symbols)`` (sparse polynomial
    arithmetic, fractions in lowest terms): equality there *is* identity of rational
    functions. Returns ``True``/``False`` for every entry being zero / some entry not zero,
    or ``None`` if an expression is not a rational function (e.g. contains ``sqrt``)."""
    exprs = _sympy_entries(exprs, "exprs")
    gens = tuple(sorted(set().union(*[e.free_symbols for e in exprs]), key=lambda s: s.name))
    if not gens:
        return all(sp.nsimplify(e) == 0 for e in exprs)
    K = _field(gens)
    try:
        return all(K.from_expr(e) == 0 for e in exprs)
    except Exception:  # not a rational function of the symbols
        return None


def matrix_is_zero(M) -> tuple[bool, str]:
    """Whether every entry of ``M`` is exactly 0 as a rational function.

    Uses :func:`is_zero_rational` (exact arithmetic in ``QQ(E, x, ...)``); for entries that
    are not rational functions, falls back to: numerator of ``sp.together`` expands to 0.
    Returns ``(True, how)`` for a proof, ``(False, first_nonzero_entry)`` otherwise; a
    ``False`` is *not* a refutation (use :func:`theorycheck.core.symcheck.prove_zero`)."""
    if not isinstance(M, (sp.Basic, sp.MatrixBase)):
        raise ValueError(f"M: must be a SymPy Matrix or expression, got {type(M).__name__}")
    entries = _sympy_entries(list(M) if isinstance(M, sp.MatrixBase) else [M], "M")
    z = is_zero_rational(entries)
    if z is True:
        return True, "every entry is 0 in the field of rational functions QQ(symbols)"
    if z is False:
        bad = next(e for e in entries if not is_zero_rational([e]))
        return False, str(bad)[:200]
    for e in entries:
        num, _ = sp.fraction(sp.together(e))
        if sp.expand(num) != 0:
            return False, str(e)[:200]
    return True, "numerator of together(entry) expands to 0 for every entry"
