"""Command line: ``theorycheck verify | list | plot``.

``verify`` exits 0 when every check ran (whatever the verdicts), 2 when a check crashed,
and with ``--strict`` 1 when a verdict is corrected, fails or inconclusive.
"""

from __future__ import annotations

import argparse
import sys

from . import __version__


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

    ls = sub.add_parser("list", help="list the claims and their sources")
    ls.add_argument("--claims", action="append", default=[], metavar="FILE")

    pl = sub.add_parser("plot", help="make figures into figures/")
    pl.add_argument("names", nargs="*", help="plot names ('all' for every plot; none lists them)")
    pl.add_argument("--out", default="figures", help="output folder (default: figures)")
    pl.add_argument("--profile", choices=("quick", "full"), default="quick")
    return p


def _load_user(files) -> None:
    from . import registry

    registry.load_entry_points()
    for f in files:
        registry.load_file(f)


def cmd_verify(args) -> int:
    from . import registry, runner

    try:
        _load_user(args.claims)
        claims = registry.select(args.only)
    except ValueError as e:
        print(f"theorycheck: {e}", file=sys.stderr)
        return 2
    json_to_stdout = args.json == "-"
    log = sys.stderr if json_to_stdout else sys.stdout

    results = runner.run_claims(claims, profile=args.profile)
    if args.json:
        runner.write_json(results, args.json)
    print(runner.format_table(results), file=log)
    print(runner.summary_line(results), file=log)
    if args.verbose:
        for r in results:
            if isinstance(r, runner.Crash):
                print(f"\n{r.claim.id}  CRASH\n{r.trace}", file=log)
            else:
                print("\n" + runner.describe(r), file=log)
    crashes = [r for r in results if isinstance(r, runner.Crash)]
    for c in crashes:
        print(f"\n{c.claim.id} crashed:\n{c.trace}", file=sys.stderr)
    if crashes:
        return 2
    if args.strict and any(r.verdict in runner.STRICT_REJECTS for r in results):
        return 1
    return 0


def cmd_list(args) -> int:
    from . import registry

    _load_user(args.claims)
    claims = registry.all_claims()
    w = max((len(c.id) for c in claims), default=2)
    for c in claims:
        print(f"{c.id.ljust(w)}  {c.source}")
    return 0


def cmd_plot(args) -> int:
    from . import plots

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


COMMANDS = {"verify": cmd_verify, "list": cmd_list, "plot": cmd_plot}


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    return COMMANDS[args.cmd](args)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
