"""Command line: ``theorycheck verify | list | plot | report | docs``.

``verify`` exits 0 when every check ran (whatever the verdicts), 2 when a check crashed,
and with ``--strict`` 1 when a verdict is corrected, fails or inconclusive; 130 when
interrupted (Ctrl-C): the claims finished before are in the results store, and the next run
resumes from them.

Outcomes are kept in the results store (``.theorycheck-store/``, see
:mod:`theorycheck.core.store`) and reused while the claim's code, profile and libraries are
unchanged; ``--fresh`` recomputes everything, ``--no-store`` neither reads nor writes it.
"""

from __future__ import annotations

import argparse
import sys

from theorycheck.core.result import STRENGTHS
from theorycheck.core.store import results_json, run_selected, write_results_json
from theorycheck.core.version import __version__


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="theorycheck", description="Check the claims of the papers, with evidence.")
    p.add_argument("--version", action="version", version=f"theorycheck {__version__}")
    sub = p.add_subparsers(dest="cmd", required=True)

    v = sub.add_parser("verify", help="run the checks and print a verdict per claim")
    v.add_argument("--only", nargs="+", metavar="ID", help="claim IDs or ID prefixes (e.g. K24 K24.lemma5)")
    v.add_argument("--json", metavar="PATH", help="write results as JSON to PATH ('-' for stdout)")
    v.add_argument("--profile", choices=("quick", "full"), default="quick", help="quick (default) or full")
    v.add_argument("--strict", action="store_true", help="exit 1 if any verdict is corrected, fails or inconclusive")
    v.add_argument("--claims", action="append", default=[], metavar="FILE", help="also load claims from a Python file")
    v.add_argument("--verbose", "-v", action="store_true", help="print each claim's statement, correction and evidence")
    v.add_argument("--min-strength", choices=STRENGTHS, metavar="S",
                   help=f"list the claims whose evidence is weaker than S (one of {', '.join(STRENGTHS)})")
    _store_args(v)

    mu = sub.add_parser("mutants", help="run each claim against its declared wrong (and stronger) variants")
    mu.add_argument("--only", nargs="+", metavar="ID", help="claim IDs or ID prefixes")
    mu.add_argument("--profile", choices=("quick", "full"), default="quick")
    mu.add_argument("--claims", action="append", default=[], metavar="FILE", help="also load claims from a Python file")
    mu.add_argument("--json", metavar="PATH", help="write the matrix as JSON to PATH ('-' for stdout)")

    rp = sub.add_parser("report", help="write the HTML report and its Markdown twin")
    rp.add_argument("--out", default="report", metavar="DIR", help="output folder (default: report)")
    rp.add_argument("--only", nargs="+", metavar="ID", help="claim IDs or ID prefixes")
    rp.add_argument("--profile", choices=("quick", "full"), default="quick")
    rp.add_argument("--claims", action="append", default=[], metavar="FILE", help="also load claims from a Python file")
    rp.add_argument("--results", metavar="JSON", help="render these results (from `verify --json`) instead of running")
    rp.add_argument("--figures", default="figures", metavar="DIR", help="where `theorycheck plot` wrote the figures")
    _store_args(rp)

    dc = sub.add_parser("docs", help="regenerate docs/results.json and docs/claims.md from the registry")
    dc.add_argument("--no-run", action="store_true", help="only re-render docs/claims.md from docs/results.json")
    dc.add_argument("--results", default="docs/results.json", metavar="JSON")
    dc.add_argument("--out", default="docs/claims.md", metavar="MD")
    _store_args(dc)

    ls = sub.add_parser("list", help="list the claims and their sources")
    ls.add_argument("--claims", action="append", default=[], metavar="FILE")

    pl = sub.add_parser("plot", help="make figures into figures/")
    pl.add_argument("names", nargs="*", help="plot names ('all' for every plot; none lists them)")
    pl.add_argument("--out", default="figures", help="output folder (default: figures)")
    pl.add_argument("--profile", choices=("quick", "full"), default="quick")
    return p


def _store_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--fresh", action="store_true", help="ignore stored results: recompute every check (and store it)")
    p.add_argument("--store", metavar="DIR", help="results store (default: $THEORYCHECK_STORE or .theorycheck-store)")
    p.add_argument("--no-store", action="store_true", help="neither read nor write the results store")
    p.add_argument("--progress", choices=("auto", "always", "never"), default="auto",
                   help="progress on stderr: auto = only on a terminal (default)")


