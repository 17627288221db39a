"""Command line: ``theorycheck verify | list | plot | report | docs | mutants``.

Exit status of ``verify``: 0 when every check ran (whatever the verdicts); 1 with ``--strict``
when a verdict is corrected, fails or inconclusive (the claims are named on stderr); 2 when a
check crashed (raised, or exited with ``sys.exit``: recorded as a crash of that claim, and the
other claims still run) or on a user error (a bad argument, path or claims file: one line on
stderr, the traceback only with ``--debug``); 130 when interrupted (Ctrl-C): the claims finished
before are in the results store, and the next run resumes from them.

Outcomes are kept in the results store (``.theorycheck-store/``, see
:mod:`theorycheck.core.store`) and reused while the claim's code, profile and libraries are
unchanged; ``--fresh`` recomputes everything, ``--no-store`` neither reads nor writes it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path

from theorycheck.core.result import STRENGTHS
from theorycheck.core.version import __version__

#: Where ``theorycheck plot`` writes by default: a folder git does not track (see .gitignore).
#: The committed figures (``figures/``) are regenerated only deliberately: ``--out figures``.
PLOT_OUT = "plot-out"

CODE_WARNING = ("--claims FILE and installed plug-ins (entry-point group 'theorycheck.claims') are "
                "Python code: loading them runs that code with your permissions. Load only files and "
                "packages you trust. The results store is reused across runs; its checksum detects "
                "corruption, not forgery (see `--store`).")


class UserError(Exception):
    """A mistake in the command line or its inputs: reported in one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (exit status 2)."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="theorycheck", description="Check the claims of the papers, with evidence.",
                epilog=CODE_WARNING)
    p.add_argument("--version", action="version", version=f"theorycheck {__version__}")
    p.add_argument("--debug", action="store_true", help="show the Python traceback of an error")
    sub = p.add_subparsers(dest="cmd", required=True, parser_class=_Parser)

    def add(name, **kw):
        sp = sub.add_parser(name, epilog=CODE_WARNING, **kw)
        sp.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show the Python traceback of an error")
        return sp

    claims_help = ("also load claims from this Python file; this RUNS the file's code (as do installed "
                   "plug-ins of the entry-point group 'theorycheck.claims')")
    only_help = ("claim IDs or whole leading components of IDs: K24 selects K24.*, K24.lemma5 selects "
                 "K24.lemma5 and K24.lemma5.*, never K24.lemma50; shell wildcards match whole IDs ('K24.lemma*')")

    v = add("verify", help="run the checks and print a verdict per claim")
    v.add_argument("--only", nargs="+", metavar="ID", help=only_help)
    v.add_argument("--json", metavar="PATH", help="write results as JSON to PATH ('-' for stdout)")
    v.add_argument("--profile", choices=("quick", "full"), default="quick", help="quick (default) or full")
    v.add_argument("--strict", action="store_true",
                   help="exit 1 if any verdict is corrected, fails or inconclusive (the claims are named)")
    v.add_argument("--claims", action="append", default=[], metavar="FILE", help=claims_help)
    v.add_argument("--verbose", "-v", action="store_true",
                   help="a readable summary per claim: statement, finding, correction, evidence summary, re-run command")
    v.add_argument("--evidence", action="store_true", help="with -v: print each claim's full evidence (JSON)")
    v.add_argument("--min-strength", choices=STRENGTHS, metavar="S",
                   help=f"list the claims whose evidence is weaker than S (one of {', '.join(STRENGTHS)})")
    _store_args(v)
    _executor_args(v)

    mu = add("mutants", help="run each claim against its declared wrong (and stronger) variants")
    mu.add_argument("--only", nargs="+", metavar="ID", help=only_help)
    mu.add_argument("--profile", choices=("quick", "full"), default="quick")
    mu.add_argument("--claims", action="append", default=[], metavar="FILE", help=claims_help)
    mu.add_argument("--json", metavar="PATH", help="write the matrix as JSON to PATH ('-' for stdout)")

    rp = add("report", help="write the HTML report and its Markdown twin")
    rp.add_argument("--out", default="report", metavar="DIR", help="output folder (default: report)")
    rp.add_argument("--only", nargs="+", metavar="ID", help=only_help)
    rp.add_argument("--profile", choices=("quick", "full"), default="quick")
    rp.add_argument("--claims", action="append", default=[], metavar="FILE", help=claims_help)
    rp.add_argument("--results", metavar="JSON", help="render these results (from `verify --json`) instead of running")
    rp.add_argument("--figures", metavar="DIR",
                    help="the figures folder (default: the package's committed figures/); figures are "
                         "embedded by file name from this folder only")
    rp.add_argument("--mutants", metavar="JSON",
                    help="kill matrix to show per claim (default: docs/mutants.json when present)")
    _store_args(rp)

    dc = add("docs", help="regenerate docs/results.json, docs/claims.md and docs/mutants.json")
    dc.add_argument("--no-run", action="store_true", help="only re-render docs/claims.md from docs/results.json")
    dc.add_argument("--results", default="docs/results.json", metavar="JSON")
    dc.add_argument("--out", default="docs/claims.md", metavar="MD")
    dc.add_argument("--mutants", default="docs/mutants.json", metavar="JSON",
                    help="where to write the kill matrix (default: docs/mutants.json)")
    dc.add_argument("--no-mutants", action="store_true", help="do not run the kill matrix (it takes minutes)")
    _store_args(dc)

    ls = add("list", help="list the claims and their sources")
    ls.add_argument("--claims", action="append", default=[], metavar="FILE", help=claims_help)

    pl = add("plot", help=f"make figures (into {PLOT_OUT}/, a folder git does not track)")
    pl.add_argument("names", nargs="*", help="plot names ('all' for every plot; none lists them)")
    pl.add_argument("--out", default=PLOT_OUT,
                    help=f"output folder (default: {PLOT_OUT}); the committed figures/ are regenerated "
                         "only deliberately: --out figures --profile full")
    pl.add_argument("--profile", choices=("quick", "full"), default="quick")
    pl.add_argument("--progress", choices=("auto", "always", "never"), default="auto",
                    help="progress on stderr: auto = only on a terminal (default)")
    _executor_args(pl)
    return p


