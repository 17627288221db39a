"""Run many (optimizer, step size) pairs on one problem at once, with metrics every step.

:func:`simulate` stacks the runs along the leading run axis of the parameters, so every
step costs one batched evaluation of the problem (e.g. one product ``X [W_1..W_R]^T``), then
applies each optimizer to its own slice of runs. Every step it records, on the device and
without synchronising, the training loss ``sum_k pi_k l_k`` and the loss of every frequency
group; per-class losses are kept at the steps asked for (all steps by default when they fit
in memory), and copies of the parameters at the snapshot steps.

Snapshot API (for smoothness estimates along a path)::

    traj = simulate(problem, [("Adam+m", 1e-3), ("GD", 1.0)], steps=100, snapshot_at=[0, 10, 100])
    W = traj.snapshot(10, run=0)          # dict name -> tensor without the run axis (CPU)
    traj.snapshots[10]["W"].shape         # (R, c, d): every run at step 10
"""

from __future__ import annotations

import math
import os
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np
import torch

from theorycheck.core.validation import (check_bool, check_callable, check_choice, check_int, check_memory, check_real,
                                         check_step, check_str)
from theorycheck.sim import optimizers as optim
from theorycheck.sim.metrics import group_matrix
from theorycheck.sim.problems import Problem


class ProgressBar:
    """A one-line progress bar with the current loss, on stderr; silent unless ``enabled``
    (default: only when stderr is a terminal)."""

    def __init__(self, total: int, label: str = "", enabled: bool | None = None, stream=None, every: float = 0.2):
        check_int(total, "total", 0)
        check_str(label, "label")
        if enabled is not None:
            check_bool(enabled, "enabled")
        if stream is not None and not callable(getattr(stream, "write", None)):
            raise ValueError(f"stream: must be None or have a write() method, got {type(stream).__name__}")
        check_real(every, "every", 0.0, None, scalar=True)
        self.stream = stream or sys.stderr
        self.enabled = (hasattr(self.stream, "isatty") and self.stream.isatty()) if enabled is None else bool(enabled)
        self.total, self.label, self.every = max(int(total), 1), label, every
        self._last = 0.0
        self.t0 = time.perf_counter()

    def wants_update(self) -> bool:
        return self.enabled and (time.perf_counter() - self._last) >= self.every

    def update(self, step: int, loss: float | None = None) -> None:
        if not self.enabled:
            return
        self._last = time.perf_counter()
        frac = step / self.total
        bar = "#" * int(30 * frac) + "-" * (30 - int(30 * frac))
        rate = step / max(self._last - self.t0, 1e-9)
        txt = f"\r{self.label} [{bar}] {step}/{self.total} {rate:.0f} it/s"
        if loss is not None:
            txt += f" loss {loss:.4g}"
        self.stream.write(txt)
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.update(self.total)
            self.stream.write("\n")
            self.stream.flush()


@dataclass
class Trajectory:
    """What :func:`simulate` recorded (numpy on the host unless noted).

    labels: run labels ``"<optimizer>@<step>"``; optimizer: optimizer name per run; lr: step
    size per run; loss: ``(T+1, R)`` training loss; group_loss: ``(T+1, R, G)``;
    class_steps: steps at which per-class losses were kept; class_loss: ``(len(class_steps), R, c)``;
    snapshots: step -> params dict ``(R, ...)`` (CPU tensors); pi, groups: of the problem;
    seconds: wall time of the loop; acc_steps / class_acc: per-class accuracy
    ``(len(acc_steps), R, c)`` where asked (:meth:`group_accuracy`, :meth:`accuracy`); info:
    the protocol (start, seeds, batch size, TF32, threads) and the problem's description.
    """

    labels: list
    optimizer: list
    lr: np.ndarray
    loss: np.ndarray
    group_loss: np.ndarray
    class_steps: np.ndarray
    class_loss: np.ndarray
    snapshots: dict
    pi: np.ndarray
    groups: np.ndarray
    seconds: float
    info: dict = field(default_factory=dict)
    acc_steps: np.ndarray = field(default_factory=lambda: np.array([], dtype=int))
    class_acc: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 0)))

    @property
    def steps(self) -> int:
        return self.loss.shape[0] - 1

    def run_index(self, label_or_optimizer: str) -> int:
        """Index of the run with this label, or of the only run of this optimizer."""
        if label_or_optimizer in self.labels:
            return self.labels.index(label_or_optimizer)
        hits = [i for i, o in enumerate(self.optimizer) if o == label_or_optimizer]
        if len(hits) != 1:
            raise ValueError(f"label_or_optimizer: {label_or_optimizer!r} matches {len(hits)} runs; labels: {self.labels}")
        return hits[0]

    def snapshot(self, step: int, run: int | str = 0) -> dict:
        """Parameters of one run at a snapshot step: dict name -> tensor (no run axis)."""
        if step not in self.snapshots:
            raise ValueError(f"step: no snapshot at {step}; snapshots at {sorted(self.snapshots)}")
        if isinstance(run, str):
            try:
                r = self.run_index(run)
            except ValueError as e:
                raise ValueError(f"run: {e}") from None
        else:
            r = check_int(run, "run", -len(self.labels), len(self.labels) - 1)
        return {k: v[r] for k, v in self.snapshots[step].items()}

    def final_loss(self) -> np.ndarray:
        return self.loss[-1]

    def group_accuracy(self) -> np.ndarray:
        """``(len(acc_steps), R, G)`` accuracy of every frequency group (share of its samples
        classified correctly: per-class accuracies weighted by the class counts)."""
        return self.class_acc @ group_matrix(self.pi, self.groups)

    def accuracy(self) -> np.ndarray:
        """``(len(acc_steps), R)`` overall training accuracy."""
        return self.class_acc @ self.pi


