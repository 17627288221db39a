"""The report a reviewer reads: one self-contained HTML page and its Markdown twin.

``theorycheck report [--out DIR]`` writes ``DIR/report.html`` and ``DIR/report.md``:

* **Summary**: verdict counts per paper (the paper is the claim ID before the first dot), with
  the paper cited by authors, title and venue (:mod:`theorycheck.core.papers`).
* **Errata**: every claim whose verdict is ``corrected`` or ``fails``: the statement as printed,
  the corrected statement, and the decisive evidence (the parts of the check that rejected
  the printed statement, and the counterexample).
* **Claims**: one section per claim, ``id="<claim ID>"``: the verdict with the strength of its
  evidence and the statement's provenance, the paper, source, statement (as math: see
  :mod:`theorycheck.app.mathml`; where the claim has a SymPy form, the printed statement too),
  method, finding, correction, the kill count of its declared wrong variants (from
  ``docs/mutants.json`` when present), evidence (tables: lists as rows, numbers with 4
  significant digits), the figures that illustrate it, the time taken, and the shell-quoted
  command that re-runs just that check.
* **Papers** and **Environment**: the citations, package versions, device, date.

The HTML page needs nothing from the network: no scripts, no fonts, no style sheets from
elsewhere; figures are embedded as base64 ``data:`` URIs and math is MathML, which browsers render
natively. The Markdown twin references the figures copied beside it (``DIR/figures/``).

Safety: every string that reaches the page (statements, findings, evidence keys and values,
symbol names inside SymPy's MathML, results read back with ``report --results``) is escaped.
Figures come only from the figure folder (``--figures``, default the package's own
``figures/``), by file name: a name with a folder in it, a file outside the folder (a link
pointing elsewhere included), or a file that is not a PNG, JPEG or SVG image is refused and
shown as such, never embedded.

Figures of a claim, all by file name in the figure folder:

1. the figure registry :data:`theorycheck.app.plots.FIGURES` (figure -> the claims it illustrates);
2. names listed under a ``"figures"`` key anywhere in the claim's evidence;
3. claim tags of the form ``"figure:NAME"``;
4. names registered with :func:`register_figures` (``claim-ID prefix -> names``);
5. ``<figures>/index.json``, a mapping ``{"claim-ID prefix": ["file.png", ...]}``;
6. files named after the claim: ``<ID>.png`` or ``<ID>--<anything>.png`` (also ``.svg``, ``.jpg``).

A figure that is named but missing is shown as missing (never silently dropped).
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import json
import math
import os
import platform
import shutil
from collections import Counter
from pathlib import Path
from typing import Any, Iterable

from theorycheck.app import mathml as mm
from theorycheck.core.registry import Claim

#: Column order of the summary table.
VERDICT_ORDER = ("holds", "sharpened", "corrected", "fails", "inconclusive", "crash", "not run")
#: Verdicts listed under Errata.
ERRATA_VERDICTS = ("corrected", "fails")
#: Longest text (characters) of one evidence value in the report; the full evidence is in the
#: results JSON (``theorycheck verify --json``).
EVIDENCE_MAX_CHARS = 4000
#: Rows shown of a list in the evidence tables (the rest is counted, not shown).
EVIDENCE_MAX_ROWS = 40
#: Significant digits of floats in the evidence tables (the full value is in the cell's title).
EVIDENCE_DIGITS = 4
_IMAGE_TYPES = {".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
_MAGIC = {".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",)}
_MATHML_NS = mm.MATHML_NS

_FIGURES: dict[str, list[str]] = {}


def register_figures(id_prefix: str, *names: str) -> None:
    """Attach figure files (names in the figure folder) to every claim whose ID equals
    ``id_prefix`` or starts with ``id_prefix + "."``."""
    _FIGURES.setdefault(id_prefix, [])
    for p in names:
        if p not in _FIGURES[id_prefix]:
            _FIGURES[id_prefix].append(p)


def paper_of(claim_id: str) -> str:
    """The paper of a claim: its ID before the first dot (``K24.lemma5`` -> ``K24``)."""
    return claim_id.split(".", 1)[0]


def citation(key: str) -> str | None:
    """The full citation of paper ``key`` (:func:`theorycheck.core.papers.cite`), ``None`` if unknown."""
    from theorycheck.core import papers

    return papers.cite(key) if key in papers.PAPERS else None


def short_citation(key: str) -> str | None:
    from theorycheck.core import papers

    return papers.short(key) if key in papers.PAPERS else None


def _under(claim_id: str, prefix: str) -> bool:
    return claim_id == prefix or claim_id.startswith(prefix.rstrip(".") + ".")


# --- figures ----------------------------------------------------------------------------------------

def _evidence_figures(ev: Any, depth: int = 0) -> list[str]:
    out: list[str] = []
    if depth > 8:
        return out
    if isinstance(ev, dict):
        for k, v in ev.items():
            if k == "figures":
                out += [v] if isinstance(v, str) else [str(x) for x in v] if isinstance(v, (list, tuple)) else []
            else:
                out += _evidence_figures(v, depth + 1)
    elif isinstance(ev, (list, tuple)):
        for v in ev:
            out += _evidence_figures(v, depth + 1)
    return out


def figure_names(claim: Claim, outcome: dict | None, figures_dir: str | Path) -> list[str]:
    """The figure names given for ``claim`` (see the module docstring), in order, without repeats.
    Names are returned as given; :func:`resolve_figure` decides whether one may be embedded."""
    from theorycheck.app.plots import figures_for

    names: list[str] = list(figures_for(claim.id))
    if outcome:
        names += _evidence_figures(outcome.get("evidence", {}))
    names += [t.split(":", 1)[1] for t in claim.tags if t.startswith("figure:")]
    for prefix, paths in _FIGURES.items():
        if _under(claim.id, prefix):
            names += paths
    fd = Path(figures_dir)
    for prefix, paths in _figure_index(fd).items():
        if _under(claim.id, prefix):
            names += paths
    if fd.is_dir():
        for f in sorted(fd.iterdir()):
            if f.suffix.lower() in _IMAGE_TYPES and (f.stem == claim.id or f.stem.startswith(claim.id + "--")):
                names.append(f.name)
    seen: list[str] = []
    for n in names:
        if n not in seen:
            seen.append(n)
    return seen


# kept for callers of the former name
figure_paths = figure_names


def _figure_index(figures_dir: Path) -> dict[str, list[str]]:
    """``figures_dir/index.json`` (claim-ID prefix -> file names), or {} when there is none.
    A malformed index is an error naming the file (never silently ignored)."""
    f = figures_dir / "index.json"
    if not f.is_file():
        return {}
    try:
        data = json.loads(f.read_text(encoding="utf-8"))
    except ValueError as e:
        raise ValueError(f"figures: {f} is not valid JSON ({e})") from None
    if not isinstance(data, dict) or not all(
            isinstance(v, list) and all(isinstance(x, str) for x in v) for v in data.values()):
        raise ValueError(f"figures: {f} must map claim-ID prefixes to lists of file names")
    return data


def resolve_figure(name: str, figures_dir: str | Path) -> tuple[Path | None, str | None]:
    """``(path, None)`` for a figure that may be embedded, else ``(None, why)``.

    Only a plain file name (no folder, not hidden) of a PNG, JPEG or SVG file directly inside
    ``figures_dir`` is accepted, after following links; a PNG or JPEG must start with its
    format's signature."""
    if not isinstance(name, str) or not name or name != os.path.basename(name) or "/" in name or "\\" in name \
            or name.startswith(".") or "\0" in name:
        return None, "refused: only plain file names in the figure folder are embedded"
    ext = Path(name).suffix.lower()
    if ext not in _IMAGE_TYPES:
        return None, "refused: not a PNG, JPEG or SVG file name"
    fd = Path(figures_dir)
    try:
        root = fd.resolve(strict=True)
        p = (fd / name).resolve(strict=True)
    except (OSError, RuntimeError):
        return None, "not found"
    if p.parent != root or not p.is_file():
        return None, "refused: the file lies outside the figure folder"
    if ext in _MAGIC:
        try:
            with open(p, "rb") as fh:
                head = fh.read(8)
        except OSError:
            return None, "not readable"
        if not head.startswith(_MAGIC[ext]):
            return None, f"refused: not a {ext[1:].upper()} image"
    return p, None


