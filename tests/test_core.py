"""The registry, results, symbolic decisions, validation and the CLI."""

import json
import subprocess
import sys

import pytest
import sympy as sp

from theorycheck.core import registry, validation
from theorycheck.core.result import Result, Verdict, combine, jsonable
from theorycheck.core.symcheck import prove_equal, prove_zero


def test_result_refuses_misleading_results():
    with pytest.raises(ValueError, match="correction"):
        Result(Verdict.CORRECTED, "x", "symbolic")
    with pytest.raises(ValueError, match="counterexample"):
        Result(Verdict.FAILS, "x", "numeric")
    with pytest.raises(ValueError, match="finding"):
        Result(Verdict.HOLDS, " ", "numeric")
    with pytest.raises(ValueError, match="method"):
        Result(Verdict.HOLDS, "x", "guess")
    with pytest.raises(ValueError, match="correction"):
        Result(Verdict.HOLDS, "x", "numeric", correction="y")


def test_combine_precedence():
    h = Result(Verdict.HOLDS, "ok", "symbolic")
    i = Result(Verdict.INCONCLUSIVE, "?", "numeric")
    c = Result(Verdict.CORRECTED, "off", "symbolic", correction="fixed")
    f = Result(Verdict.FAILS, "no", "numeric", evidence={"counterexample": {"x": 1}})
    assert combine({"a": h, "b": h}).verdict is Verdict.HOLDS
    assert combine({"a": h, "b": i}).verdict is Verdict.INCONCLUSIVE
    r = combine({"a": h, "b": c, "d": i})
    assert r.verdict is Verdict.CORRECTED and "fixed" in r.correction
    assert combine({"a": c, "b": f}).verdict is Verdict.FAILS


def test_jsonable_handles_nonfinite_and_sympy():
    import numpy as np

    out = jsonable({"a": float("inf"), "b": np.float64(2.5), "c": sp.Symbol("x") + 1, "d": np.arange(2)})
    assert out == {"a": "inf", "b": 2.5, "c": "x + 1", "d": [0, 1]}
    json.dumps(out, allow_nan=False)


def test_prove_zero_three_outcomes():
    x, y = sp.symbols("x y", positive=True)
    assert prove_zero(sp.log(x * y) - sp.log(x) - sp.log(y)).proved
    r = prove_equal((x + 1) ** 2, x**2 + 1)
    assert r.refuted and r.counterexample is not None
    # W(x) e^{W(x)} = x is true but SymPy cannot reduce it: undecided, never proved
    w = sp.LambertW(x)
    r1 = prove_zero(sp.exp(w) * w - x)
    assert r1.status == "undecided" and r1.max_rel_residual < 1e-40
    # a perturbation below the refutation threshold stays undecided (not a pass either)
    r2 = prove_zero(sp.exp(w) * w - x + sp.Rational(1, 10**30))
    assert r2.status == "undecided"
    assert prove_zero(sp.exp(w) * w - x + sp.Rational(1, 1000)).refuted


def test_select_matches_whole_id_components():
    from theorycheck.core.registry import _REGISTRY

    fake = {cid: registry.Claim(cid, "s", "t", lambda p, q: None)
            for cid in ("ZZSEL.lemma", "ZZSEL.lemma.a", "ZZSEL.lemma1", "ZZSEL.lemma10", "ZZSEL.log", "ZZSEL.log1p")}
    _REGISTRY.update(fake)
    try:
        ids = lambda *p: [c.id for c in registry.select(list(p))]  # noqa: E731
        assert ids("ZZSEL.lemma") == ["ZZSEL.lemma", "ZZSEL.lemma.a"]  # not ZZSEL.lemma1 / lemma10
        assert ids("ZZSEL.lemma1") == ["ZZSEL.lemma1"]
        assert ids("ZZSEL.log") == ["ZZSEL.log"]  # not ZZSEL.log1p
        assert ids("ZZSEL") == sorted(fake, key=registry._sort_key)
        assert ids("ZZSEL.") == ids("ZZSEL")
        assert set(ids("ZZSEL.lemma*")) == {"ZZSEL.lemma", "ZZSEL.lemma.a", "ZZSEL.lemma1", "ZZSEL.lemma10"}
        with pytest.raises(ValueError, match=r"^only: .*did you mean ZZSEL.lemma"):
            registry.select(["ZZSEL.lem"])
        for bad in ("", " ", " ZZSEL"):
            with pytest.raises(ValueError, match="^only: a pattern must be"):
                registry.select([bad])
    finally:
        for cid in fake:
            _REGISTRY.pop(cid)
    assert [c.id for c in registry.select(["K24.sec31"])] == ["K24.sec31"]
    with pytest.raises(ValueError, match="only"):
        registry.select(["NOPE"])