def _interrupted(log) -> int:
    print("\ntheorycheck: interrupted; finished checks are saved in the results store, "
          "run the same command again to resume", file=log)
    return 130


def _load_user(files) -> None:
    from theorycheck.core import registry

    registry.load_entry_points()
    for f in files:
        registry.load_file(f)


def cmd_verify(args) -> int:
    from theorycheck.core import registry, runner

    try:
        _load_user(args.claims)
        claims = registry.select(args.only)
    except ValueError as e:
        print(f"theorycheck: {e}", file=sys.stderr)
        return 2
    json_to_stdout = args.json == "-"
    log = sys.stderr if json_to_stdout else sys.stdout

    try:
        results = run_selected(claims, args, log=sys.stderr)
    except KeyboardInterrupt:
        return _interrupted(sys.stderr)
    if args.json:
        write_results_json(results, args.profile, args.json)
    print(runner.format_table(results), file=log)
    reused = sum(bool(getattr(r, "cached", False)) for r in results)
    print(runner.summary_line(results) + (f"  [{reused} reused from the store; --fresh recomputes]" if reused else ""),
          file=log)
    if args.verbose:
        for r in results:
            if isinstance(r, runner.Crash):
                print(f"\n{r.claim.id}  CRASH\n{r.trace}", file=log)
            else:
                print("\n" + runner.describe(r), file=log)
    if args.min_strength:
        need = STRENGTHS.index(args.min_strength)
        weak = [r for r in results if not isinstance(r, runner.Crash) and STRENGTHS.index(r.result.strength) < need]
        print(f"\n{len(weak)} claims with evidence weaker than {args.min_strength}:", file=log)
        for r in weak:
            print(f"  {r.claim.id:<28} {r.result.strength}", file=log)
    crashes = [r for r in results if isinstance(r, runner.Crash)]
    for c in crashes:
        print(f"\n{c.claim.id} crashed:\n{c.trace}", file=sys.stderr)
    if crashes:
        return 2
    if args.strict and any(r.verdict in runner.STRICT_REJECTS for r in results):
        return 1
    return 0


def cmd_mutants(args) -> int:
    import json

    from theorycheck.core import mutants, registry
    from theorycheck.core.store import atomic_write_text

    try:
        _load_user(args.claims)
        claims = registry.select(args.only)
    except ValueError as e:
        print(f"theorycheck: {e}", file=sys.stderr)
        return 2
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
        text = json.dumps({"profile": args.profile, "cells": [m.to_dict() for m in cells],
                           "counts": mutants.kill_counts(cells)}, indent=2) + "\n"
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
        for k, d in names.items():
            print(f"{k}  {d}")
        return 0
    wanted = list(names) if args.names == ["all"] else args.names
    try:
        for n in wanted:
            for f in plots.make(n, args.out, args.profile):
                print(f)
    except ValueError as e:
        print(f"theorycheck: {e}", file=sys.stderr)
        return 2
    return 0


def cmd_report(args) -> int:
    import json

    from theorycheck.app import report
    from theorycheck.core import registry

    try:
        _load_user(args.claims)
        claims = registry.select(args.only)
    except ValueError as e:
        print(f"theorycheck: {e}", file=sys.stderr)
        return 2
    if args.results:
        with open(args.results, encoding="utf-8") as fh:
            data = json.load(fh)
        outcomes = data["claims"]
        profile = data.get("profile", "quick")
    else:
        try:
            results = run_selected(claims, args)
        except KeyboardInterrupt:
            return _interrupted(sys.stderr)
        outcomes = results_json(results, args.profile)["claims"]
        profile = args.profile
    html_path, md_path = report.write_report(claims, outcomes, args.out, profile=profile, figures_dir=args.figures)
    print(html_path)
    print(md_path)
    return 0


def cmd_docs(args) -> int:
    from theorycheck.app import docsgen

    return docsgen.main(
        (["--no-run"] if args.no_run else []) + ["--results", args.results, "--out", args.out]
        + (["--fresh"] if args.fresh else []) + (["--store", args.store] if args.store else [])
        + (["--no-store"] if args.no_store else []) + ["--progress", args.progress]
    )


COMMANDS = {"verify": cmd_verify, "mutants": cmd_mutants, "list": cmd_list, "plot": cmd_plot, "report": cmd_report, "docs": cmd_docs}


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    return COMMANDS[args.cmd](args)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
