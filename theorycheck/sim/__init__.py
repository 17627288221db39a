"""Discrete-step optimizer simulator (PyTorch; CUDA when present).

Modules, one job each:

* :mod:`.problems`   the problems (simple imbalanced setting, Random Heavy-Tailed Labels
  linear model, weighted quadratic, rotated wrapper), with hand-written losses and
  gradients for a batch of ``R`` independent runs;
* :mod:`.optimizers` pure update rules ``init(params) -> state``,
  ``update(grads, state, lr, params=None) -> (updates, state)``, each with an in-place rule
  tested equal to it (GD, normalized / block-normalized GD, sign and rescaled sign descent with
  heavy-ball momentum, Signum, Adam, AdamW, Adagrad);
* :mod:`.metrics`    per-class and per-frequency-group losses, frequency groups of equal mass;
* :mod:`.run`        :func:`~theorycheck.sim.run.simulate`: many runs at once, metrics every
  step, snapshots of the parameters at chosen steps, zero or ``nn.Linear`` start, mini-batches,
  accuracy, the TF32 switch, a progress bar;
* :mod:`.sweep`      optimizers x step sizes x seeds, step-size selection of K24 appendix A.4
  (as printed, or extended), problems built once per recipe, run through
  :func:`theorycheck.core.executor.get_executor`;
* :mod:`.reduced`    the exact reduced recurrence of the simple setting in discrete time (numpy).

Importing this package does not import torch; the submodules that need it do.
"""

__all__ = ["problems", "optimizers", "metrics", "run", "sweep", "reduced"]
