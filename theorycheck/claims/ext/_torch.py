"""Torch thread count for the EXT checks that compute with torch on the CPU.

Intra-op threads spin while they wait: on a shared machine a small matmul-heavy check ran 30x
slower on 2 threads than on 1 (EXT.smoothness.cauchy: 16 s vs 0.56 s, measured under load). The
checks run with :func:`theorycheck.sim.run.cpu_threads` threads (``$THEORYCHECK_THREADS``, default 1)
and restore the caller's setting afterwards.
"""

from __future__ import annotations

import contextlib
import functools


@contextlib.contextmanager
def cpu_threads():
    """Run the block with ``theorycheck.sim.run.cpu_threads()`` torch threads."""
    import torch

    from theorycheck.sim.run import cpu_threads as n

    old = torch.get_num_threads()
    torch.set_num_threads(n())
    try:
        yield
    finally:
        torch.set_num_threads(old)


def with_cpu_threads(fn):
    """Decorator form of :func:`cpu_threads` (keeps the function's name and module)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with cpu_threads():
            return fn(*args, **kwargs)

    return wrapper