# --- printed forms ----------------------------------------------------------------------------------

def printed_forms(claim: Claim) -> list[tuple[str, Any]]:
    """The claim's statement as printed, in machine form, as ``(label, value)`` pairs
    (a dict gives one pair per key; ``[]`` when there is none or it cannot be built)."""
    try:
        p = claim.printed_statement()
    except Exception as e:  # noqa: BLE001 - shown in the report, never fatal
        return [("(printed form unavailable)", f"{type(e).__name__}: {e}")]
    if p is None:
        return []
    if isinstance(p, dict):
        return [(str(k), v) for k, v in p.items()]
    return [("", p)]


def _is_sympy(v: Any) -> bool:
    return (type(v).__module__ or "").startswith("sympy")


def mathml(expr: Any, display: str = "inline") -> str:
    """``<math>`` element for a SymPy object (SymPy's presentation printer, safely serialised:
    symbol names are escaped)."""
    return mm.sympy_mathml(expr, display)


def latex(expr: Any) -> str:
    import sympy as sp

    return sp.latex(expr)


def _has_sympy(v: Any, depth: int = 0) -> bool:
    if _is_sympy(v):
        return True
    if depth > 4:
        return False
    if isinstance(v, dict):
        return any(_has_sympy(x, depth + 1) for x in v.values())
    if isinstance(v, (list, tuple)):
        return any(_has_sympy(x, depth + 1) for x in v)
    return False


