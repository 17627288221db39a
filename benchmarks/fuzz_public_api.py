"""Fuzz every public function and method of ``theorycheck.models`` and ``theorycheck.sim`` with
bad and extreme arguments and count what goes wrong (issue 13, "every public function is total").

**The same calls as the contract test.** This script has no tables of its own: it imports
``tests/test_contract.py`` and uses its discovery (``FUNCTIONS``, ``METHODS``: every public
callable found by introspection), its valid baseline calls (``baseline`` / ``method_baseline``,
built from ``examples()``, ``CALLS`` and ``COUNTS``), its bad values (``bad_values``: NaN, a
string, ``None``, a complex number, an ``object()``, an array holding NaN, ...) and its extreme
values (``extreme_values``: +-inf, 0, -1, +-1e300, 1e-300, 5e-324, empty and longer arrays,
a callable returning NaN, ...), and its judges (``nonfinite``, ``names``). The contract test
asserts; this script *counts*, so the count before a fix and after it can be compared, and it
runs every (function, parameter, value) triple, where the contract test stops at the first
failure of a function.

Each call runs in a worker process under a time limit; a hung worker is killed and a new one
resumes after the hung call. Outcomes:

* ``nonfinite``: a NaN, an infinity or a complex number anywhere in the result;
* ``documented``: a non-finite result the function declares with ``@contract(nonfinite=...)``;
* ``accepted``: a bad value was accepted (a finite answer);
* ``hang``: the call ran past the limit (the baseline call of each function, with its first-call
  imports, runs before the clock starts);
* ``obscure``: an exception other than ``ValueError`` (``unnamed``: a ``ValueError`` whose
  message names no parameter; for a bad value, not the replaced one);
* ``ok``: a named ``ValueError``, or a finite answer for an extreme value;
* ``nobaseline``: no valid call could be built (the contract test's
  ``test_every_function_has_a_baseline`` names what to add).

Run: ``python benchmarks/fuzz_public_api.py [--limit 20] [--only flows] [--show 20] [--json F]``.
Prints the counts and (with ``--show``) examples of each bad outcome. No assertion: the contract
test is the gate; this script measures. Needs the test extras (pytest, hypothesis).
"""

from __future__ import annotations

import argparse
import json
import os
import select
import subprocess
import sys
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

KINDS = ("nonfinite", "documented", "accepted", "hang", "obscure", "unnamed", "ok", "nobaseline")


# --------------------------------------------------------------------------- the worker side
def _contract():
    sys.path.insert(0, os.path.join(ROOT, "tests"))
    sys.path.insert(0, ROOT)
    import test_contract

    return test_contract


def _targets(C):
    """``[(qualified name, kind)]`` in a fixed order: functions, then methods."""
    return [(q, "function") for q, _ in C.FUNCTIONS] + [(q, "method") for q, _, _ in C.METHODS]


def _resolve(C, qn, kind):
    """``(callable, kwargs, params)`` of the baseline call (callable None when there is none)."""
    if kind == "function":
        kw, params, _ = C.baseline(qn)
        return (dict(C.FUNCTIONS)[qn] if kw is not None else None), kw, params
    return C.method_baseline(qn)


def _values(C, kw, p):
    """``[(group, label, value)]`` for parameter ``p`` around the baseline ``kw``."""
    v = kw.get(p.name, p.default)
    out = [("bad", lab, x) for lab, x in C.bad_values(v, p.name) if not (x is None and p.default is None)]
    return out + [("extreme", lab, x) for lab, x in C.extreme_values(v, p.name in C.COUNTS)]


def worker(resume: tuple[int, int, int] | None, limit: float, only: str | None = None):
    import warnings

    warnings.simplefilter("ignore")
    out_fd = os.dup(1)  # the protocol goes to a private copy of stdout; library prints go to /dev/null
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)

    def emit(d):
        os.write(out_fd, (json.dumps(d) + "\n").encode())

    C = _contract()
    targets = _targets(C)
    emit({"ntargets": len(targets)})
    for ti, (qn, kind) in enumerate(targets):
        if (resume is not None and ti < resume[0]) or (only and only not in qn):
            continue
        emit({"setup": qn})
        fn, kw, params = _resolve(C, qn, kind)
        if fn is None:
            emit({"fn": qn, "param": None, "value": None, "kind": "nobaseline"})
            continue
        for pi, p in enumerate(params):
            if resume is not None and (ti, pi) < resume[:2]:
                continue
            for vi, (group, label, x) in enumerate(_values(C, kw, p)):
                if resume is not None and (ti, pi, vi) <= resume:
                    continue
                emit({"start": [ti, pi, vi], "fn": qn, "param": p.name, "value": label})
                msg = ""
                try:
                    out = C.call_limited(fn, {**kw, p.name: x}, limit)
                    if C.nonfinite(out):
                        res = "documented" if "nonfinite" in C._declared(fn) else "nonfinite"
                    else:
                        res = "accepted" if group == "bad" else "ok"
                except C.CallTimeout:
                    res = "hang"
                except ValueError as e:
                    msg = str(e)[:160]
                    pnames = [q.name for q in params]
                    good = C.names(msg, p.name) if group == "bad" else any(C.names(msg, n) for n in pnames)
                    res = "ok" if good else "unnamed"
                except Exception as e:  # noqa: BLE001 - the point is to count them
                    res, msg = "obscure", f"{type(e).__name__}: {str(e)[:140]}"
                emit({"fn": qn, "param": p.name, "value": label, "kind": res, "msg": msg})
    emit({"done": True})


