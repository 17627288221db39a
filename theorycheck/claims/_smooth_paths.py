"""TEMPORARY, minimal full-batch GD / Adam loops that produce parameter paths for the
smoothness claims, plots and tests.

>>> INTEGRATION: replace by the optimizer simulator (theorycheck.sim) once it is merged. <<<

Nothing here is a claim (the leading underscore keeps the registry from importing it as a
claims module). Model: softmax linear model with bias, from ``W = 0``, loss
``(1/n) sum_i -log softmax(W x_i + b)_{y_i}``; Adam is ``torch.optim.Adam`` (PyTorch's
definition, written out and tested against torch.optim.Adam in
tests/test_smoothness_claims.py); GD is ``W <- W - lr grad``.
"""

from __future__ import annotations

from typing import Sequence


def path(X, y, c: int, *, optimizer: str, lr: float, steps: int, snapshot_steps: Sequence[int],
         device: str = "cpu", dtype: str = "float64", betas=(0.9, 0.999), eps: float = 1e-8) -> list:
    """Run ``steps`` full-batch steps and return ``[(step, W, b), ...]`` at ``snapshot_steps``
    (numpy arrays; step 0 is the initialisation)."""
    import torch

    from ..smoothness import gradient, problem
    from ..validation import check_choice, check_step

    check_choice(optimizer, "optimizer", ("gd", "adam"))
    check_step(lr, "lr")
    pb = problem(X, y, c, bias=True, device=device, dtype=dtype)
    Wt = pb.zeros()
    m1, m2 = torch.zeros_like(Wt), torch.zeros_like(Wt)
    b1, b2 = betas
    want = set(int(s) for s in snapshot_steps)
    out = []
    for t in range(steps + 1):
        if t in want:
            Wn = Wt.cpu().numpy()
            out.append((t, Wn[:, :-1].copy(), Wn[:, -1].copy()))
        if t == steps:
            break
        g = gradient(pb, Wt)  # closed form (P - Y)^T X~ / n
        if optimizer == "gd":
            Wt = Wt - lr * g
        else:  # torch.optim.Adam's update, written out
            m1 = b1 * m1 + (1 - b1) * g
            m2 = b2 * m2 + (1 - b2) * g * g
            mh = m1 / (1 - b1 ** (t + 1))
            vh = m2 / (1 - b2 ** (t + 1))
            Wt = Wt - lr * mh / (vh.sqrt() + eps)
    return out
