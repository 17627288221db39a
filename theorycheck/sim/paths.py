"""Paths from the optimizer simulator, as inputs of :mod:`theorycheck.models.smoothness`.

:func:`from_sim` turns a simulator problem into the smoothness tools' :class:`Problem`, and
:func:`sim_path` runs one optimizer and returns parameter snapshots along its path.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from theorycheck.core import tolerances as tol
from theorycheck.models.smoothness import Problem, problem
from theorycheck.sim.run import simulate


def from_sim(lin, dtype: str | None = None) -> Problem:
    """The :class:`Problem` of a simulator ``theorycheck.sim.problems.LinearSoftmax`` (same data,
    bias and device). Only for the plain mean loss (objective weights ``omega = pi``): the
    Hessians here are those of ``L = (1/n) sum_i l_i``."""
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
    traj = simulate(lin, [(optimizer, lr)], steps, snapshot_at=snapshot_at, progress=False)
    return [(s, traj.snapshot(s, 0)) for s in sorted(traj.snapshots)]
