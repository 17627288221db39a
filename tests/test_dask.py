"""The Dask back-end gives the same sweep results as in-process (on a LocalCluster)."""

import math

import pytest

from theorycheck.core.executor import InProcessExecutor, get_executor


def gd_loss_after(point):
    """Loss of class k after t GD steps on (pi/2) w^2 from w0 = 1: (pi/2)(1 - alpha pi)^(2t)."""
    alpha, pi, t = point
    return 0.5 * pi * (1.0 - alpha * pi) ** (2 * t)


GRID = [(a, p, t) for a in (0.1, 0.5, 1.9) for p in (1e-3, 0.1, 0.9) for t in (1, 10, 100)]


def test_dask_executor_needs_exactly_one_target():
    from theorycheck.core.dask_executor import DaskExecutor

    with pytest.raises(ValueError, match="^executor:"):
        DaskExecutor()
    with pytest.raises(ValueError, match="^executor:"):
        DaskExecutor(address="tcp://x:1", cluster=object())
    with pytest.raises(ValueError, match="^scale:"):
        DaskExecutor(cluster=object(), scale=0)


def test_sweep_on_local_cluster_matches_in_process():
    distributed = pytest.importorskip("distributed", reason="dask[distributed] not installed (optional extra 'dask')")
    from theorycheck.core.dask_executor import DaskExecutor

    expected = InProcessExecutor().map(gd_loss_after, GRID)
    assert all(math.isfinite(v) for v in expected)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cl:
        # by object, and by name through the executor registry (scheduler address)
        with DaskExecutor(cluster=cl) as ex:
            got = ex.map(gd_loss_after, GRID)
        by_name = get_executor("dask", address=cl.scheduler_address)
        try:
            got2 = by_name.map(gd_loss_after, GRID)
            assert by_name.map(gd_loss_after, []) == []
        finally:
            by_name.close()
    assert got == expected  # same order, bit-identical floats
    assert got2 == expected


def test_task_error_propagates():
    distributed = pytest.importorskip("distributed", reason="dask[distributed] not installed (optional extra 'dask')")
    from theorycheck.core.dask_executor import DaskExecutor

    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cl:
        with DaskExecutor(cluster=cl) as ex:
            with pytest.raises(ZeroDivisionError):
                ex.map(lambda x: 1 / x, [1, 0])