def _store_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--fresh", action="store_true", help="ignore stored results: recompute every check (and store it)")
    p.add_argument("--store", metavar="DIR",
                   help="results store (default: $THEORYCHECK_STORE or .theorycheck-store); its checksums "
                        "detect corruption, not forgery: use only a store you trust")
    p.add_argument("--no-store", action="store_true", help="neither read nor write the results store")
    p.add_argument("--progress", choices=("auto", "always", "never"), default="auto",
                   help="progress on stderr: auto = only on a terminal (default)")


def _executor_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--executor", choices=("in-process", "dask"), default=None,
                   help="where the tasks of the simulation sweeps run (default in-process); "
                        "dask needs the 'dask' extra")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask scheduler address (tcp://host:8786); implies --executor dask. "
                        "Without it, --executor dask starts a local cluster")
    p.add_argument("--workers", type=int, default=2, metavar="N",
                   help="workers of the local Dask cluster (default 2)")


@contextlib.contextmanager
def _executor(args):
    """Make the chosen executor the default of every sweep while the command runs."""
    kind = getattr(args, "executor", None) or ("dask" if getattr(args, "scheduler", None) else "in-process")
    if kind == "in-process":
        if getattr(args, "scheduler", None):
            raise UserError("scheduler: --scheduler needs --executor dask")
        yield None
        return
    try:
        import distributed
    except ImportError:
        raise UserError("executor: the Dask back-end needs the 'dask' extra: pip install 'theorycheck[dask]'") from None
    from theorycheck.core.dask_executor import DaskExecutor
    from theorycheck.core.executor import default_executor

    with contextlib.ExitStack() as stack:
        if args.scheduler:
            ex = DaskExecutor(address=args.scheduler)
            where = args.scheduler
        else:
            if args.workers < 1:
                raise UserError(f"workers: must be a positive number of workers, got {args.workers}")
            cl = stack.enter_context(distributed.LocalCluster(n_workers=args.workers, threads_per_worker=1,
                                                             dashboard_address=None))
            ex = DaskExecutor(cluster=cl)
            where = f"a local cluster of {args.workers} workers"
        stack.callback(ex.close)
        try:
            ex.client  # connect now: a wrong address is a user error, before any check runs
        except (OSError, TimeoutError, ValueError) as e:
            raise UserError(f"scheduler: cannot reach the Dask scheduler at {args.scheduler!r} ({e})") from None
        print(f"theorycheck: simulation sweeps run on Dask ({where})", file=sys.stderr)
        stack.enter_context(default_executor(ex))
        yield ex


