"""Figures: ``theorycheck plot NAME`` runs the plotter registered under NAME.

A plotter is ``fn(out_dir: pathlib.Path, profile: str) -> list[pathlib.Path]`` (the files it
wrote), registered with :func:`plotter`; it saves each figure with :func:`save`. Modules of this
package are discovered automatically. Plot modules import matplotlib with the Agg back-end only
inside the plotter, so listing plots stays cheap.

:data:`FIGURES` is the figure registry: for each figure file, the plot that writes it, the claims
it illustrates (the report shows it in each of their sections) and the profile the committed copy
in ``figures/`` is made with. :func:`save` writes that information, with the package version,
into the PNG's metadata and into a visible footnote, so a figure always says what made it.
"""

from __future__ import annotations

import importlib
import pkgutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

PlotFn = Callable[[Path, str], list]
_PLOTS: dict[str, tuple[PlotFn, str]] = {}

#: The package's own figure folder: the committed figures (``figures/`` beside the package).
FIGURE_DIR = Path(__file__).resolve().parents[3] / "figures"

#: Keys of the PNG text chunks :func:`save` writes.
META_PREFIX = "theorycheck:"


@dataclass(frozen=True)
class FigureSpec:
    """One figure file: the plot that writes it, the claims it illustrates, the profile of the
    committed copy, and a one-line caption."""

    plot: str
    claims: tuple[str, ...]
    profile: str
    caption: str


#: file name -> what it is. ``profile`` is the profile the committed copy in figures/ was made with
#: (``theorycheck plot NAME --out figures --profile PROFILE``); a test checks each committed PNG's
#: metadata against this table. The full profile where it runs in minutes on a 2-core CPU; quick for
#: the K24 simulator figures (the full problem, c = 2047 and d = 24576, needs a GPU) and for y26
#: (about 25 minutes on 2 cores).
FIGURES: dict[str, FigureSpec] = {
    "theorem3_loss_curves.png": FigureSpec(
        "theorem3", ("K24.thm3", "K24.lemma7"), "full",
        "Per-class loss under gradient flow (log-log: 1/(pi_k t) is a line) and sign flow (semi-log: e^{-2t} is a "
        "line; the printed e^{-ct} is far off)."),
    "theorem3_collapse.png": FigureSpec(
        "theorem3", ("K24.thm3", "K24.lemma6"), "full",
        "Gradient-flow curves of all classes collapse against pi_k t, with the asymptote and Lemma 6's threshold."),
    "optimizers_groups.png": FigureSpec(
        "optimizers", ("K24.fig4", "K24.fig5"), "quick",
        "Loss per frequency group for each optimizer at its A.4-selected step (K24 figures 4/19)."),
    "optimizers_inputs.png": FigureSpec(
        "optimizers", ("K24.C1",), "quick",
        "GD per frequency group with N(1,1) and N(0,1) inputs (K24 figure 15)."),
    "fig7_grad_vs_hessian.png": FigureSpec(
        "fig7", ("K24.fig7",), "quick",
        "Gradient norm vs Hessian trace of the blocks w_k along Adam's path, coloured by class frequency."),
    "fig7_trace_diag.png": FigureSpec(
        "fig7_trace_diag", ("K24.fig7", "EXT.smoothness.trace_diag"), "full",
        "Block trace with the correct diagonal p(1-p)||x||^2 and with the released script's x."),
    "fig8_hessian_blocks.png": FigureSpec(
        "fig8_blocks", ("K24.H1.fig8",), "full",
        "|Hessian| on 40 classes x 40 dims and |block traces| along Adam's path (K24 figure 8 analogue)."),
    "smoothness_along_path.png": FigureSpec(
        "smoothness", ("EXT.smoothness.geometry", "EXT.smoothness.l11_closed_form"), "full",
        "||H||_{1,1}, the ||H||_{inf->1} lower bound, P lambda_max and lambda_max along GD and Adam paths."),
    "k24_prop2_ratio.png": FigureSpec(
        "k24_prop2", ("K24.prop2.train",), "full",
        "Gradient norm over the (1/p)-scaled Hessian trace against c: -> 1 for fixed p, not for p -> 0."),
    "t26_signsgd_vs_sgd.png": FigureSpec(
        "t26", ("T26.exp.det", "T26.exp.sparse", "T26.complexity"), "full",
        "Tuned SignSGD vs SGD on T26's two experiments, and N_SGD/N_SignSGD against d."),
    "x24.png": FigureSpec(
        "x24", ("X24.rotation", "X24.rates", "X24.estimators", "X24.blockwise"), "full",
        "Adam vs ||H||_{1,1} under rotations, rates vs constants, the Cauchy estimator, blockwise Adam."),
    "y25_nsd_wd.png": FigureSpec(
        "y25", ("Y25.thm21", "Y25.exp", "Y25.lemma33"), "full",
        "Suboptimality of sign descent and normalized GD (NSD-WD) with Theorem 2.1's bounds; V_d against d."),
    "y26.png": FigureSpec(
        "y26", ("Y26.convergence", "Y26.tail_index", "Y26.noise"), "quick",
        "Suboptimality and divergence vs tail index, tail-index estimators, and the noise condition."),
}


def figures_for(claim_id: str) -> list[str]:
    """The registered figure files that illustrate ``claim_id``, in registry order."""
    return [f for f, spec in FIGURES.items() if claim_id in spec.claims]


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


