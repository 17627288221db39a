"""Certified inequalities over an interval: ball arithmetic (python-flint's ``arb``) and branch
and bound.

The tactic
----------
To certify ``g(x) >= 0`` for every ``x`` in a closed interval ``[lo, hi]``:

1. Evaluate ``g`` on a *ball* ``X`` that contains the whole piece (Arb's midpoint-radius
   arithmetic rounds every operation outwards, so the resulting ball ``G`` contains ``g(x)`` for
   every ``x`` in ``X``: an *enclosure*). If the lower end of ``G`` is ``>= 0`` the piece is
   certified.
2. Otherwise try a *Taylor form* (when ``g`` accepts Arb power series): with ``H = b - a`` and
   ``x = a + h``, ``h in [0, H]``, Taylor's theorem with the Lagrange remainder gives
   ``g(a + h) = sum_{j<n} c_j h^j + c_n(xi) h^n`` with ``c_j = g^(j)(a)/j!`` (at the exact point
   ``a``) and ``c_n(xi) in g^(n)(X)/n!`` (over the piece). Horner's scheme with ``h`` an interval
   ``[0, H]`` (``h * A`` is contained in the hull of ``0`` and ``H * A``) encloses the
   polynomial; the same from the right end with ``h in [-H, 0]``. This certifies pieces where
   ``g`` touches 0 at an endpoint (``g(a) = g'(a) = 0 < g''``), which plain interval arithmetic
   never can.
3. Otherwise evaluate ``g`` at the (exact) midpoint: if that ball lies entirely below 0 the
   inequality is *refuted*, with the midpoint as a certified counterexample. Else bisect (at
   the arithmetic or, for ranges over decades, the geometric midpoint) and repeat, up to
   ``max_depth`` bisections of one piece and ``max_pieces`` evaluations in all.

The outcome is a :class:`Certificate`: ``certified`` (every piece certified; the smallest
certified lower bound is reported too), ``refuted`` (an explicit point ``x`` with ``g(x) < 0``
proved by a ball evaluation at ``x``), or ``undecided`` (the pieces that could not be certified
at the maximal depth are listed: e.g. ``g`` touches 0 at an interior point that no bisection
hits, or the function needs more precision). Nothing is ever decided on a float: the interval
ends, the parameters and every intermediate value are Arb balls.

Functions are given either as SymPy expressions (compiled by :func:`arb_function`: exact
rationals, ``E`` and ``pi`` become Arb constants, a SymPy ``Float`` is refused because it is not
the decimal the user wrote) or as Python callables that use Arb methods (``x.exp()``,
``x.log()``, ``x.lambertw()``); :func:`evaluate` refuses a callable that returns a float.

Unbounded ranges are not handled here: a claim certifies a compact part with this module and
covers the tail by a symbolic or asymptotic argument of its own.

This module imports python-flint only (and SymPy lazily, for :func:`arb_function`).
"""

from __future__ import annotations

import contextlib
import heapq
import math
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Callable, Iterator

import flint
from flint import arb, arb_series, fmpq

from theorycheck.core import tolerances as tol

__all__ = ["Certificate", "MaxEnclosure", "arb_function", "bound_str", "certify_bounds", "certify_nonnegative", "enclose_max", "evaluate",
           "exact_str", "precision", "to_arb"]


# ---------------------------------------------------------------------------------------
# exact conversion and working precision
# ---------------------------------------------------------------------------------------


@contextlib.contextmanager
def precision(bits: int, cap: int | None = None) -> Iterator[None]:
    """Run the block with Arb's working precision set to ``bits`` (and the power-series length to
    ``cap``), restoring both afterwards."""
    if not isinstance(bits, int) or bits < 16:
        raise ValueError(f"bits: an integer working precision >= 16 is needed, got {bits!r}")
    old_prec, old_cap = flint.ctx.prec, flint.ctx.cap
    flint.ctx.prec = bits
    if cap is not None:
        flint.ctx.cap = cap
    try:
        yield
    finally:
        flint.ctx.prec, flint.ctx.cap = old_prec, old_cap