# --------------------------------------------------------------------------- the driver side
def drive(limit: float, only: str | None = None):
    """Run workers until every call is done; a worker silent for ``limit`` + 5 s (past its own
    alarm) is killed and the call counted as a hang; one that dies counts the call as obscure."""
    results, resume = [], None
    setup_limit = 300.0
    while True:
        cmd = [sys.executable, os.path.abspath(__file__), "--worker", "--limit", str(limit)]
        if resume is not None:
            cmd += ["--resume", ",".join(map(str, resume))]
        if only:
            cmd += ["--only", only]
        env = dict(os.environ, PYTHONPATH=ROOT, OMP_NUM_THREADS="1")
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, bufsize=0)
        fd = proc.stdout.fileno()
        pending, current, last, in_setup = b"", None, time.monotonic(), True
        finished = dead = False
        while not (finished or dead):
            lines = pending.split(b"\n")
            pending = lines.pop()
            for line in lines:
                try:
                    d = json.loads(line)
                except ValueError:
                    continue
                last = time.monotonic()
                if "setup" in d:
                    current, in_setup = None, True
                elif "start" in d:
                    current, in_setup = d, False
                elif "done" in d:
                    finished = True
                elif "kind" in d:
                    results.append(d)
                    current = None
            if finished:
                break
            timeout = setup_limit if in_setup else limit + 5.0
            r, _, _ = select.select([fd], [], [], max(0.05, timeout - (time.monotonic() - last)))
            if r:
                chunk = os.read(fd, 1 << 16)
                dead = not chunk
                pending += chunk
            elif time.monotonic() - last > timeout:
                proc.kill()
                dead = True
                if current is not None:
                    current = {**current, "killed": True}
        proc.wait()
        if finished:
            break
        if current is None:  # died outside a call (an import or a baseline): nothing to resume after
            results.append({"fn": "?", "param": None, "value": None, "kind": "obscure", "msg": "worker died"})
            break
        kind = "hang" if current.get("killed") else "obscure"
        results.append({"fn": current["fn"], "param": current["param"], "value": current["value"], "kind": kind,
                        "msg": "" if kind == "hang" else "worker crashed"})
        resume = tuple(current["start"])
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=float, default=None,
                    help="seconds per call before it counts as a hang (default: the contract test's CALL_LIMIT_S)")
    ap.add_argument("--only", default=None, help="fuzz only the functions whose qualified name contains this substring")
    ap.add_argument("--show", type=int, default=0, help="print this many examples of each bad outcome")
    ap.add_argument("--json", default=None, help="write every outcome to this file")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--resume", default=None, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.limit is None:
        a.limit = _contract().CALL_LIMIT_S
    if a.limit <= 0:
        ap.error(f"--limit: must be > 0 seconds, got {a.limit}")
    if a.worker:
        worker(tuple(int(x) for x in a.resume.split(",")) if a.resume else None, a.limit, a.only)
        return
    t0 = time.perf_counter()
    results = drive(a.limit, a.only)
    counts = {k: 0 for k in KINDS}
    for r in results:
        counts[r["kind"]] += 1
    fns = {r.get("fn") for r in results if r.get("fn")}
    print(f"functions and methods: {len(fns)}   calls: {len(results)}   "
          f"({time.perf_counter() - t0:.0f} s, limit {a.limit:g} s/call)")
    for k in KINDS:
        print(f"  {k:11s} {counts[k]}")
    if a.show:
        for k in ("nonfinite", "accepted", "hang", "obscure", "unnamed", "nobaseline"):
            rows = [r for r in results if r["kind"] == k][: a.show]
            if rows:
                print(f"--- {k}")
                for r in rows:
                    print(f"  {r.get('fn', '?')}({r.get('param')}={r.get('value')}) {r.get('msg', '')}")
    if a.json:
        with open(a.json, "w") as fh:
            json.dump({"counts": counts, "results": results}, fh, indent=0)


if __name__ == "__main__":
    main()