def _value_html(v: Any) -> str:
    """A printed value as HTML: SymPy objects as MathML (also inside dicts, lists, tuples)."""
    if _is_sympy(v):
        try:
            return mathml(v, display="block")
        except Exception:  # noqa: BLE001 - fall back to text
            return f"<code>{html.escape(str(v))}</code>"
    if isinstance(v, dict) and _has_sympy(v):
        rows = "".join(f"<tr><td>{html.escape(str(k))}</td><td>{_value_html(x)}</td></tr>" for k, x in v.items())
        return f'<table class="printed">{rows}</table>'
    if isinstance(v, (list, tuple)) and _has_sympy(v):
        return "(" + ", ".join(_value_html(x) for x in v) + ")"
    return f"<code>{html.escape(repr(v) if not isinstance(v, str) else v)}</code>"


def _value_md(v: Any) -> str:
    if _is_sympy(v):
        try:
            return f"${latex(v)}$ (`{v}`)"
        except Exception:  # noqa: BLE001
            return f"`{v}`"
    if isinstance(v, dict) and _has_sympy(v):
        return "{" + ", ".join(f"{k}: {_value_md(x)}" for k, x in v.items()) + "}"
    if isinstance(v, (list, tuple)) and _has_sympy(v):
        return "(" + ", ".join(_value_md(x) for x in v) + ")"
    return f"`{v!r}`" if not isinstance(v, str) else f"`{v}`"


def decisive_evidence(o: dict) -> dict:
    """The evidence that rejected the printed statement: the parts whose own verdict is
    ``corrected`` or ``fails`` and the counterexample; the whole evidence when the check has
    no parts."""
    ev = o.get("evidence") or {}
    if not isinstance(ev, dict):
        return {"evidence": ev}
    parts = {k: v for k, v in ev.items() if isinstance(v, dict) and v.get("verdict") in ERRATA_VERDICTS}
    if "counterexample" in ev:
        parts["counterexample"] = ev["counterexample"]
    return parts or ev


def rerun_command(claim: Claim, profile: str) -> str:
    """The shell command (shell-quoted) that re-runs exactly this check, with its summary."""
    from theorycheck.core.runner import claim_rerun

    return claim_rerun(claim, profile)