def to_arb(value: Any, name: str = "value") -> arb:
    """An Arb ball containing ``value`` exactly, at the current working precision.

    Accepted: ``arb`` (returned as is), ``int``, ``Fraction``, ``fmpq``, a decimal or rational
    string (``"1e-9"``, ``"7/3"``: parsed to a ball that contains the exact decimal), and SymPy
    numbers without free symbols (rationals exactly; ``E``, ``pi`` and expressions of them through
    :func:`arb_function`). A Python or SymPy float is refused (it is a binary approximation, not
    the number a reader wrote): pass a string or a rational instead.
    """
    if isinstance(value, arb):
        return value
    if isinstance(value, bool):
        raise ValueError(f"{name}: a number is needed, got a bool")
    if isinstance(value, int):
        return arb(value)
    if isinstance(value, Fraction):
        return arb(fmpq(value.numerator, value.denominator))
    if isinstance(value, fmpq):
        return arb(value)
    if isinstance(value, float):
        raise ValueError(f"{name}: a float ({value!r}) is not exact; pass a string such as {repr(str(value))}, "
                         "an int or a Fraction")
    if isinstance(value, str):
        s = value.strip()
        if "/" in s:
            p, _, q = s.partition("/")
            try:
                return arb(fmpq(int(p), int(q)))
            except ValueError:
                raise ValueError(f"{name}: cannot read {value!r} as a rational p/q") from None
        try:
            return arb(s)
        except ValueError:
            raise ValueError(f"{name}: cannot read {value!r} as a decimal number") from None
    mod = type(value).__module__ or ""
    if mod.startswith("sympy"):
        import sympy as sp

        e = sp.sympify(value)
        if e.free_symbols:
            raise ValueError(f"{name}: {e} has free symbols {sorted(map(str, e.free_symbols))}")
        return arb_function(e)()
    raise ValueError(f"{name}: cannot convert {type(value).__name__} {value!r} to an exact ball")


def exact_str(x: arb) -> str:
    """The exact value of an exact ball (a dyadic number) as ``"m*2^e"``, with a decimal beside
    it; for a non-exact ball its decimal form with the radius."""
    if x.is_exact():
        m, e = x.man_exp()
        return f"{int(m)}*2^{int(e)} (= {x.str(30, radius=False)})"
    return x.str(30)


def _point_str(x: arb) -> str:
    return x.str(20, radius=False) if x.is_exact() else x.str(20)


def _dyadic(x: arb) -> Fraction:
    m, e = x.man_exp()
    m, e = int(m), int(e)
    return Fraction(m * 2**e) if e >= 0 else Fraction(m, 2**-e)


def bound_str(x: arb, side: str, digits: int = 15) -> str:
    """A decimal string that is a rigorous ``side`` (``"lower"`` or ``"upper"``) bound of the ball
    ``x``: its lower (upper) end rounded down (up) to ``digits`` significant digits."""
    if side not in ("lower", "upper"):
        raise ValueError(f"side: must be 'lower' or 'upper', got {side!r}")
    if not x.is_finite():
        return "-inf" if side == "lower" else "inf"
    q = _dyadic(x.lower() if side == "lower" else x.upper())
    if q == 0:
        return "0"
    k = math.floor(math.log10(abs(q.numerator)) - math.log10(q.denominator)) - digits + 1
    scale = Fraction(10) ** k
    n = q / scale
    n = math.floor(n) if side == "lower" else math.ceil(n)
    return format(Decimal(n).scaleb(k), "g")


# ---------------------------------------------------------------------------------------
# evaluating functions on balls
# ---------------------------------------------------------------------------------------


def evaluate(fn: Callable[..., Any], *args: Any, prec: int = tol.CERTIFY_PREC_BITS) -> arb:
    """``fn(*args)`` on Arb balls at ``prec`` bits, with every argument converted exactly
    (:func:`to_arb`; floats refused). ``fn`` is a callable on ``arb`` (or a SymPy expression of
    one variable per argument, compiled by :func:`arb_function`). The result must be an ``arb``:
    a float result (the function went through ``math`` or ``float``) raises ``TypeError``, so a
    rounded value can never pass as an enclosure."""
    with precision(prec):
        xs = [to_arb(a, f"args[{i}]") for i, a in enumerate(args)]
        if _is_sympy(fn):
            fn = arb_function(fn)
        y = fn(*xs)
    if not isinstance(y, arb):
        raise TypeError(f"fn: returned {type(y).__name__}, not an arb ball (use Arb methods such as x.log(), "
                        "never math.* or float())")
    return y


