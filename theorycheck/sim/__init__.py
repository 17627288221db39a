"""Discrete-step optimizer simulator (PyTorch; CUDA when present).

Modules, one job each:

* :mod:`.problems`   the problems (simple imbalanced setting, Random Heavy-Tailed Labels
  linear model, weighted quadratic, rotated wrapper), with hand-written losses and
  gradients for a batch of ``R`` independent runs;
* :mod:`.optimizers` pure update rules ``init(params) -> state``,
  ``update(grads, state, lr) -> (updates, state)``;
* :mod:`.metrics`    per-class and per-frequency-group losses, frequency groups of equal mass;
* :mod:`.run`        :func:`~theorycheck.sim.run.simulate`: many runs at once, metrics every
  step, snapshots of the parameters at chosen steps, a progress bar;
* :mod:`.sweep`      optimizers x step sizes x seeds, step-size selection of K24 appendix A.4,
  run through :func:`theorycheck.core.executor.get_executor`;
* :mod:`.reduced`    the exact reduced recurrence of the simple setting in discrete time (numpy).

Importing this package does not import torch; the submodules that need it do.
"""

__all__ = ["problems", "optimizers", "metrics", "run", "sweep", "reduced"]