def _as_runs(runs) -> list[tuple[optim.Optimizer, float]]:
    if not isinstance(runs, (list, tuple)) or not runs:
        raise ValueError("runs: need a non-empty list of (optimizer, step size) pairs")
    out, seen = [], {}
    for r in runs:
        if not isinstance(r, (list, tuple)) or len(r) != 2:
            raise ValueError(f"runs: each run is an (optimizer, step size) pair, got {r!r}")
        try:
            o = optim.make(r[0])
        except ValueError as e:
            raise ValueError(f"runs: {e}") from None
        o = seen.setdefault((o.name, o.hyper), o)  # equal optimizers share one object (one batched slice)
        out.append((o, check_step(r[1], "step")))
    return out


def cpu_threads() -> int:
    """Threads for CPU simulations: ``$THEORYCHECK_THREADS`` or 1, for every problem size (an
    explicit setting is always obeyed). One thread is the default because intra-op threads
    spin while they wait: on a 2-core machine shared with other jobs a 24-run step of the
    m = 7 problem took 0.69 s on 2 threads and 0.20 s on 1 (measured). On a dedicated machine
    set ``THEORYCHECK_THREADS`` to the number of cores (``benchmarks/bench_simulator.py``
    reports both)."""
    v = os.environ.get("THEORYCHECK_THREADS", "1")
    try:
        n = int(v)
    except ValueError:
        raise ValueError(f"THEORYCHECK_THREADS: must be a positive integer, got {v!r}") from None
    if n < 1:
        raise ValueError(f"THEORYCHECK_THREADS: must be a positive integer, got {v!r}")
    return n


def tf32_enabled() -> bool:
    """The TF32 switch: ``$THEORYCHECK_TF32`` = ``1`` turns TF32 matrix products on for CUDA
    float32 simulations, ``0`` (the default) keeps full float32. TF32 rounds the inputs of
    every product to a 10-bit mantissa (relative error ~5e-4 per product instead of ~6e-8),
    ~4-8x faster on Ampere/Hopper GPUs; it is off by default because a verdict must not depend
    on it. No effect on the CPU or in float64."""
    v = os.environ.get("THEORYCHECK_TF32", "0")
    if v not in ("0", "1"):
        raise ValueError(f"THEORYCHECK_TF32: must be '0' (off, default) or '1' (on), got {v!r}")
    return v == "1"


class tf32_mode:
    """Context manager setting ``torch.backends.cuda.matmul.allow_tf32`` (and cuDNN's) to
    ``enabled`` and restoring the previous values on exit."""

    def __init__(self, enabled: bool):
        self.enabled = check_bool(enabled, "enabled")

    def __enter__(self):
        self._old = (torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32)
        torch.backends.cuda.matmul.allow_tf32 = self.enabled
        torch.backends.cudnn.allow_tf32 = self.enabled
        return self

    def __exit__(self, *exc):
        torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = self._old
        return False


