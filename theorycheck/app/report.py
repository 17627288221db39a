"""The report a reviewer reads: one self-contained HTML page and its Markdown twin.

``theorycheck report [--out DIR]`` writes ``DIR/report.html`` and ``DIR/report.md``:

* **Summary**: verdict counts per paper (the paper is the claim ID before the first dot).
* **Errata**: every claim whose verdict is ``corrected`` or ``fails``: the statement as printed,
  the corrected statement, and the decisive evidence (the parts of the check that rejected
  the printed statement, and the counterexample).
* **Claims**: one section per registered claim: source, statement (text and, where the claim
  has a SymPy form, the printed statement as MathML), method, finding, correction, evidence
  (values, residuals, tolerances), figures, the time taken, and the command that re-runs just
  that check.
* **Environment**: package versions, device, date.

The HTML page needs nothing from the network: no scripts, no fonts, no style sheets from
elsewhere; figures are embedded as base64 ``data:`` URIs and math is MathML (SymPy's
presentation printer), which browsers render natively. The Markdown twin references the figures
copied beside it (``DIR/figures/``) and writes math as ``$LaTeX$``.

Figures of a claim are found generically, without touching the registry:

1. paths listed under an ``"figures"`` key anywhere in the claim's evidence;
2. claim tags of the form ``"figure:PATH"``;
3. paths registered with :func:`register_figures` (``claim-ID prefix -> files``), e.g. by a
   plot module for the figures ``theorycheck plot`` writes;
4. ``figures/index.json``, a mapping ``{"claim-ID prefix": ["file.png", ...]}`` (file names in the
   figures folder), e.g. ``{"K24.thm3": ["theorem3_collapse.png"]}``: links the files
   ``theorycheck plot`` writes to claims without touching any code;
5. files in the figures folder named after the claim: ``figures/<ID>.png`` or
   ``figures/<ID>--<anything>.png`` (also ``.svg``, ``.jpg``).

A relative path is looked up in the working directory, then in the figures folder.
A figure that is named but missing is shown as missing (never silently dropped).
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import json
import os
import platform
import shutil
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Iterable

from theorycheck.core.registry import Claim

#: Column order of the summary table.
VERDICT_ORDER = ("holds", "sharpened", "corrected", "fails", "inconclusive", "crash", "not run")
#: Verdicts listed under Errata.
ERRATA_VERDICTS = ("corrected", "fails")
#: Evidence rendered longer than this (characters of JSON) is cut in the report; the full
#: evidence is in the results JSON (``theorycheck verify --json``).
EVIDENCE_MAX_CHARS = 4000
_IMAGE_TYPES = {".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
_MATHML_NS = "http://www.w3.org/1998/Math/MathML"

_FIGURES: dict[str, list[str]] = {}


def register_figures(id_prefix: str, *paths: str) -> None:
    """Attach figure files to every claim whose ID equals or starts with ``id_prefix``."""
    _FIGURES.setdefault(id_prefix, [])
    for p in paths:
        if p not in _FIGURES[id_prefix]:
            _FIGURES[id_prefix].append(p)


def paper_of(claim_id: str) -> str:
    """The paper of a claim: its ID before the first dot (``K24.lemma5`` -> ``K24``)."""
    return claim_id.split(".", 1)[0]


# --- gathering ---------------------------------------------------------------------------------

def _evidence_figures(ev: Any) -> list[str]:
    out: list[str] = []
    if isinstance(ev, dict):
        for k, v in ev.items():
            if k == "figures":
                out += [v] if isinstance(v, str) else [str(x) for x in v] if isinstance(v, (list, tuple)) else []
            else:
                out += _evidence_figures(v)
    elif isinstance(ev, (list, tuple)):
        for v in ev:
            out += _evidence_figures(v)
    return out


def figure_paths(claim: Claim, outcome: dict | None, figures_dir: str | Path = "figures") -> list[str]:
    """The figure paths named for ``claim`` (see the module docstring), in order, without repeats."""
    names: list[str] = []
    if outcome:
        names += _evidence_figures(outcome.get("evidence", {}))
    names += [t.split(":", 1)[1] for t in claim.tags if t.startswith("figure:")]
    for prefix, paths in _FIGURES.items():
        if claim.id == prefix or claim.id.startswith(prefix):
            names += paths
    fd = Path(figures_dir)
    for prefix, paths in _figure_index(fd).items():
        if claim.id == prefix or claim.id.startswith(prefix):
            names += [p if Path(p).is_absolute() else str(fd / p) for p in paths]
    if fd.is_dir():
        for f in sorted(fd.iterdir()):
            if f.suffix.lower() in _IMAGE_TYPES and (f.stem == claim.id or f.stem.startswith(claim.id + "--")):
                names.append(str(f))
    seen: list[str] = []
    for n in names:
        if n not in seen:
            seen.append(n)
    return seen


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


def _resolve(name: str, figures_dir: Path) -> Path | None:
    for cand in (Path(name), figures_dir / name, figures_dir / Path(name).name):
        if cand.is_file():
            return cand
    return None


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
    """``<math>`` element for a SymPy object (SymPy's MathML presentation printer)."""
    from sympy.printing.mathml import mathml as _mm

    body = _mm(expr, printer="presentation")
    return f'<math xmlns="{_MATHML_NS}" display="{display}">{body}</math>'


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
    parts = {k: v for k, v in ev.items() if isinstance(v, dict) and v.get("verdict") in ERRATA_VERDICTS}
    if "counterexample" in ev:
        parts["counterexample"] = ev["counterexample"]
    return parts or ev


def rerun_command(claim: Claim, profile: str) -> str:
    """The shell command that re-runs exactly this check (recomputing it, with its evidence)."""
    cmd = ["theorycheck", "verify"]
    mod = sys.modules.get(claim.module)
    f = getattr(mod, "__file__", None)
    if claim.module.startswith("theorycheck_user_") and f:
        try:
            f = os.path.relpath(f)
        except ValueError:
            pass
        cmd += ["--claims", f]
    cmd += ["--only", claim.id]
    if profile != "quick":
        cmd += ["--profile", profile]
    cmd += ["--fresh", "-v"]
    return " ".join(cmd)


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


def build(claims: Iterable[Claim], outcomes: Iterable[dict], profile: str = "quick",
          figures_dir: str | Path = "figures", env: dict | None = None) -> dict:
    """The report's content: every claim in ``claims`` with its outcome (a ``verify --json``
    claim dict) or ``None`` when it has none yet."""
    by_id = {o["id"]: o for o in outcomes}
    fd = Path(figures_dir)
    entries = []
    for c in claims:
        o = by_id.get(c.id)
        figs = []
        for name in figure_paths(c, o, fd):
            figs.append({"name": name, "path": _resolve(name, fd)})
        entries.append({
            "claim": c,
            "outcome": o,
            "verdict": o["verdict"] if o else "not run",
            "printed": printed_forms(c),
            "figures": figs,
            "rerun": rerun_command(c, profile),
        })
    counts: dict[str, Counter] = {}
    for e in entries:
        counts.setdefault(paper_of(e["claim"].id), Counter())[e["verdict"]] += 1
    return {"entries": entries, "counts": counts, "profile": profile, "env": env or environment()}


# --- HTML ---------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;
color:#1d1d1f;line-height:1.45}
h1{font-size:1.7rem}h2{border-bottom:2px solid #ddd;padding-bottom:.2rem;margin-top:2.2rem}
table{border-collapse:collapse;margin:.4rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;vertical-align:top;
text-align:left}th{background:#f4f4f6}
table.counts td{text-align:right}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:.6rem;font-size:.85rem;font-weight:600;color:#fff}
.v-holds{background:#2e7d32}.v-sharpened{background:#1565c0}.v-corrected{background:#ef6c00}.v-fails{background:#c62828}
.v-inconclusive{background:#6d6d6d}.v-crash{background:#000}.v-not-run{background:#9e9e9e}
section.claim,section.erratum{border:1px solid #ddd;border-radius:.4rem;padding:.2rem 1rem .8rem;margin:1rem 0}
table.ev{font-size:.85rem}table.ev td:first-child{font-weight:600;white-space:nowrap}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem}
pre{background:#f6f8fa;padding:.5rem;overflow-x:auto}
figure{margin:.6rem 0}figure img{max-width:100%;border:1px solid #eee}
.missing{color:#c62828}.note{color:#555;font-size:.9rem}
math{font-size:1.1rem}
"""


def _badge(v: str) -> str:
    return f'<span class="badge v-{v.replace(" ", "-")}">{html.escape(v)}</span>'


def _ev_html(v: Any, depth: int = 0) -> str:
    if isinstance(v, dict) and v and depth < 4:
        rows = "".join(f"<tr><td>{html.escape(str(k))}</td><td>{_ev_html(x, depth + 1)}</td></tr>" for k, x in v.items())
        return f'<table class="ev">{rows}</table>'
    text = v if isinstance(v, str) else json.dumps(v, allow_nan=False, default=str)
    if len(text) > EVIDENCE_MAX_CHARS:
        text = text[:EVIDENCE_MAX_CHARS] + f" ... [{len(text)} characters; full evidence in `verify --json`]"
    return f"<code>{html.escape(text)}</code>"


def _figure_html(f: dict) -> str:
    p = f["path"]
    if p is None:
        return (f'<p class="missing" data-missing-figure="{html.escape(f["name"])}">Figure not found: '
                f'<code>{html.escape(f["name"])}</code> (make it with <code>theorycheck plot all</code>).</p>')
    mime = _IMAGE_TYPES.get(p.suffix.lower(), "application/octet-stream")
    data = base64.b64encode(p.read_bytes()).decode("ascii")
    name = html.escape(f["name"])
    return (f'<figure><img src="data:{mime};base64,{data}" alt="{name}" data-figure="{name}">'
            f"<figcaption><code>{name}</code></figcaption></figure>")


def _printed_html(forms: list) -> str:
    if not forms:
        return ""
    rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{_value_html(v)}</td></tr>" for k, v in forms)
    return f'<table class="printed">{rows}</table>'


def _seconds_text(o: dict) -> str:
    s = f"{o.get('seconds', 0):.2f} s"
    if o.get("cached"):
        s += " (reused from the results store" + (f", computed {o['stored_at']}" if o.get("stored_at") else "") + ")"
    return s


def render_html(rep: dict) -> str:
    """The report as one self-contained HTML page."""
    e_all = rep["entries"]
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           "<title>theorycheck report</title>", f"<style>{_CSS}</style></head><body>",
           "<h1>theorycheck report</h1>",
           f'<p class="note">{len(e_all)} claims, profile <code>{html.escape(rep["profile"])}</code>, '
           f'generated {html.escape(rep["env"]["date"])}. Sections: <a href="#summary">Summary</a> · '
           '<a href="#errata">Errata</a> · <a href="#claims">Claims</a> · <a href="#environment">Environment</a></p>']
    # summary
    cols = [v for v in VERDICT_ORDER if any(c[v] for c in rep["counts"].values())] or ["holds"]
    out.append('<section id="summary"><h2>Summary</h2><table class="counts"><tr><th>paper</th>'
               + "".join(f"<th>{_badge(v)}</th>" for v in cols) + "<th>total</th></tr>")
    for paper, cnt in sorted(rep["counts"].items()):
        out.append(f'<tr data-paper="{html.escape(paper)}"><th>{html.escape(paper)}</th>'
                   + "".join(f'<td data-verdict="{v}">{cnt[v]}</td>' for v in cols) + f"<td>{sum(cnt.values())}</td></tr>")
    total = Counter()
    for cnt in rep["counts"].values():
        total.update(cnt)
    out.append("<tr><th>all</th>" + "".join(f"<td>{total[v]}</td>" for v in cols) + f"<td>{sum(total.values())}</td></tr>")
    out.append("</table></section>")
    # errata
    errata = [e for e in e_all if e["verdict"] in ERRATA_VERDICTS]
    out.append('<section id="errata"><h2>Errata</h2>')
    if not errata:
        out.append("<p>No claim was found false as printed.</p>")
    for e in errata:
        c, o = e["claim"], e["outcome"]
        out.append(f'<section class="erratum" data-claim-id="{html.escape(c.id)}"><h3>'
                   f'<a href="#claim-{html.escape(c.id)}">{html.escape(c.id)}</a> {_badge(e["verdict"])}</h3>'
                   f"<p><b>As printed</b> ({html.escape(c.source)}): {html.escape(c.statement)}</p>"
                   + _printed_html(e["printed"])
                   + f"<p><b>Finding:</b> {html.escape(o['finding'])}</p>"
                   + (f"<p><b>Corrected statement:</b> {html.escape(o['correction'])}</p>" if o.get("correction") else
                      "<p><b>Corrected statement:</b> none (the claim fails; see the counterexample).</p>")
                   + f"<p><b>Decisive evidence:</b></p>{_ev_html(decisive_evidence(o))}</section>")
    out.append("</section>")
    # claims
    out.append('<section id="claims"><h2>Claims</h2>')
    for e in e_all:
        c, o = e["claim"], e["outcome"]
        rows = [("Source", html.escape(c.source)), ("Statement (as printed)", html.escape(c.statement))]
        if e["printed"]:
            rows.append(("Printed form", _printed_html(e["printed"])))
        if o:
            rows += [("Method", f"<code>{html.escape(str(o.get('method')))}</code>"),
                     ("Finding", html.escape(o["finding"]))]
            if o.get("correction"):
                label = "Stronger statement" if o["verdict"] == "sharpened" else "Corrected statement"
                rows.append((label, html.escape(o["correction"])))
            rows.append(("Time", html.escape(_seconds_text(o))))
        else:
            rows.append(("Result", "not run yet (no stored result for this claim)"))
        rows.append(("Re-run", f"<code>{html.escape(e['rerun'])}</code>"))
        body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
        ev = f"<h4>Evidence</h4>{_ev_html(o.get('evidence', {}))}" if o else ""
        figs = "".join(_figure_html(f) for f in e["figures"])
        out.append(f'<section class="claim" id="claim-{html.escape(c.id)}" data-claim-id="{html.escape(c.id)}" '
                   f'data-verdict="{html.escape(e["verdict"])}"><h3>{html.escape(c.id)} {_badge(e["verdict"])}</h3>'
                   f"<table>{body}</table>{ev}{figs}</section>")
    out.append("</section>")
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

def _md_escape(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def _ev_md(v: Any) -> str:
    text = json.dumps(v, indent=2, allow_nan=False, default=str)
    if len(text) > EVIDENCE_MAX_CHARS:
        text = text[:EVIDENCE_MAX_CHARS] + f"\n... [{len(text)} characters; full evidence in `verify --json`]"
    return "```json\n" + text + "\n```"


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
        out.append(f"| {paper} | " + " | ".join(str(cnt[v]) for v in cols) + f" | {sum(cnt.values())} |")
    out.append("| **all** | " + " | ".join(str(total[v]) for v in cols) + f" | {sum(total.values())} |")
    out += ["", "## Errata", ""]
    errata = [e for e in e_all if e["verdict"] in ERRATA_VERDICTS]
    if not errata:
        out.append("No claim was found false as printed.")
    for e in errata:
        c, o = e["claim"], e["outcome"]
        out += [f"### {c.id} ({e['verdict']})", "", f"- **As printed** ({c.source}): {c.statement}"]
        out += [f"  - {k + ': ' if k else ''}{_value_md(v)}" for k, v in e["printed"]]
        out.append(f"- **Finding:** {o['finding']}")
        out.append(f"- **Corrected statement:** {o['correction']}" if o.get("correction")
                   else "- **Corrected statement:** none (the claim fails; see the counterexample).")
        out += ["- **Decisive evidence:**", "", _ev_md(decisive_evidence(o)), ""]
    out += ["", "## Claims", ""]
    for e in e_all:
        c, o = e["claim"], e["outcome"]
        out += [f"### {c.id} ({e['verdict']})", "", "| | |", "|---|---|",
                f"| Source | {_md_escape(c.source)} |", f"| Statement (as printed) | {_md_escape(c.statement)} |"]
        for k, v in e["printed"]:
            out.append(f"| Printed form{' ' + _md_escape(k) if k else ''} | {_md_escape(_value_md(v))} |")
        if o:
            out += [f"| Method | `{o.get('method')}` |", f"| Finding | {_md_escape(o['finding'])} |"]
            if o.get("correction"):
                label = "Stronger statement" if o["verdict"] == "sharpened" else "Corrected statement"
                out.append(f"| {label} | {_md_escape(o['correction'])} |")
            out.append(f"| Time | {_md_escape(_seconds_text(o))} |")
        else:
            out.append("| Result | not run yet (no stored result for this claim) |")
        out += [f"| Re-run | `{e['rerun']}` |", ""]
        if o:
            out += ["Evidence:", "", _ev_md(o.get("evidence", {})), ""]
        for f in e["figures"]:
            if f["path"] is None:
                out += [f"*Figure not found: `{f['name']}` (make it with `theorycheck plot all`).*", ""]
            else:
                out += [f"![{f['name']}]({links.get(f['name'], f['name'])})", ""]
    env = rep["env"]
    out += ["## Environment", "", "| | |", "|---|---|", f"| theorycheck | {env['theorycheck']} |",
            f"| Python | {env['python']} |"]
    out += [f"| {k} | {v} |" for k, v in env["packages"].items()]
    out += [f"| platform | {env['platform']} |", f"| device | {env['device']} |", f"| date | {env['date']} |", ""]
    return "\n".join(out)


def write_report(claims: Iterable[Claim], outcomes: Iterable[dict], out_dir: str | Path = "report",
                 profile: str = "quick", figures_dir: str | Path = "figures") -> tuple[Path, Path]:
    """Write ``out_dir/report.html`` (self-contained) and ``out_dir/report.md`` (figures copied
    to ``out_dir/figures/``); returns both paths."""
    from theorycheck.core.store import atomic_write_text

    rep = build(list(claims), list(outcomes), profile=profile, figures_dir=figures_dir)
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