def _is_sympy(obj) -> bool:
    return (type(obj).__module__ or "").startswith("sympy")


def _mono(x: arb, f: Callable[[arb], arb], increasing: bool = True) -> arb:
    """Enclosure of a monotone ``f`` over the ball ``x`` from its values at the two ends."""
    a, b = f(x.lower()), f(x.upper())
    return arb.union(a, b)


def _ipow(x, n: int):
    """``x**n`` for an integer ``n``: series by multiplication; balls from the ends of ``|x|``
    (Arb's ``pow`` of a ball that contains negative numbers is NaN)."""
    if isinstance(x, arb_series):
        if n >= 0:
            r = arb_series([arb(1)])
            for _ in range(n):
                r = r * x
            return r
        return 1 / _ipow(x, -n)
    if n == 0:
        return arb(1)
    if n < 0:
        return 1 / _ipow(x, -n)

    def p(v):
        r = arb(1)
        for _ in range(n):
            r = r * v
        return r

    if n % 2 == 0:
        return arb.union(p(x.abs_lower()), p(x.abs_upper()))
    return arb.union(p(x.lower()), p(x.upper()))


def arb_function(expr, *symbols) -> Callable[..., Any]:
    """Compile a SymPy expression into a function of Arb balls (or Arb power series).

    ``symbols`` fixes the argument order (by default the free symbols sorted by name). Supported:
    ``+ - * /``, integer and rational powers, ``exp``, ``log``, ``sqrt``, ``LambertW`` (principal
    branch), ``sin``, ``cos``, ``Abs`` (balls only), ``Min``, ``Max`` (balls only), and the
    constants ``E``, ``pi``; integers and rationals are converted exactly. A SymPy ``Float``
    raises ``ValueError`` (write it as a Rational), so no float enters the evaluation.
    """
    import sympy as sp

    expr = sp.sympify(expr)
    syms = list(symbols) if symbols else sorted(expr.free_symbols, key=lambda s: s.name)
    missing = expr.free_symbols - set(syms)
    if missing:
        raise ValueError(f"symbols: {sorted(map(str, missing))} are free in the expression but not arguments")
    _check_no_float(expr)

    def ev(e, env):
        if e in env:
            return env[e]
        if e.is_Integer:
            return arb(int(e))
        if e.is_Rational:
            return arb(fmpq(int(e.p), int(e.q)))
        if e is sp.E:
            return arb.const_e()
        if e is sp.pi:
            return arb.pi()
        if isinstance(e, sp.Add):
            r = ev(e.args[0], env)
            for a in e.args[1:]:
                r = r + ev(a, env)
            return r
        if isinstance(e, sp.Mul):
            r = ev(e.args[0], env)
            for a in e.args[1:]:
                r = r * ev(a, env)
            return r
        if isinstance(e, sp.Pow):
            base, ex = e.args
            b = ev(base, env)
            if ex.is_Integer:
                return _ipow(b, int(ex))
            if ex == sp.Rational(1, 2):
                return b.sqrt()
            if ex.is_Rational:
                return b ** arb(fmpq(int(ex.p), int(ex.q))) if isinstance(b, arb) else (ev(ex, env) * b.log()).exp()
            x = ev(ex, env)
            return (x * b.log()).exp()
        if isinstance(e, sp.exp):
            return ev(e.args[0], env).exp()
        if isinstance(e, sp.log):
            if len(e.args) != 1:
                return ev(e.args[0], env).log() / ev(e.args[1], env).log()
            return ev(e.args[0], env).log()
        if isinstance(e, sp.LambertW):
            if len(e.args) > 1 and e.args[1] != 0:
                raise ValueError(f"expr: only the principal branch of LambertW is supported, got {e}")
            return ev(e.args[0], env).lambertw()
        if isinstance(e, sp.sin):
            return ev(e.args[0], env).sin()
        if isinstance(e, sp.cos):
            return ev(e.args[0], env).cos()
        if isinstance(e, sp.Abs):
            v = ev(e.args[0], env)
            if isinstance(v, arb_series):
                raise TypeError("Abs has no power series")
            return arb.union(v.abs_lower(), v.abs_upper())
        if isinstance(e, (sp.Min, sp.Max)):
            vs = [ev(a, env) for a in e.args]
            if any(isinstance(v, arb_series) for v in vs):
                raise TypeError("Min/Max have no power series")
            r = vs[0]
            for v in vs[1:]:
                r = r.min(v) if isinstance(e, sp.Min) else r.max(v)
            return r
        raise ValueError(f"expr: cannot evaluate {type(e).__name__} ({e}) in ball arithmetic")

    def fn(*args):
        if len(args) != len(syms):
            raise ValueError(f"args: expected {len(syms)} ({', '.join(map(str, syms))}), got {len(args)}")
        env = {s: (a if isinstance(a, (arb, arb_series)) else to_arb(a, str(s))) for s, a in zip(syms, args)}
        return ev(expr, env)

    fn.__doc__ = f"Arb evaluation of {expr} in ({', '.join(map(str, syms))})"
    fn.expr = expr  # type: ignore[attr-defined]
    return fn