def _interrupted(log) -> int:
    print("\ntheorycheck: interrupted; finished checks are saved in the results store, "
          "run the same command again to resume", file=log)
    return 130


def _load_user(files) -> None:
    """Load plug-ins and ``--claims`` files; any failure is a :class:`UserError` naming the file."""
    from theorycheck.core import registry

    try:
        registry.load_entry_points()
    except ValueError as e:
        raise UserError(str(e)) from None
    except Exception as e:  # noqa: BLE001 - a broken plug-in is the user's to fix
        raise UserError(f"plug-in: loading the entry points 'theorycheck.claims' raised "
                        f"{type(e).__name__}: {e}") from e
    for f in files:
        try:
            registry.load_file(f)
        except SyntaxError as e:
            raise UserError(f"claims: {f}, line {e.lineno}: {e.msg}") from e
        except ValueError as e:
            raise UserError(str(e)) from e
        except (Exception, SystemExit) as e:  # noqa: BLE001 - the file's own code failed on import
            raise UserError(f"claims: importing {f} raised {type(e).__name__}: {e}") from e


def _select(args):
    from theorycheck.core import registry

    _load_user(getattr(args, "claims", []))
    try:
        return registry.select(args.only)
    except ValueError as e:
        raise UserError(str(e)) from None


def _check_output_path(dest: str | None, what: str) -> None:
    """Fail early (before any check runs) when ``dest`` cannot be written."""
    if not dest or dest == "-":
        return
    p = Path(dest)
    if p.is_dir():
        raise UserError(f"{what}: {dest!r} is a folder; give a file path")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise UserError(f"{what}: folder {str(parent)!r} does not exist")
    if not os.access(parent, os.W_OK) or (p.exists() and not os.access(p, os.W_OK)):
        raise UserError(f"{what}: {dest!r} is not writable")


def cmd_verify(args) -> int:
    from theorycheck.core import runner
    from theorycheck.core.store import run_selected, write_results_json

    if args.evidence and not args.verbose:
        args.verbose = True
    claims = _select(args)
    _check_output_path(args.json, "json")
    log = sys.stderr if args.json == "-" else sys.stdout
    try:
        with _executor(args):
            results = run_selected(claims, args, log=sys.stderr)
    except KeyboardInterrupt:
        return _interrupted(sys.stderr)
    if args.json:
        try:
            write_results_json(results, args.profile, args.json)
        except OSError as e:
            raise UserError(f"json: cannot write {args.json!r}: {e.strerror or e}") from None
    width = runner.terminal_width()
    print(runner.format_table(results, width), file=log)
    reused = sum(bool(getattr(r, "cached", False)) for r in results)
    print(runner.summary_line(results) + (f"  [{reused} reused from the store; --fresh recomputes]" if reused else ""),
          file=log)
    if args.verbose:
        for r in results:
            print("\n" + runner.describe(r, evidence=args.evidence, width=width, profile=args.profile), file=log)
    else:
        todo = [r for r in results if r.verdict != "holds"]
        if todo:
            print("\nRe-run a claim that does not hold (with its evidence summary):", file=log)
            w = max(len(r.claim.id) for r in todo)
            for r in todo:
                print(f"  {r.claim.id.ljust(w)}  {runner.claim_rerun(r.claim, args.profile)}", file=log)
    if args.min_strength:
        need = STRENGTHS.index(args.min_strength)
        weak = [r for r in results if not isinstance(r, runner.Crash) and STRENGTHS.index(r.result.strength) < need]
        print(f"\n{len(weak)} claims with evidence weaker than {args.min_strength}:", file=log)
        for r in weak:
            print(f"  {r.claim.id:<28} {r.result.strength}", file=log)
    crashes = [r for r in results if isinstance(r, runner.Crash)]
    if crashes:
        for c in crashes:
            if not args.verbose:
                print(f"\n{c.claim.id} crashed:\n{c.trace}", file=sys.stderr)
        print(f"theorycheck: exit 2: {len(crashes)} check(s) crashed: " + ", ".join(c.claim.id for c in crashes),
              file=sys.stderr)
        return 2
    if args.strict:
        bad = [r for r in results if r.verdict in runner.STRICT_REJECTS]
        if bad:
            print(f"theorycheck: --strict: exit 1: {len(bad)} claim(s) not confirmed as printed: "
                  + ", ".join(f"{r.claim.id} ({r.verdict.value})" for r in bad), file=sys.stderr)
            return 1
    return 0


def cmd_mutants(args) -> int:
    from theorycheck.core import mutants
    from theorycheck.core.store import atomic_write_text

    claims = _select(args)
    _check_output_path(args.json, "json")
    log = sys.stderr if args.json == "-" else sys.stdout
    try:
        cells = mutants.kill_matrix(claims, args.profile)
    except KeyboardInterrupt:
        return _interrupted(sys.stderr)
    print(mutants.format_matrix(cells), file=log)
    problems = [p for c in claims for p in mutants.declaration_problems(c)]
    for p in problems:
        print(f"missing: {p}", file=log)
    if args.json:
        from theorycheck.app.docsgen import mutants_json

        text = json.dumps(mutants_json(cells, args.profile), indent=2) + "\n"
        if args.json == "-":
            sys.stdout.write(text)
        else:
            atomic_write_text(args.json, text)
    return 0 if all(m.ok for m in cells) and not problems else 1


def cmd_list(args) -> int:
    from theorycheck.core import registry

    _load_user(args.claims)
    claims = registry.all_claims()
    w = max((len(c.id) for c in claims), default=2)
    for c in claims:
        print(f"{c.id.ljust(w)}  {c.source}")
    return 0


def cmd_plot(args) -> int:
    from theorycheck.app import plots

    names = plots.available()
    if not args.names:
        w = max(len(k) for k in names)
        for k, d in names.items():
            figs = [f for f, spec in plots.FIGURES.items() if spec.plot == k]
            print(f"{k.ljust(w)}  {d}  [{', '.join(figs)}]")
        return 0
    wanted = list(names) if args.names == ["all"] else args.names
    unknown = [n for n in wanted if n not in names]
    if unknown:
        raise UserError(f"plot: unknown plot(s) {', '.join(map(repr, unknown))}; known: {', '.join(names)}")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UserError(f"out: {args.out!r} is not a folder")
    if out.resolve() == plots.FIGURE_DIR.resolve():
        other = [f for f, spec in plots.FIGURES.items() if spec.plot in wanted and spec.profile != args.profile]
        if other:
            print(f"theorycheck: note: the registry says the committed {', '.join(other)} use another profile than "
                  f"--profile {args.profile}; the footnotes will say '{args.profile}' (and a test will flag it)",
                  file=sys.stderr)
    try:
        with _executor(args):
            files = plots.make_many(wanted, out, args.profile, progress=args.progress)
    except KeyboardInterrupt:
        print("\ntheorycheck: interrupted", file=sys.stderr)
        return 130
    for f in files:
        print(f)
    return 0