def _steps_list(steps, name: str) -> list:
    """An iterable of integer steps (a list of ints)."""
    if isinstance(steps, (str, bytes)) or not hasattr(steps, "__iter__"):
        raise ValueError(f"{name}: must be an iterable of integer steps, got {steps!r}")
    return [check_int(int(s) if isinstance(s, np.integer) else s, name, 0) for s in steps]


def _loop(problem, params, slices, lr, T, Mg, loss_buf, group_buf, cls_mask, cls_buf, acc_mask, acc_buf, snap_set, snaps,
          bar, stop=None, stop_every=10, sampler=None, fast=True):
    j = ja = 0
    with torch.no_grad():
        for t in range(T + 1):
            need_grad = t < T
            if stop is not None and t > 0 and t % stop_every == 0 and t < T:
                verdict = stop(t - 1, loss_buf[:t].cpu().numpy(), group_buf[:t].cpu().numpy())
                if not isinstance(verdict, (bool, np.bool_)):
                    raise ValueError(f"stop: must return True or False, got {type(verdict).__name__} {verdict!r}")
                if verdict:
                    need_grad = False
            full_grad = need_grad and sampler is None
            if acc_mask[t]:
                cl, grads, acc = problem.evaluate(params, need_grad=full_grad, accuracy=True)
                acc_buf[ja] = acc
                ja += 1
            else:
                cl, grads = problem.evaluate(params, need_grad=full_grad)
            loss_buf[t] = problem.loss(cl)
            group_buf[t] = cl @ Mg
            if cls_mask[t]:
                cls_buf[j] = cl
                j += 1
            if t in snap_set:
                snaps[t] = {k: v.detach().to("cpu", copy=True) for k, v in params.items()}
            if not need_grad:
                return params, t
            if sampler is not None:
                grads = problem._batch_grad(params, sampler.next())  # checked once, in simulate
            # the simulator owns ``params`` and ``grads`` (fresh every step): each slice's
            # optimizer steps in place (``fast``: its in-place rule, which reuses the gradient
            # buffers; else its pure update, added in place)
            for i, (o, sl, st) in enumerate(slices):
                if len(slices) == 1:
                    p_sl, g_sl = params, grads
                else:
                    p_sl, g_sl = {k: v[sl] for k, v in params.items()}, {k: v[sl] for k, v in grads.items()}
                slices[i] = (o, sl, o._apply(p_sl, g_sl, st, lr[sl], fast=fast))
            if bar.wants_update():
                bar.update(t + 1, float(loss_buf[t, 0]))
    return params, T


def _steps_arg(x, T, name):
    """``None`` (no step) or an iterable of integer steps in ``[0, T]``: the sorted unique steps."""
    out = np.unique(np.asarray(_steps_list(x, name), dtype=np.int64)) if x is not None else np.array([], dtype=int)
    if out.size and (out.min() < 0 or out.max() > T):
        raise ValueError(f"{name}: steps must lie in [0, {T}]")
    return out


