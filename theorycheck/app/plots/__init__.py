"""Figure registry: ``theorycheck plot NAME`` runs the plotter registered under NAME.

A plotter is ``fn(out_dir: pathlib.Path, profile: str) -> list[pathlib.Path]`` (the
files it wrote), registered with :func:`plotter`. Modules of this package are
discovered automatically. Plot modules import matplotlib with the Agg back-end only
inside the plotter, so listing plots stays cheap.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import Callable

PlotFn = Callable[[Path, str], list]
_PLOTS: dict[str, tuple[PlotFn, str]] = {}


def plotter(name: str, description: str) -> Callable[[PlotFn], PlotFn]:
    """Register ``fn(out_dir, profile) -> list[Path]`` as the plot ``name``."""

    def deco(fn: PlotFn) -> PlotFn:
        _PLOTS[name] = (fn, description)
        return fn

    return deco


def available() -> dict[str, str]:
    """Name -> description of every plot (discovers the plot modules)."""
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
    return {k: v[1] for k, v in sorted(_PLOTS.items())}


def make(name: str, out_dir: str | Path = "figures", profile: str = "quick") -> list[Path]:
    """Run the plotter ``name`` and return the files it wrote."""
    names = available()
    if name not in names:
        raise ValueError(f"plot: unknown plot {name!r}; known: {sorted(names)}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return _PLOTS[name][0](out, profile)


def agg_pyplot():
    """matplotlib.pyplot with the non-interactive Agg back-end."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt
