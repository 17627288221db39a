"""Paths from the optimizer simulator, as inputs of :mod:`theorycheck.models.smoothness`.

:func:`from_sim` turns a simulator problem into the smoothness tools' :class:`Problem`, and
:func:`sim_path` runs one optimizer and returns parameter snapshots along its path.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from theorycheck.core import tolerances as tol
from theorycheck.core.validation import check_choice, check_int, check_step
from theorycheck.models.smoothness import Problem, problem
from theorycheck.sim.run import simulate


def _check_lin(lin) -> None:
    from theorycheck.sim.problems import LinearSoftmax

    if not isinstance(lin, LinearSoftmax):
        raise ValueError(f"lin: must be a theorycheck.sim.problems.LinearSoftmax, got {type(lin).__name__}")


def from_sim(lin, dtype: str | None = None) -> Problem:
    """The :class:`Problem` of a simulator ``theorycheck.sim.problems.LinearSoftmax`` (same data,
    bias and device). Only for the plain mean loss (objective weights ``omega = pi``): the
    Hessians here are those of ``L = (1/n) sum_i l_i``."""
    _check_lin(lin)
    if dtype is not None:
        check_choice(dtype, "dtype", ("float32", "float64"))
    omega = np.asarray(getattr(lin, "omega", lin.pi))
    if not np.allclose(omega, lin.pi, rtol=tol.FLOAT64_REL, atol=0):
        raise ValueError("lin: the smoothness tools need the plain loss (omega = pi); this problem reweights classes")
    dt = dtype or str(lin.dtype).replace("torch.", "")
    return problem(lin.X, lin.y, lin.c, bias=lin.bias, device=lin.device.type, dtype=dt)


def sim_path(lin, optimizer, lr: float, steps: int, snapshot_at: Sequence[int]) -> list:
    """Run one optimizer of ``theorycheck.sim`` (a name such as ``"GD"`` or ``"Adam+m"``, see
    ``theorycheck.sim.optimizers``) on the simulator problem ``lin`` from its initialisation
    (``W = 0``, ``b = 0``) and return ``[(step, {"W": W, "b": b}), ...]`` at ``snapshot_at``
    (CPU tensors; step 0 is the initialisation), ready for :meth:`Problem.params`."""
    _check_lin(lin)
    lr = check_step(lr, "lr", scalar=True)
    steps = check_int(steps, "steps", 0)
    if isinstance(snapshot_at, (str, bytes)) or not hasattr(snapshot_at, "__iter__"):
        raise ValueError(f"snapshot_at: must be an iterable of steps, got {snapshot_at!r}")
    traj = simulate(lin, [(optimizer, lr)], steps, snapshot_at=snapshot_at, progress=False)
    return [(s, traj.snapshot(s, 0)) for s in sorted(traj.snapshots)]
