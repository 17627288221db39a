"""Dask back-end for sweeps: the same ``map(fn, items)`` on a Dask cluster.

Dask is an optional extra (``pip install -e ".[dask]"``); this module imports it only when an
executor is built, so importing :mod:`theorycheck.core.dask_executor` is cheap and works without it.

Three ways to say where the tasks run::

    DaskExecutor(address="tcp://scheduler:8786")      # a running scheduler
    DaskExecutor(cluster=SLURMCluster(...))           # a dask_jobqueue cluster (or LocalCluster)
    DaskExecutor(client=existing_client)              # a distributed.Client you already hold

or by name: ``get_executor("dask", address=...)`` (registered by :mod:`theorycheck.core.executor`).

:meth:`DaskExecutor.map` submits one task per item and gathers the results *in the order of the
items*, so a sweep gives the same answer in-process and on a cluster. Tasks are submitted with
``pure=False`` (every item runs, even equal ones: a task may be random with its own seed).
"""

from __future__ import annotations

from typing import Any, Callable, Iterable


class DaskExecutor:
    """Runs the tasks of a sweep on a Dask ``distributed`` cluster.

    Exactly one of ``address`` (scheduler address), ``cluster`` (a cluster object such as a
    ``dask_jobqueue.SLURMCluster`` or ``distributed.LocalCluster``) or ``client`` (a
    ``distributed.Client``) must be given. ``scale`` asks a cluster for that many workers
    (``cluster.scale(n)``) before the first map. The client is created on first use and closed
    by :meth:`close` (or on leaving a ``with`` block) only if this executor created it.
    """

    name = "dask"

    def __init__(self, address: str | None = None, cluster: Any = None, client: Any = None,
                 scale: int | None = None):
        given = [x is not None for x in (address, cluster, client)]
        if sum(given) != 1:
            raise ValueError("executor: DaskExecutor needs exactly one of address=, cluster= or client=")
        if address is not None and (not isinstance(address, str) or not address):
            raise ValueError(f"address: must be a scheduler address like 'tcp://host:8786', got {address!r}")
        if scale is not None and (not isinstance(scale, int) or scale < 1):
            raise ValueError(f"scale: must be a positive number of workers, got {scale!r}")
        self.address, self.cluster, self._client, self.scale = address, cluster, client, scale
        self._own_client = client is None

    @property
    def client(self):
        """The ``distributed.Client`` (created on first use)."""
        if self._client is None:
            try:
                from distributed import Client
            except ImportError as e:  # pragma: no cover - depends on the environment
                raise ImportError("the Dask back-end needs the 'dask' extra: pip install 'theorycheck[dask]'") from e
            if self.cluster is not None and self.scale:
                self.cluster.scale(self.scale)
            self._client = Client(self.address if self.address is not None else self.cluster)
        return self._client

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> list:
        """``[fn(x) for x in items]``, computed on the cluster, in the order of ``items``.
        An exception in a task is raised here, as in-process."""
        items = list(items)
        if not items:
            return []
        futures = self.client.map(fn, items, pure=False)
        return list(self.client.gather(futures))

    def close(self) -> None:
        if self._client is not None and self._own_client:
            self._client.close()
            self._client = None

    def __enter__(self) -> "DaskExecutor":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

