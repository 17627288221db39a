"""Executors: where the independent tasks of a sweep run.

A sweep builds a list of independent, picklable tasks and hands them to an executor's
:meth:`Executor.map`. The default runs them in-process, in order. Other back-ends (e.g.
Dask, for clusters) implement the same one-method interface, and must return results in
the order of the inputs so that a sweep gives the same answer wherever it runs.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Protocol

from theorycheck.core.dask_executor import (
    DaskExecutor,  # cheap: dask itself is imported on first use
)


class Executor(Protocol):
    """Anything with ``map(fn, items) -> list`` (results in input order)."""

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> list: ...


class InProcessExecutor:
    """Runs every task in this process, in order."""

    name = "in-process"

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> list:
        return [fn(x) for x in items]


_FACTORIES: dict[str, Callable[..., Executor]] = {
    "in-process": lambda **kw: InProcessExecutor(),
    "dask": lambda **kw: DaskExecutor(**kw),
}


def register_executor(name: str, factory: Callable[..., Executor]) -> None:
    """Make ``get_executor(name, **kw)`` build an executor with ``factory(**kw)``."""
    _FACTORIES[name] = factory


# --- the session's default (set by ``theorycheck verify/plot --executor``) ----------------------
_DEFAULTS: list = []


class default_executor:
    """``with default_executor(ex): ...`` makes ``get_executor(None)`` return ``ex`` inside the
    block, so every sweep of the checks and plots run there (the CLI's ``--executor dask``)."""

    def __init__(self, executor: "Executor"):
        self.executor = executor

    def __enter__(self) -> "Executor":
        _DEFAULTS.append(self.executor)
        return self.executor

    def __exit__(self, *exc) -> None:
        _DEFAULTS.remove(self.executor)


def get_executor(spec: "str | Executor | None" = None, **kw) -> Executor:
    """An executor from a name (``"in-process"``, or a registered back-end), an executor
    object (returned as is), or ``None`` (the default set by :class:`default_executor`, else
    in-process)."""
    if spec is None:
        return _DEFAULTS[-1] if _DEFAULTS else InProcessExecutor()
    if not isinstance(spec, str):
        if not hasattr(spec, "map"):
            raise ValueError(f"executor: needs a map(fn, items) method, got {type(spec).__name__}")
        return spec
    if spec not in _FACTORIES:
        raise ValueError(f"executor: unknown back-end {spec!r}; known: {sorted(_FACTORIES)}")
    return _FACTORIES[spec](**kw)