def _check_no_float(expr) -> None:
    import sympy as sp

    fl = [a for a in expr.atoms(sp.Float)]
    if fl:
        raise ValueError(f"expr: contains the float {fl[0]}; write it as a Rational (sympy.Rational('{fl[0]}'))")


# ---------------------------------------------------------------------------------------
# branch and bound
# ---------------------------------------------------------------------------------------


@dataclass
class Certificate:
    """Outcome of :func:`certify_nonnegative`.

    ``status``: ``"certified"`` (``g >= 0``, or ``> 0`` when ``strict``, on all of ``range``),
    ``"refuted"`` (``counterexample`` holds an exact point and the ball of ``g`` there, entirely
    below 0), or ``"undecided"`` (``undecided`` lists pieces that stayed uncertified at
    ``max_depth`` bisections or when the piece budget ran out). ``lower_bound``: the smallest
    certified lower bound of ``g`` over the certified pieces (a string of an Arb ball's lower
    end). ``pieces``: number of certified pieces; ``evaluations``: number of piece evaluations.
    """

    status: str
    range: tuple[str, str]
    statement: str
    prec_bits: int
    max_depth: int
    pieces: int = 0
    evaluations: int = 0
    depth_reached: int = 0
    lower_bound: str | None = None
    undecided: list[tuple[str, str]] = field(default_factory=list)
    undecided_count: int = 0
    counterexample: dict[str, str] | None = None

    @property
    def certified(self) -> bool:
        return self.status == "certified"

    @property
    def refuted(self) -> bool:
        return self.status == "refuted"

    def as_evidence(self) -> dict[str, Any]:
        d: dict[str, Any] = {"status": self.status, "statement": self.statement, "range": list(self.range),
                             "method": "branch and bound on Arb balls (python-flint), Taylor forms where available",
                             "prec_bits": self.prec_bits, "max_depth": self.max_depth, "certified_pieces": self.pieces,
                             "evaluations": self.evaluations, "depth_reached": self.depth_reached}
        if self.lower_bound is not None:
            d["certified_lower_bound"] = self.lower_bound
        if self.undecided_count:
            d["undecided_pieces"] = self.undecided_count
            d["undecided_examples"] = [list(p) for p in self.undecided]
        if self.counterexample is not None:
            d["counterexample"] = self.counterexample
        return d


def _as_callable(g, name: str) -> Callable[[Any], Any]:
    if _is_sympy(g):
        return arb_function(g)
    if not callable(g):
        raise ValueError(f"{name}: must be a SymPy expression in one variable or a callable on arb balls")
    return g


def _ball(a: arb, b: arb) -> arb:
    return arb.union(a, b)