def _read_results(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except OSError as e:
        raise UserError(f"results: cannot read {path!r}: {e.strerror or e}") from None
    except ValueError as e:
        raise UserError(f"results: {path!r} is not valid JSON ({e})") from None
    if not isinstance(data, dict) or not isinstance(data.get("claims"), list) or not all(
            isinstance(d, dict) and isinstance(d.get("id"), str) and isinstance(d.get("verdict"), str)
            and isinstance(d.get("finding", ""), str) for d in data["claims"]):
        raise UserError(f"results: {path!r} is not a `theorycheck verify --json` file "
                        "(needs {\"claims\": [{\"id\", \"verdict\", ...}]})")
    return data


def _read_mutants(path: str | None, explicit: bool) -> dict | None:
    if path is None:
        return None
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        if explicit:
            raise UserError(f"mutants: no such file {path!r}") from None
        return None
    except (OSError, ValueError) as e:
        raise UserError(f"mutants: cannot read {path!r} ({e})") from None
    if not isinstance(data, dict) or not isinstance(data.get("counts"), dict):
        raise UserError(f"mutants: {path!r} is not a `theorycheck mutants --json` file")
    return data


def cmd_report(args) -> int:
    from theorycheck.app import plots, report
    from theorycheck.core.store import DOCS_RESULTS, results_json, run_selected

    claims = _select(args)
    figures = Path(args.figures) if args.figures else plots.FIGURE_DIR
    if args.figures and not figures.is_dir():
        raise UserError(f"figures: no such folder {args.figures!r}")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UserError(f"out: {args.out!r} is not a folder")
    mut = _read_mutants(args.mutants or str(DOCS_RESULTS.parent / "mutants.json"), explicit=bool(args.mutants))
    if args.results:
        data = _read_results(args.results)
        outcomes = data["claims"]
        profile = data.get("profile") if data.get("profile") in ("quick", "full") else "quick"
    else:
        try:
            results = run_selected(claims, args)
        except KeyboardInterrupt:
            return _interrupted(sys.stderr)
        outcomes = results_json(results, args.profile)["claims"]
        profile = args.profile
    try:
        html_path, md_path = report.write_report(claims, outcomes, out, profile=profile, figures_dir=figures,
                                                 mutants=mut, progress=args.progress)
    except OSError as e:
        raise UserError(f"out: cannot write the report into {args.out!r}: {e.strerror or e}") from None
    print(html_path)
    print(md_path)
    return 0


def cmd_docs(args) -> int:
    from theorycheck.app import docsgen

    if args.no_run and not Path(args.results).is_file():
        raise UserError(f"results: no such file {args.results!r} (run `theorycheck docs` without --no-run)")
    for dest, what in ((args.out, "out"), (args.results, "results"), (args.mutants, "mutants")):
        _check_output_path(dest, what)
    try:
        return docsgen.main(
            (["--no-run"] if args.no_run else []) + ["--results", args.results, "--out", args.out]
            + (["--fresh"] if args.fresh else []) + (["--store", args.store] if args.store else [])
            + (["--no-store"] if args.no_store else []) + ["--progress", args.progress]
            + ["--mutants", args.mutants] + (["--no-mutants"] if args.no_mutants else []))
    except (ValueError, KeyError) as e:
        raise UserError(f"docs: {e}") from None


COMMANDS = {"verify": cmd_verify, "mutants": cmd_mutants, "list": cmd_list, "plot": cmd_plot, "report": cmd_report,
            "docs": cmd_docs}


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    debug = getattr(args, "debug", False)
    try:
        return COMMANDS[args.cmd](args)
    except UserError as e:
        if debug:
            raise
        print(f"theorycheck {args.cmd}: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return _interrupted(sys.stderr)
    except Exception as e:  # noqa: BLE001 - one line, the traceback with --debug
        if debug:
            raise
        print(f"theorycheck {args.cmd}: error: {type(e).__name__}: {e} (run with --debug for the traceback)",
              file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
