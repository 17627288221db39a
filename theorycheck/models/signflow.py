"""Sign flow ``w' = -sign(grad f(w))`` integrated exactly, event by event.

The right-hand side is discontinuous, so it is never handed to an adaptive integrator as
is (NUMERICS.md). Instead the path is built segment by segment (Filippov solutions):

* **free motion**: every coordinate with ``g_i = grad_i f(w) != 0`` moves at velocity
  ``v_i = -sign(g_i)``. With no sliding coordinate the path is *linear*,
  ``w(t) = w0 + v (t - t0)``; ``solve_ivp`` integrates the constant field (exactly) only to
  locate the next **event**: the first time a moving coordinate's gradient reaches 0
  (one event function ``min_i sign(g_i(w0)) g_i(w)``, direction -1, with ``max_step``
  bounding the chance of two crossings inside one step).
* **at an event** the set ``S`` of coordinates with ``g_i = 0`` is examined with the
  equivalent control: keeping ``g_S = 0`` needs ``v_S = -H_SS^{-1} H_SF v_F``
  (``H`` the Hessian). Coordinates with ``|v_i| <= 1`` **slide** (stay on ``g_i = 0``);
  one with ``|v_i| > 1`` cannot be held and leaves with ``v_i = sign(v_i)`` (active-set
  loop, largest first). A coordinate whose gradient merely crosses 0 is thus released with
  its new sign.
* **sliding motion**: ``w' = v(w)`` with ``v_S`` as above (a smooth ODE, integrated by
  ``solve_ivp`` at explicit tolerances, with a drift correction ``-H_SS^{-1} g_S``), until
  a moving coordinate's gradient reaches 0 or a sliding coordinate's ``|v_i|`` reaches 1.
* when every coordinate slides with ``v = 0`` the point is stationary (a minimiser for
  convex ``f``) and the path stays there.

:func:`sign_descent` is the discrete method ``w <- w - h sign(grad f(w))`` used to cross-check
the flow at small steps (they differ by ``O(h)``, chattering around sliding surfaces).

:func:`sign_flow_simple_setting` applies this to the full ``c x c`` matrix of K24's simple
imbalanced setting. numpy / scipy only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from scipy.integrate import solve_ivp

from theorycheck.core import tolerances as tol
from theorycheck.core.validation import (
    check_array,
    check_callable,
    check_int,
    check_memory,
    check_nonnegative,
    check_probability_vector,
    check_real,
    check_returned,
    check_step,
    check_time,
    check_tolerances,
)

#: Largest number of integrator steps ``t_end / max_step`` that :func:`integrate_sign_flow` accepts.
MAX_STEPS = 1e8

__all__ = ["Segment", "SignFlowPath", "integrate_sign_flow", "sign_descent", "sign_flow_simple_setting"]


@dataclass
class Segment:
    """One piece of the path on ``[t0, t1]``: linear (``dense is None``: ``w0 + v (t - t0)``)
    or sliding (``dense`` is the ``solve_ivp`` dense output); ``sliding`` lists the
    coordinates held on ``g_i = 0``."""

    t0: float
    t1: float
    w0: np.ndarray
    velocity: np.ndarray
    sliding: tuple[int, ...] = ()
    dense: Callable | None = None

    @property
    def linear(self) -> bool:
        return self.dense is None

    def at(self, t: float) -> np.ndarray:
        """The state at time ``t`` (finite; outside ``[t0, t1]`` the piece is extrapolated)."""
        t = check_real(t, "t", scalar=True)
        if self.dense is None:
            return self.w0 + self.velocity * (t - self.t0)
        return self.dense(t)


@dataclass
class SignFlowPath:
    """The integrated path: its segments and the events between them (time, coordinate,
    kind ``"cross"`` (the sign of ``g_i`` flips), ``"slide"`` (enters ``g_i = 0``),
    ``"leave"`` (leaves a sliding surface), ``"stationary"``)."""

    segments: list[Segment]
    events: list[dict] = field(default_factory=list)

    def __call__(self, t) -> np.ndarray:
        """State at the times ``t`` (array ``(len(t), n)``; ``t`` finite and ``>= 0``)."""
        t = np.atleast_1d(check_time(t, "t"))
        if t.ndim != 1:
            raise ValueError(f"t: must be a scalar or a 1-D array of times, got shape {t.shape}")
        out = np.empty((t.size, self.segments[0].w0.size))
        starts = np.array([s.t0 for s in self.segments])
        for i, ti in enumerate(t):
            j = int(np.searchsorted(starts, ti, side="right") - 1)
            j = min(max(j, 0), len(self.segments) - 1)
            out[i] = self.segments[j].at(ti)
        return out

    @property
    def n_linear(self) -> int:
        return sum(s.linear for s in self.segments)


def _sub(H, rows, cols) -> np.ndarray:
    """Dense ``H[rows][:, cols]`` for a dense array or a scipy sparse matrix."""
    if hasattr(H, "tocsr"):
        return np.asarray(H.tocsr()[rows][:, cols].todense())
    return np.asarray(H)[np.ix_(rows, cols)]


def _solve(A, b) -> np.ndarray:
    """``A^{-1} b`` for the equivalent control; a singular ``H_SS`` is a property of the problem
    (the sliding set has no unique equivalent control), reported as a ValueError on ``hess``."""
    try:
        x = np.linalg.solve(A, b)
    except np.linalg.LinAlgError:
        raise ValueError("hess: the Hessian block H_SS of the coordinates held at grad = 0 is singular; the sign flow "
                         "has no unique equivalent control there (rescale the problem so that gradients are O(1), or "
                         "raise zero_tol's resolution)") from None
    if not np.isfinite(x).all():
        raise ValueError("hess: the equivalent control is not finite (H_SS is numerically singular)")
    return x


def _checked(fn, name: str, n: int, matrix: bool = False) -> Callable:
    """Wrap the user callable ``fn`` so that every output is checked: finite, shape ``(n,)``
    (or ``(n, n)``, dense or scipy sparse, for a Hessian)."""

    def wrapped(w):
        out = fn(w)
        if matrix and hasattr(out, "tocsr"):
            data = out.tocsr().data
            check_returned(data, name)
            if out.shape != (n, n):
                raise ValueError(f"{name}: must return an ({n}, {n}) matrix, got shape {out.shape}")
            return out
        a = check_returned(out, name)
        want = (n, n) if matrix else (n,)
        if a.shape != want:
            a = a.reshape(-1) if not matrix and a.size == n else a
            if a.shape != want:
                raise ValueError(f"{name}: must return shape {want}, got {np.shape(out)}")
        return a

    return wrapped


def _mode(g, H_fn, w, zero_tol):
    """Velocity and sliding set at ``w`` (equivalent-control active set)."""
    n = g.size
    v = -np.sign(g)
    S = [int(i) for i in np.flatnonzero(np.abs(g) <= zero_tol)]
    released = []
    if not S:
        return v, (), released
    H = H_fn(w)
    while S:
        F = [i for i in range(n) if i not in S]
        HSS = _sub(H, S, S)
        rhs = _sub(H, S, F) @ v[F] if F else np.zeros(len(S))
        vS = -_solve(HSS, rhs)
        over = np.abs(vS) > 1.0 + tol.SIGNFLOW_VEQ_SLACK
        if not over.any():
            v[S] = vS
            return v, tuple(S), released
        k = int(np.argmax(np.abs(vS)))
        i = S.pop(k)
        v[i] = np.sign(vS[k])
        released.append(i)
    return v, (), released


def integrate_sign_flow(grad: Callable, hess: Callable, w0, t_end: float, *, zero_tol: float = tol.SIGNFLOW_ZERO_TOL,
                        rtol: float = tol.ODE_RTOL, atol: float = tol.ODE_ATOL, max_step: float | None = None,
                        max_events: int = 10_000) -> SignFlowPath:
    """Sign flow ``w' = -sign(grad(w))`` from ``w0`` on ``[0, t_end]``, event by event.

    ``grad(w)`` returns the gradient (1-D), ``hess(w)`` the Hessian (dense or scipy sparse;
    called only at events and on sliding segments). ``zero_tol`` is the absolute gradient
    level treated as 0 at an event. Linear pieces are exact; sliding pieces are integrated
    with ``rtol``/``atol``. Raises ``ValueError`` naming ``max_events`` after ``max_events`` events
    (Zeno guard). ``max_step`` (of the integrator on free pieces) defaults to ``t_end / 64``, or to
    ``t_end`` where that underflows to 0.

    Valid range: ``grad``, ``hess`` callables returning finite values of the right shape; ``w0`` a
    non-empty finite array; ``0 <= t_end < inf``; ``zero_tol >= 0``; ``rtol`` in ``(0, 1)``,
    ``atol > 0``; ``max_step > 0`` with ``t_end / max_step <= MAX_STEPS``; ``max_events >= 0`` an
    integer; else ``ValueError`` naming the parameter.
    """
    check_callable(grad, "grad")
    check_callable(hess, "hess")
    w = check_array(w0, "w0", min_size=1).ravel().copy()
    t_end = check_time(t_end, "t_end", scalar=True)
    zero_tol = check_nonnegative(zero_tol, "zero_tol", scalar=True)
    rtol, atol = check_tolerances(rtol, atol)
    if max_step is None:  # t_end / 64, or t_end itself where t_end / 64 underflows to 0 (subnormal t_end)
        max_step = t_end / 64.0 if t_end / 64.0 > 0 else (t_end if t_end > 0 else 1.0)
    else:
        max_step = check_step(max_step, "max_step", scalar=True)
    max_events = check_int(max_events, "max_events", 0)
    if t_end / max_step > MAX_STEPS:
        raise ValueError(f"max_step: t_end / max_step = {t_end / max_step:.3g} steps, more than {MAX_STEPS:.0e} "
                         f"(the integration would not end)")
    grad = _checked(grad, "grad", w.size)
    hess = _checked(hess, "hess", w.size, matrix=True)
    if t_end == 0:
        return SignFlowPath([Segment(0.0, 0.0, w.copy(), np.zeros_like(w))], [])
    t = 0.0
    segments: list[Segment] = []
    events: list[dict] = []
    pending: list[int] = []  # coordinates whose gradient reached 0 at the current time
    while t < t_end:
        if len(events) > max_events:
            raise ValueError(f"max_events: more than {max_events} events before t = {t_end} (Zeno behaviour?); "
                             f"allow more events or integrate to a smaller t_end")
        g = np.asarray(grad(w), float)
        v, S, released = _mode(g, hess, w, zero_tol)
        for i in sorted(set(pending) | set(released)):
            events.append({"t": t, "index": i, "kind": "slide" if i in S else "cross"})
        pending = []
        if S and np.all(np.abs(v) == 0) and len(S) == w.size:
            events.append({"t": t, "index": -1, "kind": "stationary"})
            segments.append(Segment(t, t_end, w.copy(), np.zeros_like(w), S, None))
            break
        free = np.array([i for i in range(w.size) if i not in S], dtype=int)
        sgn = np.sign(g[free])

        def hit_free(_s, y, free=free, sgn=sgn):
            return float(np.min(sgn * np.asarray(grad(y))[free])) if free.size else 1.0

        hit_free.terminal, hit_free.direction = True, -1
        if not S:
            vel = v.copy()
            sol = solve_ivp(lambda _s, y: vel, (t, t_end), w, method="RK23", events=[hit_free],
                            max_step=max_step, rtol=rtol, atol=atol)
            t1 = float(sol.t_events[0][0]) if sol.t_events[0].size else t_end
            seg = Segment(t, t1, w.copy(), vel, (), None)
            w_new = w + vel * (t1 - t)  # exact: the field is constant
        else:
            S_idx = list(S)
            F_idx = [int(i) for i in free]
            vF = v[F_idx]

            def field_(_s, y):
                H = hess(y)
                gy = np.asarray(grad(y))
                HSS = _sub(H, S_idx, S_idx)
                r = (_sub(H, S_idx, F_idx) @ vF if F_idx else 0.0) + gy[S_idx]
                out = np.zeros_like(y)
                out[F_idx] = vF
                out[S_idx] = -_solve(HSS, r)
                return out

            def leave(_s, y):
                return float(1.0 + tol.SIGNFLOW_VEQ_SLACK - np.max(np.abs(field_(_s, y)[S_idx])))

            leave.terminal, leave.direction = True, -1
            sol = solve_ivp(field_, (t, t_end), w, method="DOP853", events=[hit_free, leave], dense_output=True,
                            rtol=rtol, atol=atol)
            hits = [(float(te[0]), k) for k, te in enumerate(sol.t_events) if te.size]
            t1 = min(hits)[0] if hits else t_end
            seg = Segment(t, t1, w.copy(), v.copy(), S, sol.sol)
            w_new = sol.sol(t1)
            if hits and min(hits)[1] == 1:
                events.append({"t": t1, "index": -1, "kind": "leave"})
        segments.append(seg)
        if t1 < t_end:
            g1 = np.asarray(grad(w_new))
            new_zero = [int(i) for i in free if abs(g1[i]) <= zero_tol]
            pending = new_zero
            if t1 <= t and not new_zero:  # pragma: no cover - no progress
                raise RuntimeError(f"sign flow made no progress at t = {t}")
        t, w = t1, w_new
    return SignFlowPath(segments, events)


def sign_descent(grad: Callable, w0, step: float, n_steps: int) -> np.ndarray:
    """Discrete sign descent ``w_{n+1} = w_n - h sign(grad(w_n))`` (``sign(0) = 0``); returns
    the ``n_steps + 1`` iterates, shape ``(n_steps + 1, n)``."""
    check_callable(grad, "grad")
    step = check_step(step, "step", scalar=True)
    n_steps = check_int(n_steps, "n_steps", 0)
    w = check_array(w0, "w0", min_size=1).ravel().copy()
    check_memory((n_steps + 1) * w.size, "n_steps", "float64 values of the iterates")
    grad = _checked(grad, "grad", w.size)
    out = np.empty((int(n_steps) + 1, w.size))
    out[0] = w
    for n in range(int(n_steps)):
        w = w - step * np.sign(np.asarray(grad(w)))
        out[n + 1] = w
    return out


def simple_setting_problem(pi):
    """``(grad, hess)`` of K24's simple setting on the flattened ``c x c`` matrix (row-major,
    entry ``(j, k)`` at ``j c + k``); the Hessian is sparse (block diagonal over columns)."""
    from scipy import sparse

    from theorycheck.models.flows import loss_gradient, loss_hessian_diag_blocks

    pi = check_probability_vector(pi, "pi")
    c = pi.size
    perm = np.arange(c * c).reshape(c, c).T.ravel()  # column-major block order -> row-major index

    def grad(wf):
        return loss_gradient(np.asarray(wf).reshape(c, c), pi).ravel()

    def hess(wf):
        blocks = loss_hessian_diag_blocks(np.asarray(wf).reshape(c, c), pi)
        Hcol = sparse.block_diag(list(blocks), format="csr")  # ordered by column, then row
        P = sparse.csr_matrix((np.ones(c * c), (perm, np.arange(c * c))), shape=(c * c, c * c))
        return P @ Hcol @ P.T

    return grad, hess


def sign_flow_simple_setting(t_eval, pi, W0=None, **kw):
    """Sign flow on the full ``c x c`` simple setting, event by event.

    Returns ``(W, loss, path)``: ``W`` of shape ``(len(t_eval), c, c)``, the per-class
    losses ``(c, len(t_eval))`` and the :class:`SignFlowPath` (its ``events`` list the sign
    switches; from ``W = 0`` there are none, as the diagonal gradient is always < 0 and the
    off-diagonal one always > 0). ``kw`` goes to :func:`integrate_sign_flow`.

    ``sign(pi_k g) = sign(g)`` for ``pi_k > 0``, and the Hessian is block diagonal over the
    columns, so the flow (and every equivalent control) does not depend on ``pi``: it is
    integrated with every column weight set to 1. That keeps ``zero_tol`` (an absolute
    gradient level) meaningful for classes of any frequency: with the weights ``pi_k``
    themselves, a class with ``pi_k = 2e-9`` had gradients below ``zero_tol``, was taken for
    sliding and ended 17% off the exact loss, and ``pi_k < 1e-9`` made ``H_SS`` singular.
    """
    from theorycheck.models.flows import per_class_loss

    t_eval = np.atleast_1d(np.asarray(check_time(t_eval, "t_eval"), float))
    if t_eval.ndim != 1 or t_eval.size == 0:
        raise ValueError(f"t_eval: must be a non-empty 1-D array of times >= 0, got shape {t_eval.shape}")
    pi = check_probability_vector(pi, "pi")
    c = pi.size
    grad, hess = _unit_weight_problem(c)
    W0 = np.zeros((c, c)) if W0 is None else check_array(W0, "W0", shape=(c, c))
    try:
        path = integrate_sign_flow(grad, hess, W0.ravel(), float(t_eval.max()), **kw)
    except ValueError as e:
        if not str(e).startswith("hess:"):
            raise
        raise ValueError(f"t_eval: the gradients fell to 0 in float64 before t = {float(t_eval.max())!r} (the losses "
                         f"underflow; the event-driven flow cannot go on: use flows.sign_flow_loss there): {e}") from None
    W = path(t_eval).reshape(-1, c, c)
    loss = per_class_loss(W).T
    return W, loss, path


def _unit_weight_problem(c: int):
    """:func:`simple_setting_problem` with every column weight 1 (the gradient of
    ``sum_k l_k``): the same sign flow as any ``pi`` (see :func:`sign_flow_simple_setting`)."""
    from scipy import sparse

    from theorycheck.models.flows import _loss_gradient, _softmax_cols

    ones = np.ones(c)
    perm = np.arange(c * c).reshape(c, c).T.ravel()
    P = sparse.csr_matrix((np.ones(c * c), (perm, np.arange(c * c))), shape=(c * c, c * c))

    def grad(wf):
        return _loss_gradient(np.asarray(wf, float).reshape(c, c), ones).ravel()

    def hess(wf):
        S = _softmax_cols(np.asarray(wf, float).reshape(c, c))
        blocks = np.einsum("jk,ij->kij", S, np.eye(c)) - np.einsum("ik,jk->kij", S, S)
        return P @ sparse.block_diag(list(blocks), format="csr") @ P.T

    return grad, hess