def simulate(problem: Problem, runs: Iterable, steps: int, *, snapshot_at: Iterable[int] = (),
             class_loss_at: Iterable[int] | None = None, init: dict | None = None, start: str = "zero",
             start_seed: int = 0, batch_size: int | None = None, batch_seed: int = 0,
             accuracy_at: Iterable[int] | None = None, tf32: bool | None = None, fast: bool = True,
             progress: bool | None = None, label: str = "", stop=None, stop_every: int = 10) -> Trajectory:
    """Run every ``(optimizer, step size)`` of ``runs`` for ``steps`` steps on ``problem``,
    all at once (the runs are independent: a diverging run does not affect the others).

    ``optimizer`` is a name of :data:`~theorycheck.sim.optimizers.OPTIMIZERS`, an
    ``(family, kwargs)`` pair or an :class:`~theorycheck.sim.optimizers.Optimizer`.
    Runs start from ``init`` (a params dict with one run, or ``R`` runs) or else from the
    problem's initialisation ``start`` (``"zero"`` or ``"pytorch"``: ``torch.nn.Linear``'s
    default drawn with ``start_seed``; every run starts at the same point).

    ``batch_size``: mini-batch training (``None``: full batch): every step's gradient is the
    unbiased estimate on the next batch of a :class:`~theorycheck.sim.problems.BatchSampler`
    seeded with ``batch_seed`` (all runs see the same batches); the recorded losses are always
    those of the full training set.

    ``class_loss_at``: steps at which to keep per-class losses (default: every step if
    ``(T+1) R c <= 2e7`` numbers, else 200 log-spaced steps). ``accuracy_at``: steps at which
    to record per-class accuracy (``traj.class_acc``; none by default). ``snapshot_at``: steps
    at which to copy the parameters (to the CPU). ``tf32``: TF32 matrix products on CUDA
    (``None``: :func:`tf32_enabled`, off unless ``THEORYCHECK_TF32=1``). ``fast``: the
    optimizers' in-place rules (``False``: their pure updates; the same iterates up to
    round-off). ``progress``: show a progress bar with the loss of run 0 (``None``: only on a
    terminal). ``stop(t, loss[:t+1], group_loss[:t+1]) -> bool``, called every ``stop_every``
    steps, ends the run early (the trajectory then stops at that step; per-class losses are
    kept at the final step).
    """
    from theorycheck.sim.problems import INITS, BatchSampler

    if not isinstance(problem, Problem):
        raise ValueError(f"problem: must be a simulator Problem (theorycheck.sim.problems), got {type(problem).__name__}")
    runs = _as_runs(runs)
    steps = check_int(steps, "steps", 0)
    snapshot_at = _steps_list(snapshot_at, "snapshot_at")
    if class_loss_at is not None:
        class_loss_at = _steps_list(class_loss_at, "class_loss_at")
    if progress is not None:
        check_bool(progress, "progress")
    check_str(label, "label")
    if stop is not None:
        check_callable(stop, "stop")
    stop_every = check_int(stop_every, "stop_every", 1)
    check_choice(start, "start", INITS)
    start_seed = check_int(start_seed, "start_seed", 0)
    batch_seed = check_int(batch_seed, "batch_seed", 0)
    if batch_size is not None:
        batch_size = check_int(batch_size, "batch_size", 1)
    if init is not None and not isinstance(init, dict):
        raise ValueError(f"init: must be None or a params dict name -> tensor, got {type(init).__name__}")
    check_memory((steps + 1) * len(runs) * (int(np.max(problem.groups)) + 2), "steps", "recorded losses")
    T, R, c = int(steps), len(runs), problem.c
    snap = sorted({int(s) for s in snapshot_at})
    if snap and (snap[0] < 0 or snap[-1] > T):
        raise ValueError(f"snapshot_at: steps must lie in [0, {T}], got {snap}")
    if class_loss_at is None:
        if (T + 1) * R * c <= 2e7:
            cls_steps = np.arange(T + 1)
        else:
            cls_steps = np.unique(np.round(np.geomspace(1, T + 1, 200) - 1).astype(int)) if T else np.array([0])
            cls_steps = np.union1d(cls_steps, [0, T])
    else:
        cls_steps = _steps_arg(class_loss_at, T, "class_loss_at")
    acc_steps = _steps_arg(accuracy_at, T, "accuracy_at")
    check_memory(float(len(cls_steps)) * R * c, "class_loss_at", "recorded per-class losses")
    check_memory(float(len(acc_steps)) * R * c, "accuracy_at", "recorded per-class accuracies")
    check_memory(float(len(snap)) * R * problem.n_params, "snapshot_at", "snapshot parameters")
    fast = check_bool(fast, "fast")  # True: in-place rules; False: pure updates
    tf32 = tf32_enabled() if tf32 is None else check_bool(tf32, "tf32")
    sampler = None
    if batch_size is not None:
        if not hasattr(problem, "n") or not hasattr(problem, "_batch_grad"):
            raise ValueError(f"batch_size: mini-batches need a problem with samples (LinearSoftmax), not {problem.name}")
        sampler = BatchSampler(problem.n, batch_size, batch_seed)
    dev, dt = problem.device, problem.dtype

    if init is None:
        params = problem.init_params(R, init=start, seed=start_seed)  # fresh tensors owned by this run
    else:
        bad = [k for k, v in init.items() if not isinstance(v, torch.Tensor) or v.is_complex()]
        if bad:
            raise ValueError(f"init: {bad[0]!r} must be a real tensor (run index first)")
        init = {k: v.detach().to(dev, dt) for k, v in init.items()}
        try:
            r0 = problem.check_params(init)
        except ValueError as e:
            raise ValueError(f"init: {e}") from None
        if r0 not in (1, R):
            raise ValueError(f"init: must hold 1 or {R} runs, got {r0}")
        if not all(bool(torch.isfinite(v).all()) for v in init.values()):
            raise ValueError("init: the starting parameters must be finite")
        params = {k: v.expand(R, *v.shape[1:]).clone() for k, v in init.items()}
    problem.check_params(params)

    # group runs by optimizer object (contiguous slices of the run axis)
    slices, order = [], []
    for i, (o, _) in enumerate(runs):
        if order and order[-1][0] is o:
            order[-1][1].append(i)
        else:
            order.append((o, [i]))
    # runs of the same optimizer name given separately are merged when adjacent only;
    # non-adjacent ones get their own slice, which is correct, just less batched.
    lr = torch.as_tensor([s for _, s in runs], device=dev, dtype=dt)
    for o, idx in order:
        sl = slice(idx[0], idx[-1] + 1)
        sub = {k: v[sl] for k, v in params.items()}
        slices.append((o, sl, o.init(sub)))

    Mg = torch.as_tensor(group_matrix(problem.pi, problem.groups), device=dev, dtype=dt)
    G = Mg.shape[1]
    loss_buf = torch.empty((T + 1, R), device=dev, dtype=dt)
    group_buf = torch.empty((T + 1, R, G), device=dev, dtype=dt)
    cls_mask = np.zeros(T + 1, dtype=bool)
    cls_mask[cls_steps] = True
    cls_buf = torch.empty((int(cls_mask.sum()), R, c), device=dev, dtype=dt)
    acc_mask = np.zeros(T + 1, dtype=bool)
    acc_mask[acc_steps] = True
    acc_buf = torch.empty((int(acc_mask.sum()), R, c), device=dev, dtype=dt)
    snaps: dict[int, dict] = {}
    snap_set = set(snap)
    bar = ProgressBar(T, label or problem.name, enabled=progress)

    # CPU threads: cpu_threads() (THEORYCHECK_THREADS, default 1), whatever the problem size
    threads = torch.get_num_threads()
    want = cpu_threads()
    switch = dev.type == "cpu" and want != threads
    if switch:
        torch.set_num_threads(want)
    t0 = time.perf_counter()
    try:
        with tf32_mode(tf32):
            params, T_end = _loop(problem, params, slices, lr, T, Mg, loss_buf, group_buf, cls_mask, cls_buf, acc_mask,
                                  acc_buf, snap_set, snaps, bar, stop, stop_every, sampler, fast)
    finally:
        if switch:
            torch.set_num_threads(threads)
    if T_end < T:  # stopped early: keep what was recorded (per-class losses at the last step)
        if not cls_mask[T_end]:
            cls_buf = torch.cat([cls_buf[: int(cls_mask[:T_end].sum())], problem.evaluate(params, False)[0][None]])
            cls_steps = np.append(np.asarray(cls_steps)[np.asarray(cls_steps) < T_end], T_end)
        else:
            keep = int(cls_mask[: T_end + 1].sum())
            cls_buf, cls_steps = cls_buf[:keep], np.asarray(cls_steps)[:keep]
        keep_a = int(acc_mask[: T_end + 1].sum())
        acc_buf, acc_steps = acc_buf[:keep_a], acc_steps[:keep_a]
        loss_buf, group_buf, T = loss_buf[: T_end + 1], group_buf[: T_end + 1], T_end
    if dev.type == "cuda":
        torch.cuda.synchronize(dev)
    seconds = time.perf_counter() - t0
    bar.close()

    labels = [f"{o.name}@{s:.3g}" for o, s in runs]
    return Trajectory(
        labels=labels,
        optimizer=[o.name for o, _ in runs],
        lr=np.array([s for _, s in runs], dtype=float),
        loss=loss_buf.cpu().numpy().astype(np.float64),
        group_loss=group_buf.cpu().numpy().astype(np.float64),
        class_steps=np.asarray(cls_steps),
        class_loss=cls_buf.cpu().numpy().astype(np.float64),
        snapshots=snaps,
        pi=np.asarray(problem.pi),
        groups=np.asarray(problem.groups),
        seconds=seconds,
        acc_steps=np.asarray(acc_steps),
        class_acc=acc_buf.cpu().numpy().astype(np.float64),
        info={**problem.describe(), "runs": R, "steps": T, "stopped_early": T_end < int(steps),
              "start": "given" if init is not None else start, "start_seed": None if init is not None else int(start_seed),
              "batch_size": batch_size, "batch_seed": batch_seed if batch_size is not None else None, "tf32": tf32,
              "threads": want if dev.type == "cpu" else None},
    )