def environment() -> dict[str, Any]:
    """Package versions, device and date of this report."""
    from importlib.metadata import PackageNotFoundError, version

    from theorycheck.core.version import __version__

    pk = {}
    for d in ("sympy", "mpmath", "numpy", "scipy", "torch", "matplotlib", "dask", "distributed"):
        try:
            pk[d] = version(d)
        except PackageNotFoundError:
            pk[d] = "not installed"
    device = f"CPU: {platform.machine()} ({os.cpu_count()} logical cores)"
    from theorycheck.core.store import nvidia_driver_present

    if pk["torch"] != "not installed" and not nvidia_driver_present():
        device += "; no CUDA device (no NVIDIA driver)"
    elif pk["torch"] != "not installed":
        try:
            import torch

            if torch.cuda.is_available():
                device += "; CUDA: " + ", ".join(torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count()))
            else:
                device += "; no CUDA device"
        except Exception as e:  # noqa: BLE001
            device += f"; torch unusable ({type(e).__name__})"
    return {
        "theorycheck": __version__,
        "python": platform.python_version(),
        "packages": pk,
        "platform": platform.platform(),
        "device": device,
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _kill_count(mutants: dict | None, claim_id: str) -> dict | None:
    if not mutants:
        return None
    c = (mutants.get("counts") or {}).get(claim_id)
    if not isinstance(c, dict):
        return None
    try:
        return {k: int(c.get(k, 0)) for k in ("wrong", "killed", "stronger", "accepted")}
    except (TypeError, ValueError):
        return None


def build(claims: Iterable[Claim], outcomes: Iterable[dict], profile: str = "quick",
          figures_dir: str | Path | None = None, env: dict | None = None, mutants: dict | None = None,
          progress: str = "never") -> dict:
    """The report's content: every claim in ``claims`` with its outcome (a ``verify --json``
    claim dict) or ``None`` when it has none yet."""
    from theorycheck.app.plots import FIGURE_DIR, FIGURES, read_metadata
    from theorycheck.core.progress import track

    by_id = {o["id"]: o for o in outcomes if isinstance(o, dict) and isinstance(o.get("id"), str)}
    fd = Path(figures_dir) if figures_dir is not None else FIGURE_DIR
    entries = []
    claims = list(claims)
    on = {"auto": None, "always": True, "never": False}[progress]
    for c in track(claims, label="report: sections", enabled=on):
        o = by_id.get(c.id)
        figs = []
        for name in figure_names(c, o, fd):
            path, why = resolve_figure(name, fd)
            spec = FIGURES.get(name)
            figs.append({"name": name, "path": path, "why": why, "caption": spec.caption if spec else None,
                         "meta": read_metadata(path) if path is not None else {},
                         "registered_profile": spec.profile if spec else None})
        entries.append({
            "claim": c,
            "outcome": o,
            "verdict": str(o.get("verdict")) if o else "not run",
            "printed": printed_forms(c),
            "figures": figs,
            "rerun": rerun_command(c, profile),
            "kills": _kill_count(mutants, c.id),
        })
    counts: dict[str, Counter] = {}
    for e in entries:
        counts.setdefault(paper_of(e["claim"].id), Counter())[e["verdict"]] += 1
    return {"entries": entries, "counts": counts, "profile": profile, "env": env or environment(),
            "mutants_profile": (mutants or {}).get("profile"), "figures_dir": str(fd)}


# --- HTML ---------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:64rem;margin:2rem auto;padding:0 1rem;
color:#1d1d1f;line-height:1.45}
h1{font-size:1.7rem}h2{border-bottom:2px solid #ddd;padding-bottom:.2rem;margin-top:2.2rem}
table{border-collapse:collapse;margin:.4rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;vertical-align:top;
text-align:left}th{background:#f4f4f6}
table.counts td{text-align:right}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:.6rem;font-size:.85rem;font-weight:600;color:#fff}
.chip{display:inline-block;padding:.05rem .45rem;border-radius:.6rem;font-size:.8rem;border:1px solid #bbb;
color:#333;margin-left:.3rem;font-weight:400}
.v-holds{background:#2e7d32}.v-sharpened{background:#1565c0}.v-corrected{background:#ef6c00}.v-fails{background:#c62828}
.v-inconclusive{background:#6d6d6d}.v-crash{background:#000}.v-not-run{background:#9e9e9e}
section.claim,section.erratum{border:1px solid #ddd;border-radius:.4rem;padding:.2rem 1rem .8rem;margin:1rem 0}
table.ev{font-size:.85rem}table.ev:not(.records):not(.list):not(.matrix)>tbody>tr>td:first-child{font-weight:600;
white-space:nowrap}
table.ev td.num{text-align:right;font-variant-numeric:tabular-nums}table.ev th{font-size:.8rem}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem}
pre{background:#f6f8fa;padding:.5rem;overflow-x:auto}
figure{margin:.8rem 0}figure img{max-width:100%;border:1px solid #eee}
figcaption{font-size:.85rem;color:#444}
.missing{color:#c62828}.note{color:#555;font-size:.9rem}
math{font-size:1.05rem}
"""


def _badge(v: str) -> str:
    return f'<span class="badge v-{html.escape(v.replace(" ", "-"))}">{html.escape(v)}</span>'


def _t(s: Any) -> str:
    """Statement/finding/correction text as HTML: prose escaped, math as MathML."""
    return mm.text_html(s if isinstance(s, str) else str(s))


def _fmt_num(x: Any) -> str:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return html.escape(str(x))
    if isinstance(x, int):
        return f"{x}"
    if not math.isfinite(x):
        return html.escape(str(x))
    return f"{x:.{EVIDENCE_DIGITS}g}"


def _num_cell(x: Any) -> str:
    full = html.escape(repr(x) if isinstance(x, float) else str(x), quote=True)
    return f'<td class="num" title="{full}">{_fmt_num(x)}</td>'


def _is_scalar(x: Any) -> bool:
    return x is None or isinstance(x, (bool, int, float, str))


def _num_string(s: str) -> str:
    """A long decimal string (an mpmath value) shortened, with the full value in the title."""
    try:
        v = float(s)
    except ValueError:
        return f"<code>{html.escape(_cut(s))}</code>"
    if len(s) <= 12 or not math.isfinite(v):
        return f"<code>{html.escape(s)}</code>"
    return f'<code title="{html.escape(s, quote=True)}">{v:.{EVIDENCE_DIGITS + 4}g}</code>'


def _cut(s: str) -> str:
    return s if len(s) <= EVIDENCE_MAX_CHARS else s[:EVIDENCE_MAX_CHARS] + f" ... [{len(s)} characters; full evidence in `verify --json`]"


def _ev_html(v: Any, depth: int = 0) -> str:
    """Evidence as HTML tables: dicts as key/value rows, lists of numbers as a row of cells,
    lists of records as a table with a header, matrices as a grid; floats with
    :data:`EVIDENCE_DIGITS` significant digits (the full value in the cell's title)."""
    if depth > 5:
        return f"<code>{html.escape(_cut(json.dumps(v, allow_nan=False, default=str)))}</code>"
    if isinstance(v, dict):
        if not v:
            return "<code>{}</code>"
        rows = "".join(f"<tr><td>{html.escape(str(k))}</td>{_ev_cell(x, depth + 1)}</tr>" for k, x in v.items())
        return f'<table class="ev">{rows}</table>'
    if isinstance(v, list):
        return _list_html(v, depth)
    if isinstance(v, bool) or v is None:
        return f"<code>{html.escape(json.dumps(v))}</code>"
    if isinstance(v, (int, float)):
        return f'<span title="{html.escape(repr(v), quote=True)}">{_fmt_num(v)}</span>'
    return _num_string(str(v)) if _looks_numeric(str(v)) else f"<code>{html.escape(_cut(str(v)))}</code>"


def _looks_numeric(s: str) -> bool:
    try:
        float(s)
        return True
    except ValueError:
        return False


def _ev_cell(x: Any, depth: int) -> str:
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return _num_cell(x)
    return f"<td>{_ev_html(x, depth)}</td>"


def _more(n: int) -> str:
    return f'<p class="note">... {n} more (full evidence: <code>theorycheck verify --json</code>)</p>' if n > 0 else ""


def _list_html(v: list, depth: int) -> str:
    if not v:
        return "<code>[]</code>"
    shown, rest = v[:EVIDENCE_MAX_ROWS], len(v) - EVIDENCE_MAX_ROWS
    if all(_is_scalar(x) for x in v):
        cells = [_ev_cell(x, depth + 1) for x in shown]
        rows = ["<tr>" + "".join(cells[i:i + 10]) + "</tr>" for i in range(0, len(cells), 10)]  # 10 per row
        return f'<table class="ev list">{"".join(rows)}</table>{_more(rest)}'
    if all(isinstance(x, dict) for x in v):
        keys: list[str] = []
        for x in shown:
            for k in x:
                if k not in keys:
                    keys.append(k)
        if len(keys) <= 14:
            head = "<tr>" + "".join(f"<th>{html.escape(str(k))}</th>" for k in keys) + "</tr>"
            body = "".join("<tr>" + "".join(_ev_cell(x[k], depth + 1) if k in x else "<td></td>" for k in keys)
                           + "</tr>" for x in shown)
            return f'<table class="ev records">{head}{body}</table>{_more(rest)}'
    if all(isinstance(x, list) and all(_is_scalar(y) for y in x) for x in v):
        body = "".join("<tr>" + "".join(_ev_cell(y, depth + 1) for y in x[:EVIDENCE_MAX_ROWS]) + "</tr>" for x in shown)
        return f'<table class="ev matrix">{body}</table>{_more(rest)}'
    rows = "".join(f"<tr><td>{i}</td>{_ev_cell(x, depth + 1)}</tr>" for i, x in enumerate(shown))
    return f'<table class="ev">{rows}</table>{_more(rest)}'


def _figure_html(f: dict) -> str:
    p = f["path"]
    name = html.escape(f["name"], quote=True)
    if p is None:
        why = f.get("why") or "not found"
        return (f'<p class="missing" data-missing-figure="{name}">Figure {html.escape(why)}: '
                f'<code>{name}</code> (figures are made with <code>theorycheck plot</code>).</p>')
    mime = _IMAGE_TYPES.get(p.suffix.lower(), "application/octet-stream")
    data = base64.b64encode(p.read_bytes()).decode("ascii")
    meta = f.get("meta") or {}
    made = []
    if meta.get("profile"):
        made.append(f"made with the <b>{html.escape(meta['profile'])}</b> profile")
    if meta.get("version"):
        made.append(f"theorycheck {html.escape(meta['version'])}")
    if not meta:
        made.append("no theorycheck metadata (profile unknown)")
    caption = (_t(f["caption"]) + " ") if f.get("caption") else ""
    return (f'<figure><img src="data:{mime};base64,{data}" alt="{name}" data-figure="{name}">'
            f"<figcaption>{caption}<code>{name}</code>: {', '.join(made)}.</figcaption></figure>")


def _printed_html(forms: list) -> str:
    if not forms:
        return ""
    rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{_value_html(v)}</td></tr>" for k, v in forms)
    return f'<table class="printed">{rows}</table>'


def _seconds_text(o: dict) -> str:
    try:
        s = f"{float(o.get('seconds', 0)):.2f} s"
    except (TypeError, ValueError):
        s = "? s"
    if o.get("cached"):
        s += " (reused from the results store" + (f", computed {o['stored_at']}" if o.get("stored_at") else "") + ")"
    return s


def _kills_text(k: dict | None) -> str | None:
    if not k:
        return None
    s = f"{k['killed']}/{k['wrong']} declared wrong variants rejected"
    if k["stronger"]:
        s += f", {k['accepted']}/{k['stronger']} stronger true variants accepted"
    return s


def render_html(rep: dict) -> str:
    """The report as one self-contained HTML page."""
    e_all = rep["entries"]
    papers = sorted(rep["counts"])
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           "<title>theorycheck report</title>", f"<style>{_CSS}</style></head><body>",
           "<h1>theorycheck report</h1>",
           f'<p class="note">{len(e_all)} claims, profile <code>{html.escape(rep["profile"])}</code>, '
           f'generated {html.escape(rep["env"]["date"])}. Sections: <a href="#summary">Summary</a> · '
           '<a href="#errata">Errata</a> · <a href="#claims">Claims</a> · <a href="#papers">Papers</a> · '
           '<a href="#environment">Environment</a></p>']
    # summary
    cols = [v for v in VERDICT_ORDER if any(c[v] for c in rep["counts"].values())] or ["holds"]
    out.append('<section id="summary"><h2>Summary</h2><table class="counts"><tr><th>paper</th>'
               + "".join(f"<th>{_badge(v)}</th>" for v in cols) + "<th>total</th></tr>")
    for paper in papers:
        cnt = rep["counts"][paper]
        short = short_citation(paper)
        label = html.escape(paper) + (f' <span class="note">{html.escape(short)}</span>' if short else "")
        out.append(f'<tr data-paper="{html.escape(paper, quote=True)}"><th>{label}</th>'
                   + "".join(f'<td data-verdict="{html.escape(v, quote=True)}">{cnt[v]}</td>' for v in cols)
                   + f"<td>{sum(cnt.values())}</td></tr>")
    total = Counter()
    for cnt in rep["counts"].values():
        total.update(cnt)
    out.append("<tr><th>all</th>" + "".join(f"<td>{total[v]}</td>" for v in cols) + f"<td>{sum(total.values())}</td></tr>")
    out.append("</table>")
    out.append('<p class="note">Strength of the evidence, weakest first: <code>empirical</code> (simulation), '
               "<code>sampled</code> (evaluations at sampled points), <code>exact-instances</code> (exact arithmetic "
               "at stated values), <code>certified</code> (rigorous enclosures over a range), <code>proved</code> "
               "(symbolic, for every parameter value). Provenance of the statement: <code>seed-fulltext</code> "
               "(transcribed from the paper's full text), <code>seed-abstract</code> (from an abstract or summary: "
               "a correction may reflect the transcription), <code>derived</code> (this package's own statement).</p>")
    if any(e["kills"] for e in e_all):
        out.append('<p class="note">Kill counts: each claim declares wrong variants of its printed statement '
                   "(a wrong constant, sign, exponent, dependence) and true, stronger ones; a check with power "
                   "rejects every wrong one (<code>theorycheck mutants</code>, profile "
                   f"<code>{html.escape(str(rep.get('mutants_profile')))}</code>).</p>")
    out.append("</section>")
    # errata
    errata = [e for e in e_all if e["verdict"] in ERRATA_VERDICTS]
    out.append('<section id="errata"><h2>Errata</h2>')
    if not errata:
        out.append("<p>No claim was found false as printed.</p>")
    for e in errata:
        c, o = e["claim"], e["outcome"]
        cid = html.escape(c.id, quote=True)
        out.append(f'<section class="erratum" data-claim-id="{cid}"><h3>'
                   f'<a href="#{cid}">{html.escape(c.id)}</a> {_badge(e["verdict"])}</h3>'
                   f"<p><b>As printed</b> ({html.escape(c.source)}): {_t(c.statement)}</p>"
                   + _printed_html(e["printed"])
                   + f"<p><b>Finding:</b> {_t(o.get('finding', ''))}</p>"
                   + (f"<p><b>Corrected statement:</b> {_t(o['correction'])}</p>" if o.get("correction") else
                      "<p><b>Corrected statement:</b> none (the claim fails; see the counterexample).</p>")
                   + f"<p><b>Decisive evidence:</b></p>{_ev_html(decisive_evidence(o))}</section>")
    out.append("</section>")
    # claims
    out.append('<section id="claims"><h2>Claims</h2>')
    for e in e_all:
        c, o = e["claim"], e["outcome"]
        cite = citation(paper_of(c.id))
        rows = []
        if cite:
            rows.append(("Paper", html.escape(cite)))
        rows += [("Source", html.escape(c.source)), ("Statement (as printed)", _t(c.statement)),
                 ("Provenance", f"<code>{html.escape(c.provenance)}</code>")]
        if e["printed"]:
            rows.append(("Printed form", _printed_html(e["printed"])))
        chips = f'<span class="chip" title="provenance of the statement">{html.escape(c.provenance)}</span>'
        if o:
            strength = o.get("strength")
            if strength:
                chips = f'<span class="chip" title="strength of the evidence">{html.escape(str(strength))}</span>' + chips
            rows += [("Method", f"<code>{html.escape(str(o.get('method')))}</code>"
                      + (f"; strength <code>{html.escape(str(strength))}</code>" if strength else "")),
                     ("Finding", _t(o.get("finding", "")))]
            if o.get("correction"):
                label = "Stronger statement" if o["verdict"] == "sharpened" else "Corrected statement"
                rows.append((label, _t(o["correction"])))
            rows.append(("Time", html.escape(_seconds_text(o))))
        else:
            rows.append(("Result", "not run yet (no stored result for this claim)"))
        kills = _kills_text(e["kills"])
        if kills:
            rows.append(("Wrong variants", html.escape(kills)))
            k = e["kills"]
            chips += (f'<span class="chip" title="declared wrong variants rejected">killed {k["killed"]}/{k["wrong"]}'
                      "</span>")
        rows.append(("Re-run", f"<code>{html.escape(e['rerun'])}</code>"))
        body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
        ev = f"<h4>Evidence</h4>{_ev_html(o.get('evidence', {}))}" if o else ""
        figs = "".join(_figure_html(f) for f in e["figures"])
        if figs:
            figs = f"<h4>Figures</h4>{figs}"
        cid = html.escape(c.id, quote=True)
        out.append(f'<section class="claim" id="{cid}" data-claim-id="{cid}" '
                   f'data-verdict="{html.escape(e["verdict"], quote=True)}"><h3>{html.escape(c.id)} '
                   f'{_badge(e["verdict"])}{chips}</h3><table>{body}</table>{figs}{ev}</section>')
    out.append("</section>")
    # papers
    out.append('<section id="papers"><h2>Papers</h2><ul>')
    for paper in papers:
        cite = citation(paper)
        out.append(f'<li data-paper="{html.escape(paper, quote=True)}"><b>{html.escape(paper)}</b>: '
                   f"{html.escape(cite) if cite else 'not a paper known to theorycheck (a claim of your own)'}</li>")
    out.append("</ul></section>")
    # environment
    env = rep["env"]
    rows = [("theorycheck", env["theorycheck"]), ("Python", env["python"])] + list(env["packages"].items()) + [
        ("platform", env["platform"]), ("device", env["device"]), ("date", env["date"])]
    out.append('<section id="environment"><h2>Environment</h2><table>'
               + "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>" for k, v in rows)
               + "</table></section>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


# --- Markdown -------------------------------------------------------------------------------------

def _md_text(s: Any) -> str:
    """Text for a Markdown table cell or line: no markup (HTML escaped), no line breaks, pipes escaped."""
    return html.escape(" ".join(str(s).split()), quote=False).replace("|", "\\|")


def _md_safe(s: str) -> str:
    """No tag can start in ``s`` (``<`` and ``>`` as entities); LaTeX's ``&`` is kept."""
    return s.replace("<", "&lt;").replace(">", "&gt;")


def _ev_md(v: Any) -> str:
    text = json.dumps(v, indent=2, allow_nan=False, default=str)
    if len(text) > EVIDENCE_MAX_CHARS:
        text = text[:EVIDENCE_MAX_CHARS] + f"\n... [{len(text)} characters; full evidence in `verify --json`]"
    # a fenced block is literal text in Markdown (no markup inside); only the fence is guarded
    return "```json\n" + text.replace("```", "` ` `") + "\n```"


def render_markdown(rep: dict, figure_links: dict[str, str] | None = None) -> str:
    """The report as Markdown; ``figure_links`` maps a figure name to the path written beside it."""
    links = figure_links or {}
    e_all = rep["entries"]
    out = ["# theorycheck report", "",
           f"{len(e_all)} claims, profile `{rep['profile']}`, generated {rep['env']['date']}.", "", "## Summary", ""]
    cols = [v for v in VERDICT_ORDER if any(c[v] for c in rep["counts"].values())] or ["holds"]
    out.append("| paper | " + " | ".join(cols) + " | total |")
    out.append("|---|" + "---:|" * (len(cols) + 1))
    total = Counter()
    for paper, cnt in sorted(rep["counts"].items()):
        total.update(cnt)
        out.append(f"| {_md_text(paper)} | " + " | ".join(str(cnt[v]) for v in cols) + f" | {sum(cnt.values())} |")
    out.append("| **all** | " + " | ".join(str(total[v]) for v in cols) + f" | {sum(total.values())} |")
    out += ["", "## Errata", ""]
    errata = [e for e in e_all if e["verdict"] in ERRATA_VERDICTS]
    if not errata:
        out.append("No claim was found false as printed.")
    for e in errata:
        c, o = e["claim"], e["outcome"]
        out += [f"### {_md_text(c.id)} ({_md_text(e['verdict'])})", "",
                f"- **As printed** ({_md_text(c.source)}): {_md_text(c.statement)}"]
        out += [f"  - {_md_text(k) + ': ' if k else ''}{_md_safe(_value_md(v))}" for k, v in e["printed"]]
        out.append(f"- **Finding:** {_md_text(o.get('finding', ''))}")
        out.append(f"- **Corrected statement:** {_md_text(o['correction'])}" if o.get("correction")
                   else "- **Corrected statement:** none (the claim fails; see the counterexample).")
        out += ["- **Decisive evidence:**", "", _ev_md(decisive_evidence(o)), ""]
    out += ["", "## Claims", ""]
    for e in e_all:
        c, o = e["claim"], e["outcome"]
        out += [f"### {_md_text(c.id)} ({_md_text(e['verdict'])})", "", "| | |", "|---|---|"]
        cite = citation(paper_of(c.id))
        if cite:
            out.append(f"| Paper | {_md_text(cite)} |")
        out += [f"| Source | {_md_text(c.source)} |", f"| Statement (as printed) | {_md_text(c.statement)} |",
                f"| Provenance | {_md_text(c.provenance)} |"]
        for k, v in e["printed"]:
            out.append(f"| Printed form{' ' + _md_text(k) if k else ''} | "
                       f"{_md_safe(' '.join(_value_md(v).split())).replace('|', chr(92) + '|')} |")
        if o:
            out += [f"| Method | `{_md_text(o.get('method'))}`; strength `{_md_text(o.get('strength'))}` |",
                    f"| Finding | {_md_text(o.get('finding', ''))} |"]
            if o.get("correction"):
                label = "Stronger statement" if o["verdict"] == "sharpened" else "Corrected statement"
                out.append(f"| {label} | {_md_text(o['correction'])} |")
            out.append(f"| Time | {_md_text(_seconds_text(o))} |")
        else:
            out.append("| Result | not run yet (no stored result for this claim) |")
        kills = _kills_text(e["kills"])
        if kills:
            out.append(f"| Wrong variants | {_md_text(kills)} |")
        out += [f"| Re-run | `{_md_safe(e['rerun'])}` |", ""]
        for f in e["figures"]:
            if f["path"] is None:
                out += [f"*Figure {_md_text(f.get('why') or 'not found')}: {_md_text(f['name'])}.*", ""]
            else:
                out += [f"![{_md_text(f['name'])}]({links.get(f['name'], f['name'])})", ""]
        if o:
            out += ["Evidence:", "", _ev_md(o.get("evidence", {})), ""]
    out += ["## Papers", ""]
    for paper in sorted(rep["counts"]):
        cite = citation(paper)
        out.append(f"- **{_md_text(paper)}**: {_md_text(cite) if cite else 'a claim of your own'}")
    env = rep["env"]
    out += ["", "## Environment", "", "| | |", "|---|---|", f"| theorycheck | {env['theorycheck']} |",
            f"| Python | {env['python']} |"]
    out += [f"| {k} | {v} |" for k, v in env["packages"].items()]
    out += [f"| platform | {env['platform']} |", f"| device | {env['device']} |", f"| date | {env['date']} |", ""]
    return "\n".join(out)


def write_report(claims: Iterable[Claim], outcomes: Iterable[dict], out_dir: str | Path = "report",
                 profile: str = "quick", figures_dir: str | Path | None = None, mutants: dict | None = None,
                 progress: str = "never") -> tuple[Path, Path]:
    """Write ``out_dir/report.html`` (self-contained) and ``out_dir/report.md`` (figures copied
    to ``out_dir/figures/``); returns both paths. ``figures_dir`` defaults to the package's own
    figures (:data:`theorycheck.app.plots.FIGURE_DIR`)."""
    from theorycheck.core.store import atomic_write_text

    rep = build(list(claims), list(outcomes), profile=profile, figures_dir=figures_dir, mutants=mutants,
                progress=progress)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    links: dict[str, str] = {}
    for e in rep["entries"]:
        for f in e["figures"]:
            if f["path"] is not None and f["name"] not in links:
                dest = out / "figures" / f["path"].name
                dest.parent.mkdir(exist_ok=True)
                if f["path"].resolve() != dest.resolve():
                    shutil.copyfile(f["path"], dest)
                links[f["name"]] = f"figures/{f['path'].name}"
    h, m = out / "report.html", out / "report.md"
    atomic_write_text(h, render_html(rep))
    atomic_write_text(m, render_markdown(rep, links))
    return h, m