def _split(a: arb, b: arb, geometric: bool) -> arb | None:
    """An exact point strictly inside ``(a, b)``: the arithmetic or geometric midpoint."""
    m = (a * b).sqrt() if geometric and a > 0 else (a + b) / 2
    m = m.mid()
    if not (m > a and m < b):
        return None
    return m


def _taylor_lower(g, a: arb, b: arb, X: arb, order: int) -> arb | None:
    """Lower bounds of ``g`` on ``[a, b]`` from Taylor forms at ``a`` and at ``b`` (None when ``g``
    does not accept power series). See the module docstring, step 2."""
    try:
        with precision(flint.ctx.prec, cap=order + 1):
            left = g(arb_series([a, 1])).coeffs()
            right = g(arb_series([b, 1])).coeffs()
            rem = g(arb_series([X, 1])).coeffs()
    except (TypeError, AttributeError, ValueError, ZeroDivisionError):
        return None
    n = order
    if len(rem) <= n:  # g is a polynomial of degree < n: its remainder vanishes
        rem = list(rem) + [arb(0)] * (n + 1 - len(rem))
    H = b - a
    best = None
    for coeffs, right in ((left, False), (right, True)):
        c = list(coeffs) + [arb(0)] * (n - len(coeffs))
        if not all(v.is_finite() for v in c[:n]) or not rem[n].is_finite():
            continue
        # Horner on intervals [L, U] with exact ends (a ball union would round the end 0 away)
        L, U = rem[n].lower(), rem[n].upper()
        for j in range(n - 1, -1, -1):
            hl, hu = (H * L).lower(), (H * U).upper()  # h*[L, U] for h in [0, H] is [min(0, H L), max(0, H U)]
            lo_, hi_ = _min0(hl), _max0(hu)
            if right:  # h in [-H, 0]: negate
                lo_, hi_ = _min0((-(H * U)).lower()), _max0((-(H * L)).upper())
            L, U = (c[j].lower() + lo_).lower(), (c[j].upper() + hi_).upper()
        best = L if best is None else best.max(L)
    return best


def _min0(v: arb) -> arb:
    return arb(0) if v > 0 else v


def _max0(v: arb) -> arb:
    return arb(0) if v < 0 else v


def _lower(g, a: arb, b: arb, order: int) -> tuple[arb, arb]:
    """(enclosure of g over [a, b], best certified lower bound of g there)."""
    X = _ball(a, b)
    G = g(X)
    if not isinstance(G, arb):
        raise TypeError(f"g: returned {type(G).__name__}, not an arb ball")
    lo = G.lower() if G.is_finite() else arb.neg_inf()
    if order > 0:
        t = _taylor_lower(g, a, b, X, order)
        if t is not None:
            lo = t if not G.is_finite() else lo.max(t)
    return G, lo