def objective_fn(problem, weights: str = "objective"):
    """A differentiable scalar function of ONE run's parameters (tensors without the run axis),
    for Hessian-vector products and exact Hessians (e.g. ``torch.func.hessian`` or double
    backward): ``sum_k omega_k l_k`` (``weights="objective"``, what the optimizers minimise) or the
    training loss ``sum_k pi_k l_k`` (``weights="loss"``)."""
    import torch as _t

    if not isinstance(problem, Problem):
        raise ValueError(f"problem: must be a simulator Problem, got {type(problem).__name__}")
    check_choice(weights, "weights", ("objective", "loss"))
    w = getattr(problem, "omega", problem.pi) if weights == "objective" else problem.pi
    wt = _t.as_tensor(np.asarray(w), device=problem.device, dtype=problem.dtype)

    def f(params: dict):
        cl, _ = problem.evaluate({k: v[None] for k, v in params.items()}, need_grad=False)
        return cl[0] @ wt

    return f


def block_stats(problem, params: dict, hessian_diag: str = "x2") -> dict[str, np.ndarray]:
    """Per-row-block statistics of a :class:`~theorycheck.sim.problems.LinearSoftmax` at ``params``
    (one run: tensors without the run axis): the gradient norm ``||grad_{w_k} L||`` and the
    trace of the diagonal Hessian block ``Tr(hess_{w_k} L) = sum_i s_i p_ik (1 - p_ik) ||x_i||^2``
    (``s_i`` the sample weight, ``1/n`` for the plain loss), for every class ``k``; the traces
    come from :func:`theorycheck.models.smoothness.diag_block_traces`.

    ``hessian_diag="x"`` reproduces the slip of K24's released script (``x`` in place of
    ``x^2``: ``sum_i s_i p_ik (1 - p_ik) sum_j x_ij``), for comparison only.
    """
    from theorycheck.models.smoothness import diag_block_traces
    from theorycheck.sim.problems import LinearSoftmax

    variants = {"x2": "correct", "x": "released_script"}
    if not isinstance(problem, LinearSoftmax):
        raise ValueError(f"problem: must be a LinearSoftmax problem, got {type(problem).__name__}")
    check_choice(hessian_diag, "hessian_diag", tuple(variants))
    if not isinstance(params, dict) or set(params) != set(problem.param_shapes):
        raise ValueError(f"params: must be a dict with keys {sorted(problem.param_shapes)} (one run, no run axis)")
    for k, v in params.items():
        if not isinstance(v, torch.Tensor) or tuple(v.shape) != tuple(problem.param_shapes[k]):
            raise ValueError(f"params: {k!r} must be a tensor of shape {problem.param_shapes[k]}")
        if not torch.isfinite(v).all():
            raise ValueError(f"params: {k!r} must be finite")
    p1 = {k: v[None].to(problem.device, problem.dtype) for k, v in params.items()}
    _, grads = problem.evaluate(p1, need_grad=True)
    gnorm = torch.linalg.vector_norm(grads["W"][0], dim=1)
    with torch.no_grad():
        P = torch.softmax(problem.logits(p1)[:, 0, :], dim=1)  # (n, c)
        tr = diag_block_traces(P, problem.X, problem._sw[:, 0, 0], variant=variants[hessian_diag])
    return {"grad_norm": gnorm.cpu().numpy().astype(float), "hess_trace": tr.cpu().numpy().astype(float)}


def describe_runs(traj: Trajectory) -> list[dict[str, Any]]:
    """JSON-able summary: label, final loss, min/max loss, per-group final losses."""
    if not isinstance(traj, Trajectory):
        raise ValueError(f"traj: must be a Trajectory (from simulate), got {type(traj).__name__}")
    def num(x):
        return float(x) if math.isfinite(x) else str(x)  # JSON has no inf/NaN: a diverged run says so in words

    out = []
    for r, lab in enumerate(traj.labels):
        with np.errstate(all="ignore"):
            mx = np.nanmax(traj.loss[:, r]) if np.isfinite(traj.loss[:, r]).any() else float("nan")
        out.append({"run": lab, "final_loss": num(traj.loss[-1, r]), "max_loss": num(mx),
                    "final_group_loss": [num(g) for g in traj.group_loss[-1, r].tolist()]})
    return out