def make(name: str, out_dir: str | Path, profile: str = "quick") -> list[Path]:
    """Run the plotter ``name`` and return the files it wrote."""
    names = available()
    if name not in names:
        raise ValueError(f"plot: unknown plot {name!r}; known: {sorted(names)}")
    if profile not in ("quick", "full"):
        raise ValueError(f"profile: must be 'quick' or 'full', got {profile!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _STARTED[name] = time.perf_counter()
    return _PLOTS[name][0](out, profile)


def make_many(names: list[str], out_dir: str | Path, profile: str = "quick", progress: str = "auto") -> list[Path]:
    """Run several plotters, with a progress line on a terminal. The estimate of a plot is the
    time it took last (read from the metadata of its files in ``out_dir``, else in the committed
    figures when they were made with the same profile)."""
    from theorycheck.core.progress import Progress

    prog = Progress(enabled={"auto": None, "always": True, "never": False}[progress], noun="plots")
    prog.plan(len(names), 0, {n: past_seconds(n, out_dir, profile) for n in names})
    files: list[Path] = []
    try:
        for n in names:
            prog.start(n)
            t0 = time.perf_counter()
            files += make(n, out_dir, profile)
            prog.done(n, time.perf_counter() - t0)
    finally:
        prog.close()
    return files


def past_seconds(plot: str, out_dir: str | Path, profile: str) -> float | None:
    """How long plot ``plot`` took when it last wrote its files (from their metadata), or None."""
    for folder in (Path(out_dir), FIGURE_DIR):
        for f, spec in FIGURES.items():
            if spec.plot != plot:
                continue
            meta = read_metadata(folder / f)
            if meta.get("profile") == profile and meta.get("seconds"):
                try:
                    return float(meta["seconds"])
                except ValueError:
                    pass
    return None


def agg_pyplot():
    """matplotlib.pyplot with the non-interactive Agg back-end."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


_STARTED: dict[str, float] = {}


def footnote(name: str, profile: str) -> str:
    """The line printed under figure ``name``: version, profile, claims, how to remake it."""
    from theorycheck.core.version import __version__

    spec = FIGURES.get(name)
    claims = ", ".join(spec.claims) if spec else "(no claim registered)"
    plot = spec.plot if spec else "?"
    return (f"theorycheck {__version__} | profile: {profile} | illustrates {claims} | "
            f"remake: theorycheck plot {plot} --profile {profile}")


def save(fig, out_dir: str | Path, name: str, profile: str, dpi: int = 100) -> Path:
    """Save ``fig`` as ``out_dir/name`` (PNG) with the footnote and the metadata of
    :func:`footnote`: ``theorycheck:version``, ``theorycheck:profile``, ``theorycheck:claims``
    (comma-separated IDs), ``theorycheck:plot``, ``theorycheck:seconds`` (time since the plotter
    started, when known). The figure is closed."""
    import matplotlib.pyplot as plt

    from theorycheck.core.version import __version__

    spec = FIGURES.get(name)
    fig.text(0.005, 0.0, footnote(name, profile), fontsize=7, color="0.35", ha="left", va="top")
    meta = {"Software": f"theorycheck {__version__} (matplotlib)",
            "Title": name,
            "Description": spec.caption if spec else "",
            f"{META_PREFIX}version": __version__,
            f"{META_PREFIX}profile": profile,
            f"{META_PREFIX}claims": ",".join(spec.claims) if spec else "",
            f"{META_PREFIX}plot": spec.plot if spec else ""}
    started = _STARTED.get(spec.plot) if spec else None
    if started is not None:
        meta[f"{META_PREFIX}seconds"] = f"{time.perf_counter() - started:.1f}"
    path = Path(out_dir) / name
    fig.savefig(path, dpi=dpi, bbox_inches="tight", pad_inches=0.08, metadata=meta)
    plt.close(fig)
    return path


def read_metadata(path: str | Path) -> dict[str, str]:
    """The ``theorycheck:*`` text chunks of a PNG (prefix removed); {} when absent or unreadable.
    Reads the chunks with the standard library (no image decoding)."""
    import struct
    import zlib

    out: dict[str, str] = {}
    try:
        data = Path(path).read_bytes()
    except OSError:
        return out
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return out
    i = 8
    while i + 8 <= len(data):
        (n,) = struct.unpack(">I", data[i:i + 4])
        kind = data[i + 4:i + 8]
        body = data[i + 8:i + 8 + n]
        i += 12 + n
        try:
            if kind == b"tEXt":
                k, v = body.split(b"\0", 1)
                key, val = k.decode("latin-1"), v.decode("latin-1")
            elif kind == b"iTXt":
                k, rest = body.split(b"\0", 1)
                comp, _method = rest[0], rest[1]
                _lang, _tk, text = rest[2:].split(b"\0", 2)
                key = k.decode("latin-1")
                val = (zlib.decompress(text) if comp else text).decode("utf-8")
            elif kind == b"zTXt":
                k, rest = body.split(b"\0", 1)
                key, val = k.decode("latin-1"), zlib.decompress(rest[1:]).decode("latin-1")
            elif kind == b"IEND":
                break
            else:
                continue
        except (ValueError, IndexError, zlib.error):
            continue
        if key.startswith(META_PREFIX):
            out[key[len(META_PREFIX):]] = val
    return out