def certify_nonnegative(g, lo, hi, *, strict: bool = False, prec: int = tol.CERTIFY_PREC_BITS,
                        max_depth: int = tol.CERTIFY_MAX_DEPTH, max_pieces: int = tol.CERTIFY_MAX_PIECES,
                        order: int = tol.CERTIFY_TAYLOR_ORDER, geometric: bool = False,
                        statement: str | None = None) -> Certificate:
    """Certify ``g(x) >= 0`` (``> 0`` when ``strict``) for every ``x`` in ``[lo, hi]`` by branch
    and bound on Arb balls (module docstring: natural enclosure, Taylor forms of ``order``,
    counterexample at exact midpoints, bisection up to ``max_depth`` per piece and ``max_pieces``
    evaluations in all, at ``prec`` bits).

    ``g``: a SymPy expression in one variable or a callable on ``arb`` (and, for the Taylor
    forms, on ``arb_series``). ``lo``, ``hi``: exact numbers (:func:`to_arb`; floats refused).
    ``geometric=True`` bisects at the geometric midpoint (ranges over many decades, ``lo > 0``).
    """
    if max_depth < 0 or max_pieces < 1:
        raise ValueError(f"max_depth, max_pieces: need max_depth >= 0 and max_pieces >= 1, got {max_depth}, {max_pieces}")
    if order < 0:
        raise ValueError(f"order: the Taylor order must be >= 0, got {order}")
    fn = _as_callable(g, "g")
    desc = statement or (f"{getattr(fn, 'expr', getattr(g, '__name__', 'g'))} {'>' if strict else '>='} 0")
    with precision(prec):
        a0, b0 = to_arb(lo, "lo"), to_arb(hi, "hi")
        if not (a0.is_finite() and b0.is_finite()):
            raise ValueError("lo, hi: the interval must be bounded (cover an unbounded tail by an argument of your own)")
        if not (b0 >= a0):
            raise ValueError(f"lo, hi: need lo <= hi, got [{a0}, {b0}]")
        if geometric and not (a0 > 0):
            raise ValueError("geometric: bisection at the geometric midpoint needs lo > 0")
        cert = Certificate("certified", (_point_str(a0), _point_str(b0)), desc, prec, max_depth)

        def ok(lower: arb) -> bool:
            return bool(lower > 0) if strict else bool(lower >= 0)

        def bad(ball: arb) -> bool:
            return bool(ball <= 0) if strict else bool(ball < 0)

        # exact end points first: a violation there is the simplest counterexample
        for p in (a0, b0):
            if p.is_exact():
                v = fn(p)
                cert.evaluations += 1
                if isinstance(v, arb) and v.is_finite() and bad(v):
                    cert.status = "refuted"
                    cert.counterexample = {"x": exact_str(p), "g(x)": v.str(20)}
                    return cert
        heap: list[tuple[float, int, int, arb, arb]] = []
        counter = 0
        lowest: arb | None = None

        def push(a, b, depth):
            nonlocal counter, lowest
            G, lower = _lower(fn, a, b, order)
            cert.evaluations += 1
            cert.depth_reached = max(cert.depth_reached, depth)
            if ok(lower):
                cert.pieces += 1
                lowest = lower if lowest is None else lowest.min(lower)
                return
            key = float(lower.mid()) if lower.is_finite() else -math.inf
            counter += 1
            heapq.heappush(heap, (key, depth, counter, a, b))

        push(a0, b0, 0)
        while heap:
            _, depth, _, a, b = heapq.heappop(heap)
            m = _split(a, b, geometric)
            if m is not None:
                v = fn(m)
                cert.evaluations += 1
                if isinstance(v, arb) and v.is_finite() and bad(v):
                    cert.status = "refuted"
                    cert.counterexample = {"x": exact_str(m), "g(x)": v.str(20)}
                    return cert
            if m is None or depth >= max_depth or cert.evaluations >= max_pieces:
                cert.undecided_count += 1
                if len(cert.undecided) < tol.CERTIFY_REPORT_PIECES:
                    cert.undecided.append((_point_str(a), _point_str(b)))
                continue
            push(a, m, depth + 1)
            push(m, b, depth + 1)
        if cert.undecided_count:
            cert.status = "undecided"
        if lowest is not None:
            cert.lower_bound = bound_str(lowest, "lower")
        return cert


def certify_bounds(f, lo, hi, *, lower=None, upper=None, strict: bool = False, **kw) -> dict[str, Certificate]:
    """Certify ``lower <= f(x) <= upper`` on ``[lo, hi]``: :func:`certify_nonnegative` applied to
    ``f - lower`` and to ``upper - f``. ``lower`` / ``upper`` are numbers (:func:`to_arb`) or
    functions of ``x`` (SymPy expressions in the same variable, or callables on balls); either
    may be ``None``. Returns ``{"lower": Certificate, "upper": Certificate}`` for those given."""
    if lower is None and upper is None:
        raise ValueError("lower, upper: give at least one bound")
    fn = _as_callable(f, "f")
    out: dict[str, Certificate] = {}

    def side(bound, name):
        if _is_sympy(bound) and getattr(bound, "free_symbols", None):
            return _as_callable(bound, name)
        if callable(bound):
            return bound
        with precision(kw.get("prec", tol.CERTIFY_PREC_BITS)):
            to_arb(bound, name)  # validate now: a float is refused here, not deep inside
        return lambda x, _b=bound: to_arb(_b, name) if not isinstance(x, arb_series) else arb_series([to_arb(_b, name)])

    if lower is not None:
        lf = side(lower, "lower")
        out["lower"] = certify_nonnegative(lambda x: fn(x) - lf(x), lo, hi, strict=strict,
                                           statement=f"f(x) {'>' if strict else '>='} {lower}", **kw)
    if upper is not None:
        uf = side(upper, "upper")
        out["upper"] = certify_nonnegative(lambda x: uf(x) - fn(x), lo, hi, strict=strict,
                                           statement=f"f(x) {'<' if strict else '<='} {upper}", **kw)
    return out