def test_proofs_scripts_select_their_claims():
    import re
    from pathlib import Path

    for f in sorted((Path(__file__).resolve().parents[1] / "proofs").glob("*.py")):
        m = re.search(r"main\((\[.*?\])\)", f.read_text())
        if m:
            assert registry.select(eval(m.group(1))), f.name  # every prefix matches (else ValueError)


@pytest.mark.parametrize(
    "fn,arg,name",
    [
        (validation.check_classes, 1, "c"),
        (validation.check_classes, float("nan"), "c"),
        (validation.check_probability_vector, [0.5, 0.6], "pi"),
        (validation.check_probability_vector, [1.0, 0.0], "pi"),
        (validation.check_probability_vector, [0.5, float("nan")], "pi"),
        (validation.check_time, -1.0, "t"),
        (validation.check_step, 0.0, "step"),
        (validation.check_frequency, 1.5, "pi"),
    ],
)
def test_validation_names_the_parameter(fn, arg, name):
    with pytest.raises(ValueError, match=rf"^{name}:"):
        fn(arg)


def test_cli_verify_json_and_strict(tmp_path):
    out = tmp_path / "r.json"
    p = subprocess.run([sys.executable, "-m", "theorycheck", "verify", "--only", "K24.sec31", "--json", str(out)],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    data = json.loads(out.read_text())
    (c,) = data["claims"]
    assert set(c) >= {"id", "source", "verdict", "method", "statement", "correction", "evidence", "seconds"}
    assert "ID" in p.stdout and "K24.sec31" in p.stdout
    p2 = subprocess.run([sys.executable, "-m", "theorycheck", "verify", "--only", "K24.sec31", "--strict"],
                        capture_output=True, text=True)
    assert p2.returncode == (1 if c["verdict"] in ("corrected", "fails", "inconclusive") else 0)


def test_cli_unknown_claim_is_an_error():
    p = subprocess.run([sys.executable, "-m", "theorycheck", "verify", "--only", "ZZZ"], capture_output=True, text=True)
    assert p.returncode == 2 and "ZZZ" in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1 and "Traceback" not in p.stderr


def test_user_claim_file(tmp_path):
    f = tmp_path / "mine.py"
    f.write_text(
        "from theorycheck.core.registry import claim\n"
        "from theorycheck.core.result import Result, Verdict\n"
        "@claim('USER.t1', provenance='derived', source='me', statement='1+1=2', printed=2)\n"
        "def t1(p, profile):\n"
        "    return Result(Verdict.HOLDS if 1 + 1 == p else Verdict.INCONCLUSIVE, 'computed 1+1', 'exact')\n"
    )
    p = subprocess.run([sys.executable, "-m", "theorycheck", "verify", "--claims", str(f), "--only", "USER", "--json", "-"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["claims"][0]["verdict"] == "holds"


# --- the CLI: crashes, user errors, guidance (report/CLI area) ----------------------------------

EXITING = '''
import sys
from theorycheck.core.registry import claim
from theorycheck.core.result import Result, Verdict

@claim("ZZEXIT.a_exits", provenance="derived", source="test", statement="exits", printed=1)
def a(p, profile):
    sys.exit(0)

@claim("ZZEXIT.b_raises", provenance="derived", source="test", statement="raises", printed=1)
def b(p, profile):
    raise KeyboardInterrupt  # raised by the check itself, not a Ctrl-C

@claim("ZZEXIT.c_holds", provenance="derived", source="test", statement="holds", printed=1)
def c(p, profile):
    return Result(Verdict.HOLDS, "computed", "exact")

@claim("ZZEXIT.d_corrected", provenance="derived", source="test", statement="1 + 1 = 3", printed=3)
def d(p, profile):
    return Result(Verdict.CORRECTED, "1 + 1 = 2, not 3", "exact", correction="1 + 1 = 2")
'''


def _tc(*args, cwd=None):
    import os
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[1])  # this checkout, whatever the working folder
    env = {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-m", "theorycheck", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300, env=env)


def test_a_check_calling_sys_exit_is_a_crash_and_strict_fails(tmp_path):
    f = tmp_path / "exiting.py"
    f.write_text(EXITING)
    p = _tc("verify", "--claims", str(f), "--only", "ZZEXIT", "--strict", "--json", str(tmp_path / "r.json"))
    assert p.returncode == 2, p.stdout + p.stderr
    data = {c["id"]: c for c in json.loads((tmp_path / "r.json").read_text())["claims"]}
    # every claim ran: the exit and the check's own KeyboardInterrupt did not end the run
    assert data["ZZEXIT.a_exits"]["verdict"] == "crash" and "sys.exit(0)" in data["ZZEXIT.a_exits"]["finding"]
    assert data["ZZEXIT.b_raises"]["verdict"] == "crash"
    assert data["ZZEXIT.c_holds"]["verdict"] == "holds" and data["ZZEXIT.d_corrected"]["verdict"] == "corrected"
    assert "CRASH" in p.stdout and "exit 2: 2 check(s) crashed: ZZEXIT.a_exits, ZZEXIT.b_raises" in p.stderr
    # without the crashing claims, --strict names the claim that made it exit 1
    p2 = _tc("verify", "--claims", str(f), "--only", "ZZEXIT.c_holds", "ZZEXIT.d_corrected", "--strict")
    assert p2.returncode == 1
    assert "--strict: exit 1: 1 claim(s) not confirmed as printed: ZZEXIT.d_corrected (corrected)" in p2.stderr


def test_a_check_raising_keyboardinterrupt_is_a_crash_when_sigint_is_ignored(tmp_path):
    # a run started in the background by a shell has SIGINT ignored: no Ctrl-C can arrive, so a
    # KeyboardInterrupt is the check's own (before: the run stopped with exit 130, "interrupted")
    import os
    import signal
    from pathlib import Path

    f = tmp_path / "exiting.py"
    f.write_text(EXITING)
    root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", "")}
    p = subprocess.run([sys.executable, "-m", "theorycheck", "verify", "--claims", str(f), "--only", "ZZEXIT",
                        "--strict"], capture_output=True, text=True, timeout=300, env=env,
                       preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    assert p.returncode == 2, p.stdout + p.stderr
    assert "2 check(s) crashed: ZZEXIT.a_exits, ZZEXIT.b_raises" in p.stderr


def test_rerun_command_with_v_and_for_claims_that_do_not_hold(tmp_path):
    f = tmp_path / "exiting.py"
    f.write_text(EXITING)
    p = _tc("verify", "--claims", str(f), "--only", "ZZEXIT.c_holds", "ZZEXIT.d_corrected", cwd=tmp_path)
    rerun = "theorycheck verify --claims exiting.py --only ZZEXIT.d_corrected --fresh -v"
    assert rerun in p.stdout and "--only ZZEXIT.c_holds --fresh" not in p.stdout
    v = _tc("verify", "--claims", str(f), "--only", "ZZEXIT.c_holds", "-v", cwd=tmp_path)
    assert "re-run:     theorycheck verify --claims exiting.py --only ZZEXIT.c_holds --fresh -v" in v.stdout
    assert "statement:" in v.stdout and "evidence:" not in v.stdout.split("re-run")[0].split("finding")[0]


def test_verify_v_only_prints_the_rerun_command_and_a_short_summary(tmp_path):
    p = _tc("verify", "-v", "--only", "K24.sec31")
    assert p.returncode == 0, p.stderr
    assert "theorycheck verify --only K24.sec31 --fresh -v" in p.stdout
    assert "(--evidence prints all of it)" in p.stdout
    full = _tc("verify", "--evidence", "--only", "K24.sec31")
    assert len(full.stdout.splitlines()) > len(p.stdout.splitlines())


def test_table_fits_the_terminal_width():
    import os

    from theorycheck.core import runner
    from theorycheck.core.registry import Claim, Outcome

    long = "a finding " * 30
    rows = [Outcome(Claim(f"ZZW.claim{i}", "s", "t", None, provenance="seed-fulltext"),
                    Result(Verdict.HOLDS, long, "symbolic+numeric"), 1.0) for i in range(3)]
    for cols in (40, 60, 80, 120, 200):
        lines = runner.format_table(rows, cols).splitlines()
        assert max(len(line) for line in lines) <= max(cols, 62), (cols, lines)  # 20 characters of finding at least
        assert all("ZZW.claim" in line for line in lines[2:])
    assert "provenance" not in runner.format_table(rows, 60) and "strength" in runner.format_table(rows, 80)
    p = subprocess.run([sys.executable, "-m", "theorycheck", "verify", "--only", "K24.sec31"],
                       capture_output=True, text=True, env={**os.environ, "COLUMNS": "90"})
    table = p.stdout.split("\n\n")[0].splitlines()
    assert max(len(line) for line in table) <= 90, table


@pytest.mark.parametrize("args,words", [
    (["verify", "--only", "K24.sec31", "--json", "AFILE/r.json"], "json: folder"),
    (["verify", "--only", ""], "only: a pattern must be"),
    (["verify", "--claims", "SYNTAX.py"], "SYNTAX.py, line 1: invalid syntax"),
    (["verify", "--claims", "RAISES.py"], "raised ZeroDivisionError"),
    (["verify", "--claims", "nope.py"], "claims: no such file"),
    (["verify", "--scheduler", "tcp://127.0.0.1:1", "--executor", "in-process"], "--scheduler needs --executor dask"),
    (["report", "--results", "nope.json"], "results: cannot read"),
    (["docs", "--no-run", "--results", "nope.json"], "results: no such file"),
    (["plot", "nosuchplot"], "unknown plot"),
    (["verify", "--profile", "huge"], "invalid choice"),
])
def test_user_errors_are_one_line_exit_2(tmp_path, args, words):
    (tmp_path / "SYNTAX.py").write_text("def f(:\n")
    (tmp_path / "RAISES.py").write_text("1 / 0\n")
    (tmp_path / "AFILE").write_text("a file, not a folder\n")
    args = [str(tmp_path / a) if a.startswith(("SYNTAX", "RAISES", "AFILE")) else a for a in args]
    p = _tc(*args, cwd=tmp_path)
    assert p.returncode == 2, (p.stdout, p.stderr)
    err = p.stderr.strip()
    assert words in err and len(err.splitlines()) == 1 and "Traceback" not in err, err
    if args[0] == "verify" and "--claims" in args:
        d = _tc("--debug", *args, cwd=tmp_path)
        assert "Traceback" in d.stderr


def test_help_says_that_claims_files_and_plugins_run_code():
    p = _tc("verify", "--help")
    assert "RUNS the file's code" in " ".join(p.stdout.split()) and "plug-ins" in p.stdout