@dataclass
class MaxEnclosure:
    """``sup_{[lo, hi]} f`` lies in ``[lower, upper]`` (certified); ``lower`` is attained at ``at``
    (an exact point: ``f(at)`` is a ball whose lower end is ``lower``)."""

    lower: arb
    upper: arb
    at: arb
    range: tuple[str, str]
    evaluations: int

    def as_evidence(self) -> dict[str, Any]:
        return {"sup_in": [bound_str(self.lower, "lower"), bound_str(self.upper, "upper")],
                "attained_near": exact_str(self.at), "range": list(self.range), "evaluations": self.evaluations,
                "method": "branch and bound on Arb balls: pieces whose upper enclosure is below the best point value "
                          "are discarded"}


def enclose_max(f, lo, hi, *, rel_tol: str = tol.CERTIFY_MAX_REL, prec: int = tol.CERTIFY_PREC_BITS,
                max_depth: int = tol.CERTIFY_MAX_DEPTH, max_pieces: int = tol.CERTIFY_MAX_PIECES,
                order: int = tol.CERTIFY_TAYLOR_ORDER, geometric: bool = False) -> MaxEnclosure:
    """A certified enclosure ``[L, U]`` of ``max_{x in [lo, hi]} f(x)``: ``L`` is a certified lower
    bound of ``f`` at an exact point (so ``max >= L``), ``U`` bounds ``f`` on every piece (so
    ``max <= U``). Pieces whose upper enclosure lies below ``L`` are discarded; the others are
    bisected until ``U - L <= rel_tol * |L|`` or the budget runs out (the enclosure is then wider,
    never wrong)."""
    fn = _as_callable(f, "f")
    neg = lambda x: -fn(x)  # noqa: E731
    with precision(prec):
        a0, b0 = to_arb(lo, "lo"), to_arb(hi, "hi")
        rt = to_arb(rel_tol, "rel_tol")
        best_at = ((a0 + b0) / 2).mid()
        best = fn(best_at).lower()
        evals = 1
        heap: list[tuple[float, int, int, arb, arb, arb]] = []
        cnt = 0

        def push(a, b, depth):
            nonlocal cnt, evals
            _, nlow = _lower(neg, a, b, order)
            evals += 1
            up = -nlow  # upper bound of f on [a, b]
            if up.is_finite() and up < best:
                return
            cnt += 1
            heapq.heappush(heap, (-float(up.mid()) if up.is_finite() else -math.inf, depth, cnt, a, b, up))

        push(a0, b0, 0)
        while heap:
            _, depth, _, a, b, up = heap[0]
            if up.is_finite() and (up - best) <= rt * abs(best):
                break
            heapq.heappop(heap)
            if up.is_finite() and up < best:
                continue
            m = _split(a, b, geometric)
            if m is None or depth >= max_depth or evals >= max_pieces:
                heapq.heappush(heap, (-float(up.mid()) if up.is_finite() else -math.inf, max_depth + 1, -1, a, b, up))
                break
            v = fn(m).lower()
            evals += 1
            if v > best:
                best, best_at = v, m
            push(a, m, depth + 1)
            push(m, b, depth + 1)
        U = best
        for h in heap:
            U = U.max(h[5]) if (U.is_finite() and h[5].is_finite()) else arb.pos_inf()
        return MaxEnclosure(best, U.upper() if U.is_finite() else U, best_at,
                            (_point_str(a0), _point_str(b0)), evals)
